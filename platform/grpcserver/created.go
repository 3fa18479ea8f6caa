package grpcserver

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/restheader"
)

// SetCreated asks the gateway to answer 201 Created (it reads the header
// restheader.HTTPCode and drops it). Over plain gRPC it is an ignored header.
func SetCreated(ctx context.Context) {
	_ = grpc.SetHeader(ctx, metadata.Pairs(restheader.HTTPCode, "201"))
}

// SetFileName names the file a handler answering one (google.api.HttpBody)
// returns; the REST gateway offers it under that name (Content-Disposition:
// attachment). Over plain gRPC it is an ignored header.
func SetFileName(ctx context.Context, name string) {
	_ = grpc.SetHeader(ctx, metadata.Pairs(restheader.FileName, name))
}
