// Package unitimport turns a parsed unit CSV into the registry's import
// request, and the registry's answer back into file lines an office can fix.
package unitimport

import (
	"fmt"
	"regexp"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/unitcsv"
)

// Request is the import request for rows, recorded under decision.
func Request(rows []unitcsv.Row, decision string) *registryv1.ImportUnitsRequest {
	req := &registryv1.ImportUnitsRequest{DecisionNumber: decision}
	for _, r := range rows {
		req.Units = append(req.Units, &registryv1.ImportedUnit{
			ValidFrom: r.ValidFrom.String(),
			Unit: &registryv1.UnitSpec{Code: r.Code, DisplayName: r.Name, ParentCode: r.ParentCode,
				Type: registryv1.UnitType(registryv1.UnitType_value[r.Type]), Region: r.Region, CommuneGroup: r.CommuneGroup},
		})
	}
	return req
}

var rowField = regexp.MustCompile(`^units\[(\d+)\]\.(?:unit\.)?(.+)$`)

// Describe rewrites the registry's field violations (units[3].unit.parent_code)
// as file positions (units.csv:5: parent_code: …); other errors pass through.
func Describe(err error, rows []unitcsv.Row, file string) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	for _, d := range st.Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok || len(br.GetFieldViolations()) == 0 {
			continue
		}
		v := br.GetFieldViolations()[0]
		if m := rowField.FindStringSubmatch(v.GetField()); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(rows) {
				return fmt.Errorf("%s:%d: %s: %s", file, rows[i].Line, m[2], v.GetDescription())
			}
		}
	}
	return fmt.Errorf("%s: %s", file, st.Message())
}
