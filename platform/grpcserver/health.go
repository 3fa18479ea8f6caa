package grpcserver

import (
	"context"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// watchReady polls Ready and mirrors the result into the health service until
// ctx is done. Polling (rather than checking inside Check) bounds the load a
// busy prober puts on the store to one ping per interval, and also serves Watch.
func (s *Server) watchReady(ctx context.Context) {
	if s.ready == nil {
		return
	}
	tick := time.NewTicker(s.readyEvery)
	defer tick.Stop()
	var last error
	first := true
	for {
		checkCtx, cancel := context.WithTimeout(ctx, s.readyEvery)
		err := s.ready(checkCtx)
		cancel()
		if ctx.Err() != nil {
			// The failure is our own cancellation, not the dependency's.
			return
		}
		if first || (err == nil) != (last == nil) {
			if err != nil {
				s.log.Warn("grpc server not ready", "error", err)
			} else if !first {
				s.log.Info("grpc server ready again")
			}
			s.setServing(err == nil)
		}
		first, last = false, err
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) setServing(ok bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ok {
		st = healthpb.HealthCheckResponse_SERVING
	}
	for _, name := range s.services {
		s.health.SetServingStatus(name, st)
	}
}
