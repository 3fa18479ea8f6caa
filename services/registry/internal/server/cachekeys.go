package server

import (
	"context"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

// What the registry's writes make stale. The registry caches nothing of its
// own: the services that read it cache what they compute from its answers
// (aggregates, summaries, roll-ups), under its generation.

// Generation is the cache generation the registry advances on every write,
// named where the services that depend on it read it.
const Generation = registryclient.Generation

// changed advances the registry generation after a committed write (see
// cache.Invalidate), before the client gets its answer: every value other
// services computed from the map or the recognitions is then recomputed.
func (s *Server) changed(ctx context.Context) {
	if s.invalidate != nil {
		cache.Invalidate(ctx, s.invalidate, Generation, s.log)
	}
}
