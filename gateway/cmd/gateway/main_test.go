package main

import (
	"context"
	"testing"
)

func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // already asked to stop: run must start, drain and return cleanly
	if err := run(ctx, []string{"--http-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run(t.Context(), []string{"--no-such-flag"}); err == nil {
		t.Error("unknown flag: want error")
	}
	if err := run(t.Context(), []string{"extra"}); err == nil {
		t.Error("positional argument: want error")
	}
}
