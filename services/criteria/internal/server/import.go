package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/sheet"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/assessmentform"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// progressRows is how many rows are checked between two progress reports
// of an import (and chances to stop when it is cancelled).
const progressRows = 1000

// ImportAssessments reads an assessment form (.xlsx or .csv) and answers
// with the operation that checks and imports it. A file that cannot be
// read at all is refused at once; everything about its rows is in the
// operation's summary.
func (s *Server) ImportAssessments(ctx context.Context, req *criteriav1.ImportAssessmentsRequest) (*operationv1.Operation, error) {
	// A caller who may write nowhere (a viewer) is refused outright; an
	// officer's rows are then checked one by one.
	id, _ := auth.FromContext(ctx)
	if err := s.guard.Somewhere(ctx, auth.Write); err != nil {
		return nil, err
	}
	// A file is read by the columns of every set: its rows say which set
	// they follow.
	known := assessmentform.KnownColumns(s.catalog.Sets())
	defaults := assessmentform.Defaults{Author: cmp.Or(req.GetAuthor(), id.Subject), CriteriaSet: req.GetCriteriaSet()}
	opts := importing.OptionsOf(req)
	return importing.Start(ctx, s.operations, "import/assessments", req.GetContent(),
		func(rows []sheet.Row) ([]assessmentform.Draft, []importing.Conflict, error) {
			return assessmentform.Parse(rows, known, defaults)
		},
		func(ctx context.Context, sum *importing.Summary, drafts []assessmentform.Draft, p *operation.Progress) error {
			return s.importAssessments(ctx, sum, drafts, opts, p)
		})
}

// importAssessments checks every row as CreateAssessment would, then,
// unless it is a dry run, writes the rows in one transaction: all of them,
// or none when one has a conflict, or (not atomic) those without one.
func (s *Server) importAssessments(ctx context.Context, sum *importing.Summary, drafts []assessmentform.Draft, opts importing.Options, p *operation.Progress) error {
	rows := make([]*importing.Row, len(drafts))
	for i := range drafts {
		rows[i] = &drafts[i].Row
	}
	err := importing.RefuseOutOfScope(ctx, rows, assessmentform.KeyUnitCode, func(ctx context.Context, unit string) error {
		return s.guard.Unit(ctx, auth.Write, unit)
	})
	if err != nil {
		return err
	}
	// Checked at once, so that the registry is asked for the map of a date
	// once for the whole file.
	clean, err := s.checkDrafts(ctx, drafts, p)
	if err != nil {
		return err
	}
	// Assessments keep their history: every row is a new one.
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.record(ctx, clean)
		return err
	})
}

// checkDrafts runs the API's checks on the rows still without a conflict
// (the request's rules, then the registry's and the catalog's), placing
// every violation at its column, and returns the rows that pass, scored.
func (s *Server) checkDrafts(ctx context.Context, drafts []assessmentform.Draft, p *operation.Progress) ([]store.Assessment, error) {
	var in []*criteriav1.Assessment
	var at []int
	for i := range drafts {
		dr := &drafts[i]
		if len(dr.Conflicts) > 0 {
			continue
		}
		if vs, err := importing.Validate(dr.Assessment); err != nil || len(vs) > 0 {
			if err != nil {
				return nil, err
			}
			dr.Locate(vs)
			continue
		}
		in, at = append(in, dr.Assessment), append(at, i)
	}
	// Rows already in conflict count as done at once.
	skipped := len(drafts) - len(in)
	rows, bad, err := s.check(ctx, in, "", func(int) string { return "" }, func(scored int) { p.Set(int64(skipped + scored)) })
	if err != nil {
		return nil, err
	}
	var clean []store.Assessment
	for j, i := range at {
		if len(bad[j]) > 0 {
			drafts[i].Locate(bad[j])
			continue
		}
		clean = append(clean, rows[j])
	}
	return clean, nil
}
