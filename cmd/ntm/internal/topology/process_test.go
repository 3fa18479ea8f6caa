package topology

import (
	"bytes"
	"context"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// process is one command of the deployment, its output kept for failures.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
}

// startProcess starts bin; at cleanup it is stopped (SIGTERM, as an
// orchestrator does) and, if the test failed, its output is logged.
func startProcess(t *testing.T, name, bin string, args, env []string) *process {
	t.Helper()
	p := &process{name: name, cmd: exec.Command(bin, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("output of %s (pid %d):\n%s", name, p.cmd.Process.Pid, p.log())
		}
	})
	return p
}

// kill ends the process at once, as a node lost or an OOM kill would.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s: %v", p.name, err)
	}
	<-p.done
}

// stop asks the process to stop and waits for it, killing it after 15s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitUntil calls ready until it succeeds, the process exits or ctx ends.
func (p *process) waitUntil(ctx context.Context, ready func(context.Context) error) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := ready(attempt)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return &exitError{p.name, err}
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

type exitError struct {
	name string
	last error
}

func (e *exitError) Error() string { return e.name + " exited; last check: " + e.last.Error() }

// log is the end of the process's output: every call logs a line, and what
// explains a failure is near the end.
func (p *process) log() string {
	s := p.out.String()
	if len(s) > logTail {
		return "…" + s[len(s)-logTail:]
	}
	return s
}

const logTail = 32 << 10

// syncBuffer is the output of a process, written by exec's copying
// goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(b)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr is a loopback address free at the time of asking, and not one
// it gave before: the port of a listener just closed may be handed out
// again, and a replica once got the same port for gRPC and /metrics.
func freeAddr(t *testing.T) string {
	t.Helper()
	givenMu.Lock()
	defer givenMu.Unlock()
	for {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		if !given[addr] {
			given[addr] = true
			return addr
		}
	}
}

var (
	givenMu sync.Mutex
	given   = map[string]bool{}
)
