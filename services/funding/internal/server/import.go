package server

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/sheet"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/funding/internal/fundingform"
	"github.com/ntmsuite/ntm/services/funding/internal/store"
)

// noPrefix names the fields of a file's row as they are in its message:
// the conflicts name them without a request's path.
func noPrefix(int) string { return "" }

// ImportPlans reads a form of plans (.xlsx or .csv) and answers with the
// operation that checks and imports it. A file that cannot be read at all
// is refused at once; everything about its rows is in the summary.
func (s *Server) ImportPlans(ctx context.Context, req *fundingv1.ImportPlansRequest) (*operationv1.Operation, error) {
	if err := s.mayImport(ctx); err != nil {
		return nil, err
	}
	opts := importing.OptionsOf(req)
	defaults := fundingform.PlanDefaults{AllocatedOn: req.GetAllocatedOn(), DecisionNumber: req.GetDecisionNumber()}
	return importing.Start(ctx, s.operations, "import/plans", req.GetContent(),
		func(rows []sheet.Row) ([]fundingform.PlanDraft, []importing.Conflict, error) {
			return fundingform.ParsePlans(rows, s.catalog, defaults)
		},
		func(ctx context.Context, sum *importing.Summary, drafts []fundingform.PlanDraft, p *operation.Progress) error {
			return s.importPlans(ctx, sum, drafts, opts, p)
		})
}

// mayImport refuses a caller who may write nowhere (a viewer) outright, an
// officer's rows being checked one by one later.
func (s *Server) mayImport(ctx context.Context) error {
	return s.guard.Somewhere(ctx, auth.Write)
}

// importPlans checks every row as BatchCreatePlans would, then, unless it
// is a dry run, writes the rows in one transaction: all of them, or none
// when one has a conflict, or (not atomic) those without one.
func (s *Server) importPlans(ctx context.Context, sum *importing.Summary, drafts []fundingform.PlanDraft, opts importing.Options, p *operation.Progress) error {
	rows := make([]*importing.Row, len(drafts))
	var in []*fundingv1.Plan
	var at []int
	for i := range drafts {
		dr := &drafts[i]
		rows[i] = &dr.Row
		vs, err := importing.Validate(dr.Plan)
		if err != nil {
			return err
		}
		dr.Locate(vs)
	}
	if err := s.refuseOutOfScope(ctx, rows); err != nil {
		return err
	}
	for i := range drafts {
		if len(drafts[i].Conflicts) == 0 {
			in, at = append(in, drafts[i].Plan), append(at, i)
		}
	}
	plans, bad, err := s.checkPlans(ctx, in, noPrefix)
	if err != nil {
		return err
	}
	var clean []store.Plan
	for j, i := range at {
		if len(bad[j]) > 0 {
			drafts[i].Locate(bad[j])
			continue
		}
		clean = append(clean, plans[j])
	}
	p.Set(int64(len(drafts)))
	// Plans have no natural key (a supplement is a plan of its own): every
	// row is a new one.
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.recordPlans(ctx, clean)
		return err
	})
}

// refuseOutOfScope refuses the rows of units the caller may not write; a
// row whose unit code is not one is left to its own conflict, and the
// registry is not asked about it.
func (s *Server) refuseOutOfScope(ctx context.Context, rows []*importing.Row) error {
	var named []*importing.Row
	for _, r := range rows {
		if !slices.ContainsFunc(r.Conflicts, func(c importing.Conflict) bool { return c.Column == fundingform.KeyUnitCode }) {
			named = append(named, r)
		}
	}
	return importing.RefuseOutOfScope(ctx, named, fundingform.KeyUnitCode, func(ctx context.Context, unit string) error {
		return s.guard.Unit(ctx, auth.Write, unit)
	})
}

// ImportDisbursements reads a form of disbursements and answers with the
// operation that checks and imports it.
func (s *Server) ImportDisbursements(ctx context.Context, req *fundingv1.ImportDisbursementsRequest) (*operationv1.Operation, error) {
	if err := s.mayImport(ctx); err != nil {
		return nil, err
	}
	opts := importing.OptionsOf(req)
	return importing.Start(ctx, s.operations, "import/disbursements", req.GetContent(),
		func(rows []sheet.Row) ([]fundingform.DisbursementDraft, []importing.Conflict, error) {
			return fundingform.ParseDisbursements(rows, s.catalog)
		},
		func(ctx context.Context, sum *importing.Summary, drafts []fundingform.DisbursementDraft, p *operation.Progress) error {
			return s.importDisbursements(ctx, sum, drafts, opts, p)
		})
}

// importDisbursements finds each row's plan, then checks every row as
// BatchCreateDisbursements would, the rows before it against the same
// plan counted, and concludes as importPlans does.
func (s *Server) importDisbursements(ctx context.Context, sum *importing.Summary, drafts []fundingform.DisbursementDraft, opts importing.Options, p *operation.Progress) error {
	rows := make([]*importing.Row, len(drafts))
	for i := range drafts {
		rows[i] = &drafts[i].Row
	}
	if err := s.refuseOutOfScope(ctx, rows); err != nil {
		return err
	}
	plans, err := s.findPlans(ctx, drafts)
	if err != nil {
		return err
	}
	var in []*fundingv1.Disbursement
	var at []int
	for i := range drafts {
		dr := &drafts[i]
		if len(dr.Conflicts) > 0 {
			continue
		}
		vs, err := importing.Validate(dr.Disbursement)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			dr.Locate(vs)
			continue
		}
		in, at = append(in, dr.Disbursement), append(at, i)
	}
	ds, bad, err := s.checkDisbursements(ctx, in, plans, noPrefix)
	if err != nil {
		return err
	}
	var cleanIn []*fundingv1.Disbursement
	var clean []store.Disbursement
	for j, i := range at {
		if bad[j] == nil {
			cleanIn, clean = append(cleanIn, in[j]), append(clean, ds[j])
			continue
		}
		f, ok := fault.As(bad[j])
		switch {
		case !ok:
			return bad[j]
		case f.Kind == fault.KindInvalid:
			drafts[i].Locate(f.Violations)
		default: // above the plan without a reason
			drafts[i].Add(fundingform.KeyAmount, f.Message, fundingform.KeyAmount)
		}
	}
	p.Set(int64(len(drafts)))
	// A disbursement is an event: every row is a new one.
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.recordDisbursements(ctx, cleanIn, clean, noPrefix)
		return err
	})
}

// findPlans finds the plan of each row still without a conflict, by its
// id or else by its unit, year, source and purpose, and returns the plans
// found, which the caller may write. A row naming a plan that does not
// exist is left to the API's check; one whose key matches no plan, or
// several, gets a conflict.
func (s *Server) findPlans(ctx context.Context, drafts []fundingform.DisbursementDraft) (map[int64]store.Plan, error) {
	plans := map[int64]store.Plan{}
	refused := map[int64]error{} // by plan id, nil when the caller may write it
	var byKey []*fundingform.DisbursementDraft
	for i := range drafts {
		dr := &drafts[i]
		id := dr.Disbursement.GetPlanId()
		switch {
		case len(dr.Conflicts) > 0:
			continue
		case id == 0:
			byKey = append(byKey, dr)
			continue
		}
		err, seen := refused[id]
		if !seen {
			p, perr := s.plan(ctx, auth.Write, id)
			f, ok := fault.As(perr)
			switch {
			case perr == nil:
				plans[id] = p
			case ok && f.Kind == fault.KindPermissionDenied:
				err = perr
			case ok && f.Kind == fault.KindNotFound:
				// The API's check says that it does not exist.
			default:
				return nil, perr
			}
			refused[id] = err
		}
		if err != nil {
			dr.Add(fundingform.KeyPlanID, err.Error(), fundingform.KeyPlanID)
		} else if p, ok := plans[id]; ok {
			agree(dr, p)
		}
	}
	return plans, s.findByKey(ctx, byKey, plans)
}

// agree refuses a row whose plan is not the one its other cells describe:
// an edited unit or source next to a kept plan id is a mistake either way.
func agree(dr *fundingform.DisbursementDraft, p store.Plan) {
	k := dr.Key
	for _, c := range []struct {
		key, got, want string
	}{
		{fundingform.KeyUnitCode, k.Unit, p.UnitCode},
		{fundingform.KeyYear, yearOrEmpty(k.Year), strconv.Itoa(p.Year)},
		{fundingform.KeySource, k.Source, p.Source},
		{fundingform.KeyPurpose, k.Purpose, p.Purpose},
	} {
		if dr.Cells[c.key] != "" && c.got != c.want {
			dr.Add(c.key, fmt.Sprintf("plan %d has %s %s, not %s: correct the plan_id or this cell", p.ID, c.key, c.want, c.got), fundingform.KeyPlanID)
		}
	}
}

func yearOrEmpty(y int32) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(int(y))
}

// findByKey finds the plans of rows that name theirs by unit, year, source
// and purpose, reading the plans of their units once.
func (s *Server) findByKey(ctx context.Context, drafts []*fundingform.DisbursementDraft, plans map[int64]store.Plan) error {
	var units []string
	for _, dr := range drafts {
		k := dr.Key
		switch {
		case k.Unit == "" || k.Year == 0 || k.Source == "" || k.Purpose == "":
			dr.Add("", "name the plan: its plan_id, or its unit_code, year, source and purpose", fundingform.KeyPlanID)
		case !s.knownSource(k.Source):
			dr.Add(fundingform.KeySource, fmt.Sprintf("%q is not a funding source of the catalog (GET /v1/fundingSources)", dr.Cells[fundingform.KeySource]), fundingform.KeySource)
		case !s.knownPurpose(k.Purpose):
			dr.Add(fundingform.KeyPurpose, fmt.Sprintf("%q is not a purpose of the catalog (GET /v1/fundingPurposes)", dr.Cells[fundingform.KeyPurpose]), fundingform.KeyPurpose)
		default:
			units = append(units, k.Unit)
		}
	}
	if len(units) == 0 {
		return nil
	}
	found, err := s.store.ListPlans(ctx, store.PlanFilter{Units: units, Limit: maxImportPlans + 1})
	if err != nil {
		return err
	}
	if len(found) > maxImportPlans {
		return fault.Invalid("content", "the units of the file have more than %d plans: name the plans by plan_id", maxImportPlans)
	}
	byKey := map[fundingform.PlanKey][]store.Plan{}
	for _, p := range found {
		k := fundingform.PlanKey{Unit: p.UnitCode, Year: int32(p.Year), Source: p.Source, Purpose: p.Purpose}
		byKey[k] = append(byKey[k], p)
	}
	for _, dr := range drafts {
		if len(dr.Conflicts) > 0 {
			continue
		}
		k := dr.Key
		switch match := byKey[k]; len(match) {
		case 0:
			dr.Add("", fmt.Sprintf("no plan of unit %s for %d from %s for %s (GET /v1/plans lists them)", k.Unit, k.Year, k.Source, k.Purpose), fundingform.KeyPlanID)
		case 1:
			dr.Disbursement.PlanId = match[0].ID
			plans[match[0].ID] = match[0]
		default:
			ids := make([]string, len(match))
			for i, p := range match {
				ids[i] = strconv.FormatInt(p.ID, 10)
			}
			dr.Add("", fmt.Sprintf("%d plans of unit %s for %d from %s for %s: name one by its plan_id (%s)", len(match), k.Unit, k.Year, k.Source, k.Purpose, strings.Join(ids, ", ")), fundingform.KeyPlanID)
		}
	}
	return nil
}

// maxImportPlans bounds the plans read to find the plans of a file's rows.
const maxImportPlans = 200_000

func (s *Server) knownSource(code string) bool {
	_, ok := s.catalog.Source(code)
	return ok
}

func (s *Server) knownPurpose(code string) bool {
	_, ok := s.catalog.Purpose(code)
	return ok
}
