package gateway

import (
	"context"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/restheader"
)

// forwardHTTPCode writes the status a service asked for with
// restheader.HTTPCode (create methods set it with SetCreated; gRPC
// clients never see a difference, only the gateway acts on it).
// Only 2xx codes are honoured: errors must travel as gRPC statuses so their
// body stays a google.rpc.Status.
func forwardHTTPCode(ctx context.Context, w http.ResponseWriter, _ proto.Message) error {
	val, ok := takeHeader(ctx, restheader.HTTPCode)
	if !ok {
		return nil
	}
	code, err := strconv.Atoi(val)
	if err != nil || code < 200 || code > 299 {
		return nil
	}
	w.WriteHeader(code)
	return nil
}

// takeHeader is the first value of a response header a service set for the
// gateway, removed from the metadata: the outgoing header matcher already
// drops all metadata, and removing the key keeps it internal even if that
// matcher is relaxed one day.
func takeHeader(ctx context.Context, key string) (string, bool) {
	md, ok := runtime.ServerMetadataFromContext(ctx)
	if !ok {
		return "", false
	}
	vals := md.HeaderMD.Get(key)
	delete(md.HeaderMD, key)
	if len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}
