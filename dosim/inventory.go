package dosim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Inventory kinds: the resources the simulator only lists, named by their list's JSON key.
const (
	KindVolumes            = "volumes"
	KindDatabases          = "databases"
	KindKubernetesClusters = "kubernetes_clusters"
	KindLoadBalancers      = "load_balancers"
	KindReservedIPs        = "reserved_ips"
	KindSnapshots          = "snapshots"
	KindApps               = "apps"
)

// inventoryKinds maps each kind to the prefix of the names AddInventory gives.
var inventoryKinds = map[string]string{
	KindVolumes: "volume", KindDatabases: "db", KindKubernetesClusters: "k8s",
	KindLoadBalancers: "lb", KindReservedIPs: "rip", KindSnapshots: "snapshot", KindApps: "app",
}

// resource is one listed-only resource: a volume, database, cluster, and so on.
type resource struct {
	id         string
	seq        int
	name       string
	region     region
	created    time.Time
	tags       []string
	dropletIDs []int  // volumes: attached Droplets; reserved IPs: the one it points at
	snapshotOf string // snapshots: the Droplet id
}

// AddInventory adds n resources of a kind (one of the Kind* constants) to a team, spread
// over the available regions, so that a test or benchmark can build a large account.
func (s *Server) AddInventory(teamUUID, kind string, n int) error {
	prefix, ok := inventoryKinds[kind]
	if !ok {
		return fmt.Errorf("add inventory: unknown kind %q", kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return fmt.Errorf("add inventory: %w", err)
	}
	avail := availableRegionSlugs()
	now := s.now()
	for i := range n {
		reg, _ := findRegion(avail[(len(ts.inventory[kind])+i)%len(avail)])
		s.st.addResource(ts, kind, fmt.Sprintf("%s-%06d", prefix, len(ts.inventory[kind])+1), reg, now)
	}
	return nil
}

// addResource stores one resource with a fresh id.
func (st *state) addResource(ts *teamState, kind, name string, reg region, now time.Time) *resource {
	res := &resource{seq: st.nextSeq, name: name, region: reg, created: now.UTC(), tags: []string{}}
	st.nextSeq++
	switch kind {
	case KindSnapshots:
		res.id = fmt.Sprint(170000000 + res.seq)
	case KindReservedIPs:
		res.id = documentationIPv4(3*253 - 1 - res.seq%(3*253)) // from the top, away from Droplets
	default:
		res.id = nameUUID(fmt.Sprintf("%s/%s/%d", kind, ts.UUID, res.seq))
	}
	ts.inventory[kind] = append(ts.inventory[kind], res)
	return res
}

// matches reports whether the resource passes the list filters of its kind.
func (res *resource) matches(kind string, q url.Values) bool {
	switch kind {
	case KindVolumes:
		return (q.Get("name") == "" || q.Get("name") == res.name) && (q.Get("region") == "" || q.Get("region") == res.region.Slug)
	case KindDatabases:
		return q.Get("tag_name") == "" || slices.Contains(res.tags, q.Get("tag_name"))
	case KindSnapshots:
		return q.Get("resource_type") == "" || q.Get("resource_type") == "droplet"
	}
	return true
}

// listInventory answers the list of one kind. Databases are not paginated, as on DigitalOcean.
func (s *Server) listInventory(kind string) func(http.ResponseWriter, *http.Request, caller) {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		q := r.URL.Query()
		s.mu.Lock()
		defer s.mu.Unlock()
		ts := s.st.teams[c.team.UUID]
		var sel []*resource
		for _, res := range ts.inventory[kind] {
			if res.matches(kind, q) {
				sel = append(sel, res)
			}
		}
		if kind == KindDatabases {
			writeJSON(w, http.StatusOK, map[string]any{kind: s.renderAll(ts, kind, sel)})
			return
		}
		page, env := paginate(s, r, sel)
		writeJSON(w, http.StatusOK, map[string]any{kind: s.renderAll(ts, kind, page), "links": env.Links, "meta": env.Meta})
	}
}

// renderAll renders resources of one kind as the API shows them.
func (s *Server) renderAll(ts *teamState, kind string, items []*resource) []any {
	now := s.now()
	out := make([]any, len(items))
	for i, res := range items {
		out[i] = renderResource(ts, kind, res, now)
	}
	return out
}

// renderResource renders one resource of a kind.
func renderResource(ts *teamState, kind string, res *resource, now time.Time) any {
	switch kind {
	case KindVolumes:
		return volumeJSONOf(res)
	case KindDatabases:
		return databaseJSONOf(ts, res)
	case KindKubernetesClusters:
		return clusterJSONOf(ts, res)
	case KindLoadBalancers:
		return loadBalancerJSONOf(ts, res)
	case KindReservedIPs:
		return reservedIPJSONOf(ts, res, now)
	case KindSnapshots:
		return snapshotJSONOf(res)
	}
	return appJSONOf(ts, res)
}

func (res *resource) createdAt() string { return res.created.Format(time.RFC3339) }

type volumeJSON struct {
	ID              string     `json:"id"`
	DropletIDs      []int      `json:"droplet_ids"`
	Name            string     `json:"name"`
	Description     string     `json:"description"`
	SizeGigabytes   int        `json:"size_gigabytes"`
	CreatedAt       string     `json:"created_at"`
	Tags            []string   `json:"tags"`
	Region          regionJSON `json:"region"`
	FilesystemType  string     `json:"filesystem_type"`
	FilesystemLabel string     `json:"filesystem_label"`
}

func volumeJSONOf(res *resource) volumeJSON {
	return volumeJSON{ID: res.id, DropletIDs: nonNil(res.dropletIDs), Name: res.name, Description: "Block storage",
		SizeGigabytes: 10 * (1 + res.seq%10), CreatedAt: res.createdAt(), Tags: res.tags,
		Region: regionJSONOf(res.region), FilesystemType: "ext4", FilesystemLabel: ""}
}

type snapshotJSON struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	CreatedAt     string   `json:"created_at"`
	Regions       []string `json:"regions"`
	MinDiskSize   int      `json:"min_disk_size"`
	SizeGigabytes float64  `json:"size_gigabytes"`
	ResourceID    string   `json:"resource_id"`
	ResourceType  string   `json:"resource_type"`
	Tags          []string `json:"tags"`
}

func snapshotJSONOf(res *resource) snapshotJSON {
	of := res.snapshotOf
	if of == "" {
		of = fmt.Sprint(firstDropletID - 1000 - res.seq) // a Droplet deleted long ago
	}
	return snapshotJSON{ID: res.id, Name: res.name, CreatedAt: res.createdAt(), Regions: []string{res.region.Slug},
		MinDiskSize: 25, SizeGigabytes: 2.34, ResourceID: of, ResourceType: "droplet", Tags: res.tags}
}

type reservedIPJSON struct {
	IP        string     `json:"ip"`
	Region    regionJSON `json:"region"`
	Droplet   any        `json:"droplet"`
	Locked    bool       `json:"locked"`
	ProjectID string     `json:"project_id"`
}

func reservedIPJSONOf(ts *teamState, res *resource, now time.Time) reservedIPJSON {
	out := reservedIPJSON{IP: res.id, Region: regionJSONOf(res.region), ProjectID: ts.project()}
	if len(res.dropletIDs) > 0 {
		if d, ok := ts.droplet(res.dropletIDs[0]); ok {
			out.Droplet = d.json(now)
		}
	}
	return out
}

// project returns the UUID of the team's default project.
func (ts *teamState) project() string { return nameUUID("project/" + ts.UUID) }

type databaseJSON struct {
	ID                 string          `json:"id"`
	Name               string          `json:"name"`
	Engine             string          `json:"engine"`
	Version            string          `json:"version"`
	NumNodes           int             `json:"num_nodes"`
	Size               string          `json:"size"`
	Region             string          `json:"region"`
	Status             string          `json:"status"`
	CreatedAt          string          `json:"created_at"`
	PrivateNetworkUUID string          `json:"private_network_uuid"`
	Tags               []string        `json:"tags"`
	DBNames            []string        `json:"db_names"`
	Connection         connectionJSON  `json:"connection"`
	MaintenanceWindow  maintenanceJSON `json:"maintenance_window"`
	ProjectID          string          `json:"project_id"`
	StorageSizeMiB     int             `json:"storage_size_mib"`
}

type connectionJSON struct {
	URI      string `json:"uri"`
	Database string `json:"database"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	SSL      bool   `json:"ssl"`
}

type maintenanceJSON struct {
	Day         string   `json:"day"`
	Hour        string   `json:"hour"`
	Pending     bool     `json:"pending"`
	Description []string `json:"description"`
}

func databaseJSONOf(ts *teamState, res *resource) databaseJSON {
	host := fmt.Sprintf("%s-do-user-%d-0.k.db.ondigitalocean.com", res.name, res.seq)
	pass := "AVNS_" + nameUUID("db-pass/" + res.id)[:20]
	return databaseJSON{ID: res.id, Name: res.name, Engine: "pg", Version: "16", NumNodes: 1,
		Size: "db-s-1vcpu-1gb", Region: res.region.Slug, Status: "online", CreatedAt: res.createdAt(),
		PrivateNetworkUUID: ts.vpc(res.region.Slug), Tags: res.tags, DBNames: []string{"defaultdb"},
		Connection: connectionJSON{URI: fmt.Sprintf("postgresql://doadmin:%s@%s:25060/defaultdb?sslmode=require", pass, host),
			Database: "defaultdb", Host: host, Port: 25060, User: "doadmin", Password: pass, SSL: true},
		MaintenanceWindow: maintenanceJSON{Day: "tuesday", Hour: "02:00:00", Description: []string{}},
		ProjectID:         ts.project(), StorageSizeMiB: 10240}
}

type clusterJSON struct {
	ID                string         `json:"id"`
	Name              string         `json:"name"`
	Region            string         `json:"region"`
	Version           string         `json:"version"`
	ClusterSubnet     string         `json:"cluster_subnet"`
	ServiceSubnet     string         `json:"service_subnet"`
	VPCUUID           string         `json:"vpc_uuid"`
	IPv4              string         `json:"ipv4"`
	Endpoint          string         `json:"endpoint"`
	Tags              []string       `json:"tags"`
	NodePools         []nodePoolJSON `json:"node_pools"`
	MaintenancePolicy maintenanceK8s `json:"maintenance_policy"`
	AutoUpgrade       bool           `json:"auto_upgrade"`
	Status            clusterState   `json:"status"`
	CreatedAt         string         `json:"created_at"`
	UpdatedAt         string         `json:"updated_at"`
	SurgeUpgrade      bool           `json:"surge_upgrade"`
	HA                bool           `json:"ha"`
	RegistryEnabled   bool           `json:"registry_enabled"`
	Registries        []string       `json:"registries"`
}

type maintenanceK8s struct {
	StartTime string `json:"start_time"`
	Duration  string `json:"duration"`
	Day       string `json:"day"`
}

type clusterState struct {
	State   string `json:"state"`
	Message string `json:"message,omitempty"`
}

type nodePoolJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Size      string     `json:"size"`
	Count     int        `json:"count"`
	Tags      []string   `json:"tags"`
	Labels    any        `json:"labels"`
	Taints    []struct{} `json:"taints"`
	AutoScale bool       `json:"auto_scale"`
	MinNodes  int        `json:"min_nodes"`
	MaxNodes  int        `json:"max_nodes"`
	Nodes     []nodeJSON `json:"nodes"`
}

type nodeJSON struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Status    clusterState `json:"status"`
	DropletID string       `json:"droplet_id"`
	CreatedAt string       `json:"created_at"`
	UpdatedAt string       `json:"updated_at"`
}

func clusterJSONOf(ts *teamState, res *resource) clusterJSON {
	pool := nodePoolJSON{ID: nameUUID("pool/" + res.id), Name: res.name + "-default", Size: "s-2vcpu-4gb", Count: 3,
		Tags: []string{"k8s", "k8s:" + res.id, "k8s:worker"}, Taints: []struct{}{}}
	for i := range pool.Count {
		pool.Nodes = append(pool.Nodes, nodeJSON{ID: nameUUID(fmt.Sprintf("node/%s/%d", res.id, i)),
			Name:   fmt.Sprintf("%s-%s", pool.Name, nameUUID(fmt.Sprintf("node/%s/%d", res.id, i))[:5]),
			Status: clusterState{State: "running"}, DropletID: fmt.Sprint(firstDropletID - 100000 - 3*res.seq - i),
			CreatedAt: res.createdAt(), UpdatedAt: res.createdAt()})
	}
	return clusterJSON{ID: res.id, Name: res.name, Region: res.region.Slug, Version: "1.33.1-do.0",
		ClusterSubnet: "10.244.0.0/16", ServiceSubnet: "10.245.0.0/16", VPCUUID: ts.vpc(res.region.Slug),
		IPv4: documentationIPv4(500 + res.seq), Endpoint: "https://" + res.id + ".k8s.ondigitalocean.com",
		Tags: []string{"k8s", "k8s:" + res.id}, NodePools: []nodePoolJSON{pool},
		MaintenancePolicy: maintenanceK8s{StartTime: "00:00", Duration: "4h0m0s", Day: "any"},
		Status:            clusterState{State: "running"}, CreatedAt: res.createdAt(), UpdatedAt: res.createdAt(),
		SurgeUpgrade: true, Registries: []string{}}
}

type loadBalancerJSON struct {
	ID                     string           `json:"id"`
	Name                   string           `json:"name"`
	ProjectID              string           `json:"project_id"`
	IP                     string           `json:"ip"`
	SizeUnit               int              `json:"size_unit"`
	Algorithm              string           `json:"algorithm"`
	Status                 string           `json:"status"`
	CreatedAt              string           `json:"created_at"`
	ForwardingRules        []forwardingRule `json:"forwarding_rules"`
	HealthCheck            healthCheck      `json:"health_check"`
	StickySessions         map[string]any   `json:"sticky_sessions"`
	RedirectHTTPToHTTPS    bool             `json:"redirect_http_to_https"`
	EnableProxyProtocol    bool             `json:"enable_proxy_protocol"`
	EnableBackendKeepalive bool             `json:"enable_backend_keepalive"`
	HTTPIdleTimeout        int              `json:"http_idle_timeout_seconds"`
	VPCUUID                string           `json:"vpc_uuid"`
	Region                 regionJSON       `json:"region"`
	DropletIDs             []int            `json:"droplet_ids"`
	Tag                    string           `json:"tag"`
}

type forwardingRule struct {
	EntryProtocol  string `json:"entry_protocol"`
	EntryPort      int    `json:"entry_port"`
	TargetProtocol string `json:"target_protocol"`
	TargetPort     int    `json:"target_port"`
	CertificateID  string `json:"certificate_id"`
	TLSPassthrough bool   `json:"tls_passthrough"`
}

type healthCheck struct {
	Protocol               string `json:"protocol"`
	Port                   int    `json:"port"`
	Path                   string `json:"path"`
	CheckIntervalSeconds   int    `json:"check_interval_seconds"`
	ResponseTimeoutSeconds int    `json:"response_timeout_seconds"`
	UnhealthyThreshold     int    `json:"unhealthy_threshold"`
	HealthyThreshold       int    `json:"healthy_threshold"`
}

func loadBalancerJSONOf(ts *teamState, res *resource) loadBalancerJSON {
	return loadBalancerJSON{ID: res.id, Name: res.name, ProjectID: ts.project(), IP: documentationIPv4(600 + res.seq),
		SizeUnit: 1, Algorithm: "round_robin", Status: "active", CreatedAt: res.createdAt(),
		ForwardingRules: []forwardingRule{{EntryProtocol: "http", EntryPort: 80, TargetProtocol: "http", TargetPort: 80}},
		HealthCheck: healthCheck{Protocol: "http", Port: 80, Path: "/", CheckIntervalSeconds: 10,
			ResponseTimeoutSeconds: 5, UnhealthyThreshold: 5, HealthyThreshold: 3},
		StickySessions: map[string]any{"type": "none"}, HTTPIdleTimeout: 60, VPCUUID: ts.vpc(res.region.Slug),
		Region: regionJSONOf(res.region), DropletIDs: nonNil(res.dropletIDs), Tag: ""}
}

type appJSON struct {
	ID                      string        `json:"id"`
	OwnerUUID               string        `json:"owner_uuid"`
	Spec                    appSpec       `json:"spec"`
	DefaultIngress          string        `json:"default_ingress"`
	LiveURL                 string        `json:"live_url"`
	LiveURLBase             string        `json:"live_url_base"`
	LiveDomain              string        `json:"live_domain"`
	CreatedAt               string        `json:"created_at"`
	UpdatedAt               string        `json:"updated_at"`
	LastDeploymentCreatedAt string        `json:"last_deployment_created_at"`
	ActiveDeployment        appDeployment `json:"active_deployment"`
	Region                  appRegion     `json:"region"`
	TierSlug                string        `json:"tier_slug"`
	ProjectID               string        `json:"project_id"`
}

type appSpec struct {
	Name   string `json:"name"`
	Region string `json:"region"`
}

type appDeployment struct {
	ID        string  `json:"id"`
	Spec      appSpec `json:"spec"`
	Phase     string  `json:"phase"`
	Cause     string  `json:"cause"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

type appRegion struct {
	Slug        string   `json:"slug"`
	Label       string   `json:"label"`
	DataCenters []string `json:"data_centers"`
}

func appJSONOf(ts *teamState, res *resource) appJSON {
	slug := res.region.Slug[:3]
	spec := appSpec{Name: res.name, Region: slug}
	live := fmt.Sprintf("%s-%s.ondigitalocean.app", res.name, res.id[:5])
	return appJSON{ID: res.id, OwnerUUID: ts.UUID, Spec: spec, DefaultIngress: "https://" + live,
		LiveURL: "https://" + live, LiveURLBase: "https://" + live, LiveDomain: live,
		CreatedAt: res.createdAt(), UpdatedAt: res.createdAt(), LastDeploymentCreatedAt: res.createdAt(),
		ActiveDeployment: appDeployment{ID: nameUUID("deployment/" + res.id), Spec: spec, Phase: "ACTIVE",
			Cause: "app created", CreatedAt: res.createdAt(), UpdatedAt: res.createdAt()},
		Region:   appRegion{Slug: slug, Label: res.region.Name, DataCenters: []string{res.region.Slug}},
		TierSlug: "basic", ProjectID: ts.project()}
}
