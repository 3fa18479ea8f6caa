package cache

import (
	"context"
	"sync"
)

// stampRounds reads the stamp of one list of generations for every reader
// that asks at about the same time, in as few round trips as staying
// current allows: a reader never takes an answer to a question asked before
// it came, which could miss a write that completed in between, so it waits
// for the round under way to end and joins the next, which is asked once
// that one ends for everyone who came meanwhile. Under many concurrent
// reads of cached values, Redis then answers one MGET of a few integers per
// round trip rather than one per read.
type stampRounds struct {
	mu sync.Mutex
	// asked is the round under way: asked of Redis, or about to be by its
	// leader. Nil when no round is under way.
	asked *stampRound
	// next is the round that readers who came while asked was under way
	// wait for; its first reader leads it.
	next *stampRound
}

type stampRound struct {
	done  chan struct{}
	stamp string
	err   error
}

// read returns the stamp as Redis had it at some moment after read was
// called, from ask. The round's leader asks with its own ctx, detached from
// its cancellation when others wait for the answer; ask must be bounded by
// timeouts of its own (the client's read and write timeouts).
func (s *stampRounds) read(ctx context.Context, ask func(context.Context) (string, error)) (string, error) {
	s.mu.Lock()
	if s.asked == nil {
		r := &stampRound{done: make(chan struct{})}
		s.asked = r
		s.mu.Unlock()
		s.lead(ctx, r, ask) // nobody else waits for r: asked before they came
		return r.stamp, r.err
	}
	r, leader := s.next, false
	if r == nil {
		r, leader = &stampRound{done: make(chan struct{})}, true
		s.next = r
	}
	before := s.asked
	s.mu.Unlock()
	if leader {
		// Bounded by before's own ask; r takes over from it then (see lead).
		<-before.done
		s.lead(context.WithoutCancel(ctx), r, ask)
		return r.stamp, r.err
	}
	select {
	case <-r.done:
		return r.stamp, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// lead asks r's question, then hands the turn to the next round, whose
// leader asks as soon as it sees r done.
func (s *stampRounds) lead(ctx context.Context, r *stampRound, ask func(context.Context) (string, error)) {
	r.stamp, r.err = ask(ctx)
	s.mu.Lock()
	s.asked, s.next = s.next, nil
	s.mu.Unlock()
	close(r.done)
}
