package gateway

import (
	"context"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// The routes of long-running operations (imports): each service keeps its
// own, and an operation's id starts with the service's name
// ("criteria-…"), which says where to ask.
const (
	operationPath       = "/v1/operations/{id}"
	cancelOperationPath = "/v1/operations/{id}:cancel"
)

// serveOperation answers GET /v1/operations/{id}, or with cancel POST
// /v1/operations/{id}:cancel.
func (g *Gateway) serveOperation(mux *runtime.ServeMux, cancel bool) runtime.HandlerFunc {
	method, path := operationv1.OperationService_GetOperation_FullMethodName, operationPath
	if cancel {
		method, path = operationv1.OperationService_CancelOperation_FullMethodName, cancelOperationPath
	}
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		_, out := runtime.MarshalerForRequest(mux, r)
		ctx, err := runtime.AnnotateContext(r.Context(), mux, r, method, runtime.WithHTTPPathPattern(path))
		if err == nil {
			var op *operationv1.Operation
			if op, err = g.operation(ctx, params["id"], cancel); err == nil {
				runtime.ForwardResponseMessage(ctx, mux, out, w, r, op)
				return
			}
		}
		runtime.HTTPError(ctx, mux, out, w, r, err)
	}
}

func (g *Gateway) operation(ctx context.Context, id string, cancel bool) (*operationv1.Operation, error) {
	service, _, _ := strings.Cut(id, "-")
	conn := g.connOf[service]
	if conn == nil {
		return nil, status.Errorf(codes.NotFound, "no operation %q", id)
	}
	client := operationv1.NewOperationServiceClient(conn)
	name := "operations/" + id
	if cancel {
		return client.CancelOperation(ctx, &operationv1.CancelOperationRequest{Name: name})
	}
	return client.GetOperation(ctx, &operationv1.GetOperationRequest{Name: name})
}
