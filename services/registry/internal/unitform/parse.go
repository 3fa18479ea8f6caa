package unitform

import (
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// Draft is one filled row read as a row of ImportUnits, before the API's
// checks.
type Draft struct {
	importing.Row
	// Unit is what the row says; a cell that could not be read is left
	// out of it and is in Conflicts instead.
	Unit *registryv1.ImportedUnit
}

// Parse finds the header among rows (the key row or the titles) and reads
// every non-empty row below it. Header cells that are no column of the
// form are conflicts of the file, as are files without a code column.
func Parse(rows []sheet.Row) ([]Draft, []importing.Conflict, error) {
	return importing.ReadEach(rows, Columns(), readRow, KeyCode)
}

func readRow(r importing.Row) Draft {
	dr := Draft{Row: r, Unit: &registryv1.ImportedUnit{Unit: &registryv1.UnitSpec{}}}
	u := dr.Unit.Unit
	for _, key := range r.Keys {
		cell := r.Cells[key]
		switch key {
		case KeyCode:
			u.Code = cell
		case KeyName:
			u.DisplayName = cell
		case KeyType:
			t, ok := unitType(cell)
			if !ok {
				dr.Add(key, "not a unit type: choose one of the list (Tỉnh, Huyện, Xã, Phường, Thị trấn, Thôn…) or write PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE", "unit.type")
			}
			u.Type = t
		case KeyParentCode:
			u.ParentCode = cell
		case KeyValidFrom:
			if iso, ok := sheet.DateCell(cell); ok {
				dr.Unit.ValidFrom = iso
			} else {
				dr.Add(key, "not a date: write day/month/year (01/07/2025) or 2025-07-01", "valid_from")
			}
		case KeyRegion:
			u.Region = strings.ToUpper(cell)
		case KeyCommuneGroup:
			u.CommuneGroup = cell
		}
	}
	return dr
}

// Locate records the API's violations of the row (fields relative to an
// ImportedUnit, as "unit.parent_code") as conflicts at their columns.
func (dr *Draft) Locate(vs []fault.Violation) { dr.Row.Locate(vs, Column) }

// Column is the key of the column that fills field of an ImportedUnit,
// "" for the row as a whole.
func Column(field string) string {
	switch strings.TrimPrefix(field, "unit.") {
	case "code":
		return KeyCode
	case "display_name":
		return KeyName
	case "type":
		return KeyType
	case "parent_code":
		return KeyParentCode
	case "valid_from":
		return KeyValidFrom
	case "region":
		return KeyRegion
	case "commune_group":
		return KeyCommuneGroup
	}
	return ""
}
