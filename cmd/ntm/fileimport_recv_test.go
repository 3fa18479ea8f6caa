package main

import (
	"context"
	"flag"
	"io"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// bigOperation answers every operation done, with a summary of 5 MiB.
type bigOperation struct {
	operationv1.UnimplementedOperationServiceServer
}

func (bigOperation) GetOperation(_ context.Context, req *operationv1.GetOperationRequest) (*operationv1.Operation, error) {
	return &operationv1.Operation{Name: req.GetName(), Done: true, State: operationv1.Operation_SUCCEEDED,
		Summary: &operationv1.ImportSummary{Conflicts: []*operationv1.Conflict{{Message: strings.Repeat("x", 5<<20)}}}}, nil
}

// An operation's answer over gRPC's default 4 MiB (a large summary, or a
// template) reaches the file commands' client.
func TestFileClientReadsLargeAnswers(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	operationv1.RegisterOperationServiceServer(srv, bigOperation{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	fs := flag.NewFlagSet("ntm import assessments", flag.ContinueOnError)
	var o fileOptions
	dial := fileFlags(fs, fileKinds["assessments"], &o, true)
	if err := fs.Parse([]string{"--addr", lis.Addr().String()}); err != nil {
		t.Fatal(err)
	}
	conn, ctx, cancel, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	defer conn.Close()
	op, err := follow(ctx, operationv1.NewOperationServiceClient(conn), &operationv1.Operation{Name: "operations/criteria-1"}, io.Discard)
	if err != nil || len(op.GetSummary().GetConflicts()) != 1 {
		t.Fatalf("follow = %v, %v; want the 5 MiB summary", op.GetName(), err)
	}
}
