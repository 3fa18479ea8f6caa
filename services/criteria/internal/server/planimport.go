package server

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/request"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
	"github.com/ntmsuite/ntm/services/criteria/internal/planform"
)

// GetRegistrationTemplate is the registration list with a row per commune
// of unit_code.
func (s *Server) GetRegistrationTemplate(ctx context.Context, req *criteriav1.GetRegistrationTemplateRequest) (*httpbody.HttpBody, error) {
	on, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	year := int(cmp.Or(req.GetYear(), int32(date.Today().Year()+1)))
	_, units, err := s.templateUnits(ctx, req.GetUnitCode(), on)
	if err != nil {
		return nil, err
	}
	return importing.Workbook(ctx, planform.RegistrationTemplate(units, year), "danh-sach-dang-ky-"+cmp.Or(req.GetUnitCode(), "trong")+"-"+strconv.Itoa(year))
}

// GetTargetTemplate is the plan of unit_code for a period, a row per kind.
func (s *Server) GetTargetTemplate(ctx context.Context, req *criteriav1.GetTargetTemplateRequest) (*httpbody.HttpBody, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	today := date.Today()
	u, err := s.unitAt(ctx, req.GetUnitCode(), today)
	if err != nil {
		return nil, err
	}
	p := cmp.Or(req.GetPeriod(), strconv.Itoa(today.Year()+1))
	tpl := planform.TargetTemplate(planform.Unit{Code: u.Code, Name: u.Name}, p, s.catalog.TargetKinds())
	return importing.Workbook(ctx, tpl, "chi-tieu-ke-hoach-"+u.Code+"-"+p)
}

// ImportRegistrations imports a filled registration list.
func (s *Server) ImportRegistrations(ctx context.Context, req *criteriav1.ImportRegistrationsRequest) (*operationv1.Operation, error) {
	return startPlanImport(ctx, s, "import/registrations", req.GetContent(), planform.RegistrationColumns(), importing.OptionsOf(req),
		planKind[*criteriav1.Registration, plan.Registration]{
			read:     planform.ReadRegistration,
			check:    s.checkedRegistration,
			create:   s.plans.CreateRegistrations,
			same:     plan.SameRegistration,
			conflict: plan.RegistrationConflict,
		})
}

// ImportTargets imports a plan's filled targets.
func (s *Server) ImportTargets(ctx context.Context, req *criteriav1.ImportTargetsRequest) (*operationv1.Operation, error) {
	kinds := s.catalog.TargetKinds()
	return startPlanImport(ctx, s, "import/targets", req.GetContent(), planform.TargetColumns(kinds),
		importing.OptionsOf(req),
		planKind[*criteriav1.Target, plan.Target]{
			read:     func(r *importing.Row) *criteriav1.Target { return planform.ReadTarget(r, kinds) },
			check:    s.checkedTarget,
			create:   s.plans.CreateTargets,
			same:     plan.SameTarget,
			conflict: plan.TargetConflict,
		})
}

// planKind is how a kind of plan is imported: read from a row, checked as
// its create RPC checks it, created once per key.
type planKind[P any, T any] struct {
	read   func(r *importing.Row) P
	check  func(ctx context.Context, unit string, p P) (T, error)
	create func(ctx context.Context, ts []T, keep bool) ([]T, []bool, error)
	// same tells a row equal to the plan on file under its key (skipped)
	// from one that differs (conflict, with its create's message).
	same     func(onFile, row T) bool
	conflict func(onFile, row T) error
}

// startPlanImport reads the file and starts the operation importing it.
func startPlanImport[P, T any](ctx context.Context, s *Server, kind string, content []byte, cols []sheet.Column, opts importing.Options, k planKind[P, T]) (*operationv1.Operation, error) {
	if err := s.guard.Somewhere(ctx, auth.Write); err != nil {
		return nil, err
	}
	return importing.Start(ctx, s.operations, kind, content,
		func(rows []sheet.Row) ([]importing.Row, []importing.Conflict, error) {
			return importing.ReadRows(rows, cols, planform.KeyUnitCode)
		},
		func(ctx context.Context, sum *importing.Summary, rows []importing.Row, p *operation.Progress) error {
			return importPlans(ctx, s, sum, rows, opts, k, p)
		})
}

// importPlans checks every row, tries the clean ones in a transaction it
// rolls back to learn which keys are taken and by what, then concludes:
// rows equal to a plan on file are skipped, rows differing from one are
// conflicts, and the others are written in one transaction.
func importPlans[P, T any](ctx context.Context, s *Server, sum *importing.Summary, rows []importing.Row, opts importing.Options, k planKind[P, T], p *operation.Progress) error {
	ptrs := make([]*importing.Row, len(rows))
	for i := range rows {
		ptrs[i] = &rows[i]
	}
	err := importing.RefuseOutOfScope(ctx, ptrs, planform.KeyUnitCode, func(ctx context.Context, unit string) error {
		return s.guard.Unit(ctx, auth.Write, unit)
	})
	if err != nil {
		return err
	}
	var checked []T
	var at []int
	for i, r := range ptrs {
		p.Set(int64(i))
		msg := k.read(r)
		if len(r.Conflicts) > 0 {
			continue
		}
		t, err := k.check(ctx, r.Cells[planform.KeyUnitCode], msg)
		if f, ok := fault.As(err); ok && f.Kind == fault.KindInvalid {
			r.Locate(f.Violations, planform.Column)
			continue
		}
		if err != nil {
			return err
		}
		checked, at = append(checked, t), append(at, i)
	}
	p.Set(int64(len(rows)))
	onFile, created, err := k.create(ctx, checked, false)
	if err != nil {
		return err
	}
	var fresh []T
	var would importing.Counts
	for j, i := range at {
		switch {
		case created[j]:
			fresh = append(fresh, checked[j])
			would.Created++
		case k.same(onFile[j], checked[j]):
			would.Skipped++
		default:
			ptrs[i].Add(planform.KeyUnitCode, k.conflict(onFile[j], checked[j]).Error(), "")
		}
	}
	return importing.Conclude(sum, ptrs, would, opts, func() error {
		_, created, err := k.create(ctx, fresh, true)
		if err == nil && slices.Contains(created, false) {
			// Another request took a key since the try: nothing was kept.
			err = fault.Conflict("a row's key was taken by another request during the import; nothing was written, import the file again")
		}
		return err
	})
}
