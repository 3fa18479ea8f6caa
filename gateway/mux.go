package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"

	// Registers google.rpc.BadRequest and the other error details, so the
	// google.protobuf.Any values in a google.rpc.Status marshal to JSON.
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
)

// jsonMarshaler writes zero values ("0 criteria met", "validTo": "") because
// clients should not have to know proto3 default rules, and rejects unknown
// fields so that a misspelt field is an error rather than silently ignored.
var jsonMarshaler = &runtime.JSONPb{
	MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: true},
	UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
}

// newMux builds the grpc-gateway mux.
//
// gRPC errors use runtime.DefaultHTTPErrorHandler: its google.rpc.Status body
// keeps the details, and its runtime.HTTPStatusFromCode mapping already is
// ours (InvalidArgument and FailedPrecondition 400, NotFound 404,
// AlreadyExists and Aborted 409, PermissionDenied 403, Unauthenticated 401,
// Unavailable 503), so nothing is overridden; explainDecodeFailures only
// swaps in the detailed status of a body that does not decode.
//
// A method answering google.api.HttpBody (the workbooks) sends its bytes as
// they are, under its own content type (runtime.HTTPBodyMarshaler), and
// offers them as a file under the name the service gives (forwardFileName).
func newMux() *runtime.ServeMux {
	return runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: explainingJSON{jsonMarshaler}}),
		runtime.WithMetadata(forwardRequestID),
		// Response metadata is the services' internal business; nothing of it
		// becomes a Grpc-Metadata-* header. X-Request-Id is set by withRequestID.
		runtime.WithOutgoingHeaderMatcher(dropHeader),
		runtime.WithOutgoingTrailerMatcher(dropHeader),
		runtime.WithForwardResponseOption(forwardHTTPCode),
		runtime.WithForwardResponseOption(forwardFileName),
		runtime.WithRoutingErrorHandler(routingError),
		// A body that does not decode names its bad field (see decode.go).
		runtime.WithErrorHandler(explainDecodeFailures),
	)
}

// forwardRequestID passes the gateway's request id (never the client's) to
// the service as gRPC metadata; the service records it as its call's client
// request id, which joins its log and trail with the gateway's access log.
func forwardRequestID(ctx context.Context, _ *http.Request) metadata.MD {
	return metadata.Pairs(requestIDMetadataKey, RequestID(ctx))
}

func dropHeader(string) (string, bool) { return "", false }
