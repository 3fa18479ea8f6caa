package grpcserver

import "time"

// SetReadyInterval lets tests poll readiness faster than once a second.
func SetReadyInterval(s *Server, d time.Duration) { s.readyEvery = d }
