package spaces

import "github.com/berth-dev/berth/dosim"

// FromSimulator returns the Spaces keys the DigitalOcean simulator issues through
// /v2/spaces/keys; a key deleted there stops working here at once.
func FromSimulator(sim *dosim.Server) Keys {
	return KeysFunc(func(accessKey string) (Key, bool) {
		k, ok := sim.SpacesKey(accessKey)
		if !ok {
			return Key{}, false
		}
		out := Key{Name: k.Name, AccessKey: k.AccessKey, SecretKey: k.SecretKey, TeamUUID: k.TeamUUID}
		for _, g := range k.Grants {
			out.Grants = append(out.Grants, Grant(g))
		}
		return out, true
	})
}
