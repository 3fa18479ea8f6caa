package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/restheader"

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

// newMux builds the grpc-gateway mux; memo holds the wire bytes of the
// answers whose JSON is cached (wirejson.go).
//
// gRPC errors use runtime.DefaultHTTPErrorHandler: its google.rpc.Status body
// keeps the details, and its runtime.HTTPStatusFromCode mapping already is
// ours (InvalidArgument and FailedPrecondition 400, NotFound 404,
// AlreadyExists and Aborted 409, PermissionDenied 403, Unauthenticated 401,
// Unavailable 503, ResourceExhausted 429). handleError changes only this: a
// body that does not decode gets the status that names its field, a stale
// etag sent as If-Match answers 412, and a service's rate limit answers
// the Retry-After header its RetryInfo says.
//
// A method answering google.api.HttpBody (the workbooks) sends its bytes as
// they are, under its own content type (runtime.HTTPBodyMarshaler), and
// offers them as a file under the name the service gives (forwardFileName).
func newMux(memo *wireMemo) *runtime.ServeMux {
	return runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newAnswerMarshaler(memo)),
		runtime.WithMetadata(forwardRequestID),
		runtime.WithMetadata(forwardIdempotencyKey),
		runtime.WithMetadata(forwardIfMatch),
		runtime.WithMetadata(nameSpan),
		runtime.WithErrorHandler(handleError),
		// Response metadata is the services' internal business; nothing of it
		// becomes a Grpc-Metadata-* header. X-Request-Id is set by withRequestID.
		runtime.WithOutgoingHeaderMatcher(dropHeader),
		runtime.WithOutgoingTrailerMatcher(dropHeader),
		// Before forwardHTTPCode, which writes the status line and so ends the headers.
		runtime.WithForwardResponseOption(forwardETag),
		runtime.WithForwardResponseOption(forwardHTTPCode),
		runtime.WithForwardResponseOption(forwardFileName),
		runtime.WithRoutingErrorHandler(routingError),
	)
}

// forwardRequestID passes the gateway's request id (never the client's) to
// the service as gRPC metadata; the service records it as its call's client
// request id, which joins its log and trail with the gateway's access log.
func forwardRequestID(ctx context.Context, _ *http.Request) metadata.MD {
	return metadata.Pairs(requestIDMetadataKey, RequestID(ctx))
}

// forwardIdempotencyKey passes the client's Idempotency-Key header on: the
// services take it as the request's request_id (AIP-155), so that a retried
// POST gets the first answer instead of creating twice.
func forwardIdempotencyKey(_ context.Context, r *http.Request) metadata.MD {
	values := r.Header.Values("Idempotency-Key")
	if len(values) == 0 {
		return nil
	}
	// All of them: the service refuses a request with several.
	return metadata.MD{restheader.IdempotencyKeyBin: values}
}

func dropHeader(string) (string, bool) { return "", false }

// handleError is the mux's one error handler (grpc-gateway keeps only the
// last one given): explainDecodeFailure, conditional and forwardRetryInfo,
// then the default mapping and google.rpc.Status body.
func handleError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	forwardRetryInfo(w, err)
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, conditional(r, explainDecodeFailure(ctx, r, err)))
}
