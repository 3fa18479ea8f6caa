package fundingform

import (
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/catalog"
)

// PlanDefaults fill what a row of plans leaves empty: a year's allocation
// is usually one decision, named once for the file.
type PlanDefaults struct {
	AllocatedOn    string // yyyy-mm-dd
	DecisionNumber string
}

// PlanDraft is one filled row read as a plan, before the API's checks.
type PlanDraft struct {
	importing.Row
	// Plan is what the row says; a cell that could not be read is left out
	// of it and is in Conflicts instead.
	Plan *fundingv1.Plan
}

// Locate records the API's violations of the plan (fields relative to it)
// at the columns that filled them.
func (dr *PlanDraft) Locate(vs []fault.Violation) { dr.Row.Locate(vs, columnOf) }

// ParsePlans finds the header among rows and reads every filled row below
// it. Sources and purposes are read by their Vietnamese names or codes.
func ParsePlans(rows []sheet.Row, cat *catalog.Catalog, d PlanDefaults) ([]PlanDraft, []importing.Conflict, error) {
	read, fileConflicts, err := importing.ReadRows(rows, PlanColumns(cat), KeyUnitCode)
	if err != nil {
		return nil, nil, err
	}
	drafts := make([]PlanDraft, len(read))
	for i, r := range read {
		dr := PlanDraft{Row: r, Plan: &fundingv1.Plan{AllocatedOn: d.AllocatedOn, DecisionNumber: d.DecisionNumber}}
		p := dr.Plan
		for _, key := range r.Keys {
			cell := r.Cells[key]
			switch key {
			case KeyUnitCode:
				p.UnitCode = cell
			case KeyYear:
				p.Year = readYear(&dr.Row, cell)
			case KeySource:
				p.Source = sourceCode(cat, cell)
			case KeyPurpose:
				p.Purpose = purposeCode(cat, cell)
			case KeyAmount:
				p.AmountVnd = readAmount(&dr.Row, cell)
			case KeyQuantity:
				p.Quantity = readQuantity(&dr.Row, cell)
			case KeyAllocatedOn:
				p.AllocatedOn = readDate(&dr.Row, key, cell)
			case KeyDecisionNumber:
				p.DecisionNumber = cell
			case KeyNote:
				p.Note = cell
			}
		}
		checkUnit(&dr.Row, cat, p.GetSource())
		drafts[i] = dr
	}
	return drafts, fileConflicts, nil
}

// DisbursementDraft is one filled row read as a disbursement.
type DisbursementDraft struct {
	importing.Row
	// Disbursement is what the row says; its PlanId is the file's plan_id,
	// 0 when the row names its plan by Key.
	Disbursement *fundingv1.Disbursement
	// Key is the plan as the row names it (codes read from the names);
	// parts not given are empty.
	Key PlanKey
}

// PlanKey names a plan by what an office knows of it.
type PlanKey struct {
	Unit            string
	Year            int32
	Source, Purpose string
}

// Locate records the API's violations of the disbursement at the columns
// that filled them; the plan's at plan_id, or at the row when the row
// names the plan by its key.
func (dr *DisbursementDraft) Locate(vs []fault.Violation) {
	dr.Row.Locate(vs, func(field string) string {
		col := columnOf(field)
		if col == KeyPlanID && dr.Cells[KeyPlanID] == "" {
			return ""
		}
		return col
	})
}

// ParseDisbursements finds the header among rows and reads every filled
// row below it.
func ParseDisbursements(rows []sheet.Row, cat *catalog.Catalog) ([]DisbursementDraft, []importing.Conflict, error) {
	read, fileConflicts, err := importing.ReadRows(rows, DisbursementColumns(cat))
	if err != nil {
		return nil, nil, err
	}
	drafts := make([]DisbursementDraft, len(read))
	for i, r := range read {
		dr := DisbursementDraft{Row: r, Disbursement: &fundingv1.Disbursement{}}
		d := dr.Disbursement
		for _, key := range r.Keys {
			cell := r.Cells[key]
			switch key {
			case KeyPlanID:
				id, err := strconv.ParseInt(cell, 10, 64)
				if err != nil || id <= 0 {
					dr.Add(key, "not a plan id: a whole number as GET /v1/plans lists them", key)
				}
				d.PlanId = id
			case KeyUnitCode:
				dr.Key.Unit = cell
			case KeyYear:
				dr.Key.Year = readYear(&dr.Row, cell)
			case KeySource:
				dr.Key.Source = sourceCode(cat, cell)
			case KeyPurpose:
				dr.Key.Purpose = purposeCode(cat, cell)
			case KeyDisbursedOn:
				d.DisbursedOn = readDate(&dr.Row, key, cell)
			case KeyAmount:
				d.AmountVnd = readAmount(&dr.Row, cell)
			case KeyQuantity:
				d.Quantity = readQuantity(&dr.Row, cell)
			case KeyOverrunReason:
				d.OverrunReason = cell
			case KeyNote:
				d.Note = cell
			}
		}
		checkUnit(&dr.Row, cat, dr.Key.Source)
		drafts[i] = dr
	}
	return drafts, fileConflicts, nil
}

// columnOf is the column of a field of a plan or a disbursement: the
// columns are keyed by the fields they fill.
func columnOf(field string) string {
	name, _, _ := strings.Cut(field, ".")
	switch name {
	case KeyPlanID, KeyUnitCode, KeyYear, KeySource, KeyPurpose, KeyAmount, KeyQuantity,
		KeyAllocatedOn, KeyDecisionNumber, KeyDisbursedOn, KeyOverrunReason, KeyNote:
		return name
	}
	return ""
}

func readYear(r *importing.Row, cell string) int32 {
	y, err := strconv.ParseInt(cell, 10, 32)
	if err != nil {
		r.Add(KeyYear, "not a year like 2025", KeyYear)
	}
	return int32(y)
}

func readAmount(r *importing.Row, cell string) int64 {
	n, err := Amount(cell)
	if err != nil {
		r.Add(KeyAmount, err.Error(), KeyAmount)
	}
	return n
}

func readQuantity(r *importing.Row, cell string) string {
	q, err := Quantity(cell)
	if err != nil {
		r.Add(KeyQuantity, err.Error(), KeyQuantity)
	}
	return q
}

func readDate(r *importing.Row, key, cell string) string {
	iso, ok := sheet.DateCell(cell)
	if !ok {
		r.Add(key, "not a date: write day/month/year (31/12/2024) or 2024-12-31", key)
	}
	return iso
}

// checkUnit refuses a unit of goods other than the source's: the API
// counts goods in the source's unit, so "50 kg" of cement would be read
// as 50 tonnes.
func checkUnit(r *importing.Row, cat *catalog.Catalog, source string) {
	unit := r.Cells[KeyQuantityUnit]
	src, ok := cat.Source(source)
	switch {
	case unit == "" || !ok:
	case src.Kind != catalog.InKind:
		r.Add(KeyQuantityUnit, "source "+src.Code+" is money: it has no unit of goods", KeyQuantityUnit)
	case !strings.EqualFold(unit, src.QuantityUnit):
		r.Add(KeyQuantityUnit, "source "+src.Code+" is counted in "+src.QuantityUnit+": convert the quantity", KeyQuantityUnit)
	}
}
