package dosim

import "net/http"

// accountJSON is the account object of GET /v2/account.
type accountJSON struct {
	DropletLimit    int       `json:"droplet_limit"`
	FloatingIPLimit int       `json:"floating_ip_limit"`
	VolumeLimit     int       `json:"volume_limit"`
	Email           string    `json:"email"`
	Name            string    `json:"name"`
	UUID            string    `json:"uuid"`
	EmailVerified   bool      `json:"email_verified"`
	Status          string    `json:"status"`
	StatusMessage   string    `json:"status_message"`
	Team            *teamJSON `json:"team,omitempty"`
}

type teamJSON struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// getAccount answers GET /v2/account: the token's user, with the limits of its team.
func (s *Server) getAccount(w http.ResponseWriter, r *http.Request, c caller) {
	writeJSON(w, http.StatusOK, map[string]accountJSON{"account": {
		DropletLimit:    c.team.DropletLimit,
		FloatingIPLimit: c.team.FloatingIPLimit,
		VolumeLimit:     c.team.VolumeLimit,
		Email:           c.user.Email,
		Name:            c.user.Name,
		UUID:            c.user.UUID,
		EmailVerified:   c.user.EmailVerified,
		Status:          c.status,
		StatusMessage:   c.statusMessage,
		Team:            &teamJSON{UUID: c.team.UUID, Name: c.team.Name},
	}})
}
