package gateway

import (
	"context"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// routingError answers a request no route matches with a google.rpc.Status
// body like every other error. The default handler would turn a wrong method
// into Unimplemented, that is 501; the honest answer is 405.
func routingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	var err error
	switch httpStatus {
	case http.StatusNotFound:
		err = status.Error(codes.NotFound, "no route for this path")
	case http.StatusMethodNotAllowed:
		err = &runtime.HTTPStatusError{
			HTTPStatus: http.StatusMethodNotAllowed,
			Err:        status.Errorf(codes.Unimplemented, "method %s not allowed on this path", r.Method),
		}
	case http.StatusBadRequest:
		err = status.Error(codes.InvalidArgument, "malformed request path")
	default:
		err = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: status.Error(codes.Internal, http.StatusText(httpStatus))}
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, err)
}

// writeStatus writes a google.rpc.Status body outside the mux (panics, body
// limits), shaped like the mux's own errors.
func writeStatus(w http.ResponseWriter, httpStatus int, c codes.Code, msg string) {
	body, err := jsonMarshaler.Marshal(status.New(c, msg).Proto())
	if err != nil {
		// Cannot happen for a Status without details; keep the shape anyway.
		body = []byte(`{"code":13,"message":"internal error","details":[]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(body)
}
