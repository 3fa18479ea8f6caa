package grpctest

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Late is a client connection whose target is given after it is handed
// out. Two services that call each other (the registry checks a
// recognition with the criteria service, which asks the registry for its
// units) are each opened with a connection to the other, so one of them
// must get it before the other exists. A call before Set, or after Set(nil),
// fails UNAVAILABLE, as a call to a peer that is not up.
type Late struct {
	mu   sync.RWMutex
	conn grpc.ClientConnInterface
}

// Set points l at conn for every call from now on.
func (l *Late) Set(conn grpc.ClientConnInterface) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conn = conn
}

func (l *Late) target() (grpc.ClientConnInterface, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.conn == nil {
		return nil, status.Error(codes.Unavailable, "grpctest: the late connection has no target yet")
	}
	return l.conn, nil
}

func (l *Late) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	conn, err := l.target()
	if err != nil {
		return err
	}
	return conn.Invoke(ctx, method, args, reply, opts...)
}

func (l *Late) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	conn, err := l.target()
	if err != nil {
		return nil, err
	}
	return conn.NewStream(ctx, desc, method, opts...)
}
