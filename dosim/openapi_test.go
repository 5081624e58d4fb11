package dosim_test

import (
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// TestOperationsAreInTheDescription checks every implemented operation against
// DigitalOcean's API description: the path and method exist, and the scope the simulator
// enforces is the one the description's bearer_auth requirement names.
func TestOperationsAreInTheDescription(t *testing.T) {
	t.Parallel()
	doc, err := dosimtest.Document()
	if err != nil {
		t.Fatal(err)
	}
	ops := dosim.Operations()
	if len(ops) == 0 {
		t.Fatal("Operations() is empty")
	}
	for _, op := range ops {
		item := doc.Paths.Value(op.Path)
		if item == nil {
			t.Errorf("%s %s: path not in the description", op.Method, op.Path)
			continue
		}
		o := item.GetOperation(op.Method)
		if o == nil {
			t.Errorf("%s %s: method not in the description", op.Method, op.Path)
			continue
		}
		var scopes []string
		if o.Security != nil {
			for _, req := range *o.Security {
				scopes = append(scopes, req["bearer_auth"]...)
			}
		}
		if !slices.Contains(scopes, op.Scope) {
			t.Errorf("%s %s: simulator requires scope %q, description says %v", op.Method, op.Path, op.Scope, scopes)
		}
	}
}
