package cache

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A read sharing a round never gets an answer older than a write that
// completed before the read began, however the reads and writes interleave.
func TestStampRoundsNeverAnswerFromBeforeTheRead(t *testing.T) {
	var gen atomic.Int64 // what Redis holds; the writer bumps it
	var asks atomic.Int64
	var rounds stampRounds
	ask := func(context.Context) (string, error) {
		asks.Add(1)
		g := gen.Load()
		time.Sleep(50 * time.Microsecond) // the round trip: bumps land meanwhile
		return strconv.FormatInt(g, 10), nil
	}
	ctx, cancel := context.WithCancel(t.Context())
	var writer sync.WaitGroup
	writer.Go(func() {
		for ctx.Err() == nil {
			gen.Add(1)
			time.Sleep(20 * time.Microsecond)
		}
	})
	var readers sync.WaitGroup
	reads := 0
	for range 16 {
		reads += 500
		readers.Go(func() {
			for range 500 {
				before := gen.Load()
				s, err := rounds.read(t.Context(), ask)
				if err != nil {
					t.Error(err)
					return
				}
				if got, _ := strconv.ParseInt(s, 10, 64); got < before {
					t.Errorf("a read begun at generation %d was answered %d", before, got)
					return
				}
			}
		})
	}
	readers.Wait()
	cancel()
	writer.Wait()
	// Not a bound to meet, only "rounds are shared at all": 16 readers
	// waiting on each other's round trips share most of them.
	if n := asks.Load(); n >= int64(reads) {
		t.Errorf("%d reads asked %d times: no round was shared", reads, n)
	}
}

// A reader waiting for a round gives up with its context; the round goes on
// for the others, and an error of the question reaches every reader of it.
func TestStampRoundsCancelAndErrors(t *testing.T) {
	var rounds stampRounds
	release := make(chan struct{})
	slow := func(context.Context) (string, error) { <-release; return "g1", nil }
	first := make(chan error, 1)
	go func() { _, err := rounds.read(t.Context(), slow); first <- err }()
	waitFor(t, func() bool { rounds.mu.Lock(); defer rounds.mu.Unlock(); return rounds.asked != nil })

	// The next round's leader waits for the first round; a follower joins it.
	boom := errors.New("boom")
	failing := func(context.Context) (string, error) { return "", boom }
	leader := make(chan error, 1)
	go func() { _, err := rounds.read(t.Context(), failing); leader <- err }()
	waitFor(t, func() bool { rounds.mu.Lock(); defer rounds.mu.Unlock(); return rounds.next != nil })
	ctx, cancel := context.WithCancel(t.Context())
	follower := make(chan error, 1)
	go func() { _, err := rounds.read(ctx, failing); follower <- err }()
	cancel()
	if err := <-follower; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled follower: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first round: %v", err)
	}
	if err := <-leader; !errors.Is(err, boom) {
		t.Errorf("second round: %v, want its question's error", err)
	}
	if s, err := rounds.read(t.Context(), func(context.Context) (string, error) { return "g2", nil }); s != "g2" || err != nil {
		t.Errorf("after the rounds: %q %v, want a round of its own", s, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
