package server

import (
	"cmp"
	"context"
	"errors"

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
// Rows are checked as the database takes in those before (recordEach), so
// that checking a country's form overlaps writing it.
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
	next, conflicted, err := s.checkDrafts(ctx, drafts, p)
	if err != nil {
		return err
	}
	var clean []store.Assessment
	var written error
	if opts.DryRun || (opts.Atomic && conflicted()) {
		// Nothing will be written: only the checks' outcome counts.
		clean, err = drain(next)
	} else {
		clean, written = s.recordEach(ctx, func() (store.Assessment, bool, error) {
			a, ok, err := next()
			if err == nil && opts.Atomic && conflicted() {
				// Keep checking to report every conflict, but write none.
				if _, err = drain(next); err == nil {
					err = errAbandoned
				}
			}
			return a, ok, err
		})
		if errors.Is(written, errAbandoned) {
			clean, written = nil, nil
		} else {
			err = written
		}
	}
	if err != nil {
		return err
	}
	// Assessments keep their history: every row is a new one.
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error { return written })
}

// errAbandoned rolls back an atomic import's transaction once a row has a
// conflict; Conclude then reports the conflicts.
var errAbandoned = errors.New("import abandoned: a row has a conflict")

// drain checks every row left, returning those that pass.
func drain(next func() (store.Assessment, bool, error)) ([]store.Assessment, error) {
	var clean []store.Assessment
	for {
		a, ok, err := next()
		if err != nil || !ok {
			return clean, err
		}
		clean = append(clean, a)
	}
}

// checkDrafts prepares the API's checks of the rows still without a
// conflict: next checks the following one (the request's rules, then the
// registry's and the catalog's), placing every violation at its column,
// and returns it scored, or false when no row is left; conflicted tells
// whether any row has a conflict so far.
func (s *Server) checkDrafts(ctx context.Context, drafts []assessmentform.Draft, p *operation.Progress) (next func() (store.Assessment, bool, error), conflicted func() bool, err error) {
	var in []*criteriav1.Assessment
	var at []int
	anyConflict := false
	for i := range drafts {
		if len(drafts[i].Conflicts) > 0 {
			anyConflict = true
			continue
		}
		in, at = append(in, drafts[i].Assessment), append(at, i)
	}
	// The units of every row are looked up at once, so that the registry
	// is asked for the map of a date once for the whole file; a row the
	// request's rules refuse is then not scored.
	c, err := s.prepare(ctx, in, "", func(int) string { return "" })
	if err != nil {
		return nil, nil, err
	}
	// Rows already in conflict count as done at once.
	skipped := len(drafts) - len(in)
	j := 0
	next = func() (store.Assessment, bool, error) {
		for ; j < len(in); j++ {
			if j%progressRows == 0 {
				if err := ctx.Err(); err != nil {
					return store.Assessment{}, false, err
				}
				p.Set(int64(skipped + j))
			}
			vs, err := importing.Validate(in[j])
			if err != nil {
				return store.Assessment{}, false, err
			}
			var row store.Assessment
			if len(vs) == 0 {
				if row, vs, err = c.row(j); err != nil {
					return store.Assessment{}, false, err
				}
			}
			if len(vs) > 0 {
				drafts[at[j]].Locate(vs)
				anyConflict = true
				continue
			}
			j++
			return row, true, nil
		}
		p.Set(int64(len(drafts)))
		return store.Assessment{}, false, nil
	}
	return next, func() bool { return anyConflict }, nil
}
