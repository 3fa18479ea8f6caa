package importing

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/sheet"
)

// Workbook is a template call's answer: tpl as an .xlsx file named
// name.xlsx, which the gateway offers as an attachment.
func Workbook(ctx context.Context, tpl sheet.Template, name string) (*httpbody.HttpBody, error) {
	b, err := tpl.XLSX()
	if err != nil {
		return nil, err
	}
	grpcserver.SetFileName(ctx, name+".xlsx")
	return &httpbody.HttpBody{ContentType: sheet.ContentType, Data: b}, nil
}
