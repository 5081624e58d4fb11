package dosim

// OnWait makes s call f each time a request starts being held back (a hanging token
// request or added latency), so tests can act while it waits.
func OnWait(s *Server, f func()) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.onWait = f
}
