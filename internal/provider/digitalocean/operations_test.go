package digitalocean

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// clientOperations are the API v2 operations this package calls, as the description names them.
var clientOperations = []dosim.Operation{
	{Method: "GET", Path: "/v2/account"},
	{Method: "GET", Path: "/v2/regions"},
	{Method: "GET", Path: "/v2/sizes"},
	{Method: "GET", Path: "/v2/images"},
	{Method: "GET", Path: "/v2/account/keys"},
	{Method: "POST", Path: "/v2/account/keys"},
	{Method: "GET", Path: "/v2/account/keys/{ssh_key_identifier}"},
	{Method: "GET", Path: "/v2/droplets"},
	{Method: "POST", Path: "/v2/droplets"},
	{Method: "DELETE", Path: "/v2/droplets"},
	{Method: "GET", Path: "/v2/droplets/{droplet_id}"},
	{Method: "DELETE", Path: "/v2/droplets/{droplet_id}"},
	{Method: "GET", Path: "/v2/actions/{action_id}"},
	{Method: "GET", Path: "/v2/domains"},
	{Method: "POST", Path: "/v2/domains"},
	{Method: "GET", Path: "/v2/domains/{domain_name}"},
	{Method: "GET", Path: "/v2/domains/{domain_name}/records"},
	{Method: "POST", Path: "/v2/domains/{domain_name}/records"},
	{Method: "PUT", Path: "/v2/domains/{domain_name}/records/{domain_record_id}"},
	{Method: "DELETE", Path: "/v2/domains/{domain_name}/records/{domain_record_id}"},
	{Method: "GET", Path: "/v2/spaces/keys"},
	{Method: "POST", Path: "/v2/spaces/keys"},
	{Method: "DELETE", Path: "/v2/spaces/keys/{access_key}"},
	{Method: "GET", Path: "/v2/customers/my/balance"},
	{Method: "GET", Path: "/v2/customers/my/billing_history"},
	{Method: "GET", Path: "/v2/monitoring/metrics/droplet/cpu"},
	{Method: "GET", Path: "/v2/volumes"},
	{Method: "GET", Path: "/v2/databases"},
	{Method: "GET", Path: "/v2/kubernetes/clusters"},
	{Method: "GET", Path: "/v2/load_balancers"},
	{Method: "GET", Path: "/v2/reserved_ips"},
	{Method: "GET", Path: "/v2/snapshots"},
	{Method: "GET", Path: "/v2/apps"},
}

// TestClientOperationsAreDescribedAndSimulated keeps the client within DigitalOcean's
// description and the simulator: every operation it calls exists in both.
func TestClientOperationsAreDescribedAndSimulated(t *testing.T) {
	t.Parallel()
	doc, err := dosimtest.Document()
	if err != nil {
		t.Fatal(err)
	}
	simulated := dosim.Operations()
	for _, op := range clientOperations {
		item := doc.Paths.Find(op.Path)
		if item == nil || item.GetOperation(op.Method) == nil {
			t.Errorf("%s %s is not in DigitalOcean's API description", op.Method, op.Path)
		}
		if !slices.ContainsFunc(simulated, func(s dosim.Operation) bool {
			return s.Method == op.Method && strings.EqualFold(s.Path, op.Path)
		}) {
			t.Errorf("%s %s is not implemented by the simulator", op.Method, op.Path)
		}
	}
}
