package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/restheader"
)

// Conditional changes (AIP-154): a client sends the etag it read as the
// request's `etag` field or as If-Match, and reads a resource's current one
// from its `etag` field or the ETag response header.
const (
	ifMatchHeader = "If-Match"
	etagHeader    = "ETag"
)

// forwardIfMatch passes If-Match to the service, which takes it as the
// request's etag (grpcserver's If-Match link).
func forwardIfMatch(_ context.Context, r *http.Request) metadata.MD {
	vs := r.Header.Values(ifMatchHeader)
	if len(vs) == 0 {
		return nil
	}
	return metadata.MD{restheader.IfMatch: vs}
}

// conditional makes a change refused for a stale etag 412 Precondition
// Failed when the client made it conditional with If-Match, as HTTP says;
// sent in the body, the stale etag stays 409 ABORTED, as AIP-154 says. The
// body is the service's google.rpc.Status either way.
func conditional(r *http.Request, err error) error {
	if r.Header.Get(ifMatchHeader) != "" && staleEtag(err) {
		return &runtime.HTTPStatusError{HTTPStatus: http.StatusPreconditionFailed, Err: err}
	}
	return err
}

// staleEtag reports a refusal for a stale etag (ABORTED with reason
// ETAG_MISMATCH), as opposed to other ABORTED answers: a transaction that
// lost a race is not a failed precondition of the client's.
func staleEtag(err error) bool {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Aborted {
		return false
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == etag.MismatchReason {
			return true
		}
	}
	return false
}

// forwardETag sets the ETag header of a response that is a resource with
// an etag, so HTTP clients can send it back as If-Match.
func forwardETag(_ context.Context, w http.ResponseWriter, resp proto.Message) error {
	r := resp.ProtoReflect()
	fd := etag.Field(r.Descriptor())
	if fd == nil {
		return nil
	}
	if v := r.Get(fd).String(); v != "" {
		w.Header().Set(etagHeader, v)
	}
	return nil
}
