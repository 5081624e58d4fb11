package dosim

import (
	"errors"
	"fmt"
	"slices"
)

// Defaults for Team limits left zero.
const (
	DefaultDropletLimit    = 25
	DefaultFloatingIPLimit = 3
	DefaultVolumeLimit     = 100
)

// ErrNotFound is returned by the test helpers when a user or team does not exist.
var ErrNotFound = errors.New("dosim: not found")

// User is a simulated DigitalOcean person.
type User struct {
	UUID          string
	ID            int // numeric id, reported as resource_owner_id; 0 means AddUser assigns one
	Name          string
	Email         string
	EmailVerified bool
}

// Team is a simulated DigitalOcean team: the owner of every resource and every grant.
type Team struct {
	UUID            string
	Name            string
	DropletLimit    int // 0 means DefaultDropletLimit
	FloatingIPLimit int // 0 means DefaultFloatingIPLimit
	VolumeLimit     int // 0 means DefaultVolumeLimit
}

// teamState is a team with its members and resources.
type teamState struct {
	Team
	members    []string // user UUIDs, in the order they were added
	droplets   []*droplet
	ended      []usage // what deleted Droplets ran, for billing
	sshKeys    []*sshKey
	domains    []*domain
	spacesKeys []*spacesKey
	inventory  map[string][]*resource // by kind: volumes, databases, ...

	status        string // account status: "" (active), warning or locked; see SetAccountStatus
	statusMessage string
}

// state is everything the simulator remembers. Server.mu guards it.
type state struct {
	clients     map[string]Client
	users       map[string]*User
	userOrder   []string
	teams       map[string]*teamState
	teamOrder   []string
	domainOwner map[string]string // domain name -> team UUID; names are global on DigitalOcean
	nextUserID  int
	nextDroplet int
	nextRecord  int
	nextSSHKey  int
	nextAction  int
	nextSeq     int // for inventory resources
	actions     map[int]*action
	tokens      tokenStore
}

func newState() *state {
	return &state{
		clients:     map[string]Client{},
		users:       map[string]*User{},
		teams:       map[string]*teamState{},
		domainOwner: map[string]string{},
		nextUserID:  7000001,
		nextDroplet: 480000001,
		nextRecord:  310000001,
		nextSSHKey:  512190,
		nextAction:  2080000001,
		nextSeq:     1,
		actions:     map[int]*action{},
		tokens:      newTokenStore(),
	}
}

// AddUser adds (or replaces) a simulated person and returns it with its ID filled in.
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.st.users[u.UUID]; ok && u.ID == 0 {
		u.ID = old.ID
	}
	if u.ID == 0 {
		u.ID = s.st.nextUserID
		s.st.nextUserID++
	}
	if _, ok := s.st.users[u.UUID]; !ok {
		s.st.userOrder = append(s.st.userOrder, u.UUID)
	}
	s.st.users[u.UUID] = &u
	return u
}

// AddTeam adds a simulated team, or updates the name and limits of an existing one.
func (s *Server) AddTeam(t Team) Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.DropletLimit == 0 {
		t.DropletLimit = DefaultDropletLimit
	}
	if t.FloatingIPLimit == 0 {
		t.FloatingIPLimit = DefaultFloatingIPLimit
	}
	if t.VolumeLimit == 0 {
		t.VolumeLimit = DefaultVolumeLimit
	}
	if ts, ok := s.st.teams[t.UUID]; ok {
		ts.Team = t
		return t
	}
	s.st.teams[t.UUID] = &teamState{Team: t, inventory: map[string][]*resource{}}
	s.st.teamOrder = append(s.st.teamOrder, t.UUID)
	return t
}

// AddMember makes a user a member of a team, so the consent page offers that pair.
func (s *Server) AddMember(teamUUID, userUUID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return err
	}
	if _, ok := s.st.users[userUUID]; !ok {
		return fmt.Errorf("add member: user %q: %w", userUUID, ErrNotFound)
	}
	if !slices.Contains(ts.members, userUUID) {
		ts.members = append(ts.members, userUUID)
	}
	return nil
}

// Users returns every simulated person in the order they were added.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.st.userOrder))
	for _, id := range s.st.userOrder {
		out = append(out, *s.st.users[id])
	}
	return out
}

// Teams returns every simulated team in the order they were added.
func (s *Server) Teams() []Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Team, 0, len(s.st.teamOrder))
	for _, id := range s.st.teamOrder {
		out = append(out, s.st.teams[id].Team)
	}
	return out
}

// Members returns the members of a team in the order they were added.
func (s *Server) Members(teamUUID string) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return nil
	}
	out := make([]User, 0, len(ts.members))
	for _, id := range ts.members {
		out = append(out, *s.st.users[id])
	}
	return out
}

// team returns the team with the given UUID.
func (st *state) team(uuid string) (*teamState, error) {
	ts, ok := st.teams[uuid]
	if !ok {
		return nil, fmt.Errorf("team %q: %w", uuid, ErrNotFound)
	}
	return ts, nil
}

// isMember reports whether the user belongs to the team.
func (st *state) isMember(teamUUID, userUUID string) bool {
	ts, ok := st.teams[teamUUID]
	return ok && slices.Contains(ts.members, userUUID)
}

// membership is one user acting within one team: what a grant is issued for.
type membership struct {
	user *User
	team *teamState
}

// memberships lists every (team, user) pair in a stable order.
func (st *state) memberships() []membership {
	var out []membership
	for _, tid := range st.teamOrder {
		ts := st.teams[tid]
		for _, uid := range ts.members {
			out = append(out, membership{user: st.users[uid], team: ts})
		}
	}
	return out
}
