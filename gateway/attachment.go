package gateway

import (
	"context"
	"mime"
	"net/http"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/restheader"
)

// forwardFileName offers a file answer (google.api.HttpBody) as an
// attachment under the name the service gave, so browsers and curl -OJ
// save "bao-cao-ntm-19-2020-den-2020-12-31.xlsx" rather than "report.xlsx".
func forwardFileName(ctx context.Context, w http.ResponseWriter, resp proto.Message) error {
	name, ok := takeHeader(ctx, restheader.FileName)
	if _, isFile := resp.(*httpbody.HttpBody); !isFile || !ok {
		return nil
	}
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		w.Header().Set("Content-Disposition", v)
	}
	return nil
}
