package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
	"github.com/ntmsuite/ntm/services/registry/internal/unitform"
)

// ImportUnitsFile reads a unit form and answers with the operation that
// checks and imports it as ImportUnits does: the whole country's decision.
func (s *Server) ImportUnitsFile(ctx context.Context, req *registryv1.ImportUnitsFileRequest) (*operationv1.Operation, error) {
	if err := s.guard.Global(ctx, auth.Decide); err != nil {
		return nil, err
	}
	opts := importing.OptionsOf(req)
	decision := cmp.Or(req.GetDecisionNumber(), "import")
	return importing.Start(ctx, s.operations, "import/units", req.GetContent(), unitform.Parse,
		func(ctx context.Context, sum *importing.Summary, drafts []unitform.Draft, p *operation.Progress) error {
			return s.importUnits(ctx, sum, drafts, decision, opts, p)
		})
}

// importUnits checks every row as ImportUnits would, then, unless it is a
// dry run, writes the rows in one transaction as ImportUnits does: all of
// them, or none when one has a conflict, or (not atomic) those without
// one. A unit cannot be updated by an import: every row is created.
func (s *Server) importUnits(ctx context.Context, sum *importing.Summary, drafts []unitform.Draft, decision string, opts importing.Options, p *operation.Progress) error {
	rows := make([]*importing.Row, len(drafts))
	var in []unit.ImportRow
	var at []int
	for i := range drafts {
		dr := &drafts[i]
		rows[i] = &dr.Row
		if len(dr.Conflicts) > 0 {
			continue
		}
		vs, err := importing.Validate(dr.Unit)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			dr.Locate(vs)
			continue
		}
		r, err := importRow(dr.Unit, "")
		if f, ok := fault.As(err); ok {
			dr.Locate(f.Violations)
			continue
		}
		in, at = append(in, r), append(at, i)
	}
	plan, err := s.store.CheckImport(ctx, in, decision)
	if err != nil {
		return err
	}
	p.Set(int64(len(drafts)))
	var clean []unit.ImportRow
	for j, i := range at {
		if vs, ok := refusedAs(plan.Refused[j]); ok {
			drafts[i].Locate(vs)
			continue
		}
		clean = append(clean, in[j])
	}
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		// Planned again in the writing transaction: a row refused now was
		// made bad by a change of the map since the check.
		written, _, err := s.store.ImportUnits(ctx, clean, decision)
		if err != nil {
			return err
		}
		if !written.Clean() {
			return fault.Conflict("the map changed while the file was checked: %v; import it again", refusal(written.Refused))
		}
		s.changed(ctx)
		return nil
	})
}
