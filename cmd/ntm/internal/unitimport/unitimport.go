// Package unitimport turns a parsed unit CSV into the registry's import
// request, as the demo loads its map.
package unitimport

import (
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
