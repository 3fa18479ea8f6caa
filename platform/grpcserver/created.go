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

// FileNameHeader is the response header a handler answering a file
// (google.api.HttpBody) sets to name it; the REST gateway offers the file
// under that name (Content-Disposition: attachment).
const FileNameHeader = "x-file-name"

// SetFileName names the file a handler answers. Over plain gRPC it is an
// ignored header.
func SetFileName(ctx context.Context, name string) {
	_ = grpc.SetHeader(ctx, metadata.Pairs(FileNameHeader, name))
}
