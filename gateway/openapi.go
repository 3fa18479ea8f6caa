package gateway

import (
	"net/http"

	"github.com/ntmsuite/ntm/proto/gen/go/openapi"
)

// serveOpenAPI serves the merged OpenAPI v2 document of every service.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapi.JSON)
}
