package grpcserver

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// HTTPCodeHeader is the response header a handler sets to choose the REST
// gateway's status code (the gateway reads it and drops it).
const HTTPCodeHeader = "x-http-code"

// SetCreated asks the gateway to answer 201 Created. Over plain gRPC it is
// an ignored header.
func SetCreated(ctx context.Context) {
	_ = grpc.SetHeader(ctx, metadata.Pairs(HTTPCodeHeader, "201"))
}
