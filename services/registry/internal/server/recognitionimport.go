package server

import (
	"context"
	"regexp"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/request"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/recognitionform"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// ImportRecognitions reads a recognition form and answers with the
// operation that checks every row as CreateRecognition does and records
// them. A caller who may decide about no unit is refused outright; an
// officer's rows are then checked one by one.
func (s *Server) ImportRecognitions(ctx context.Context, req *registryv1.ImportRecognitionsRequest) (*operationv1.Operation, error) {
	if err := s.guard.Somewhere(ctx, auth.Decide); err != nil {
		return nil, err
	}
	if s.criteria == nil {
		return nil, noCriteria()
	}
	opts := importing.OptionsOf(req)
	return importing.Start(ctx, s.operations, "import/recognitions", req.GetContent(), recognitionform.Parse,
		func(ctx context.Context, sum *importing.Summary, drafts []recognitionform.Draft, p *operation.Progress) error {
			return s.importRecognitions(ctx, sum, drafts, opts, p)
		})
}

// importRecognitions checks every row as CreateRecognition would, each
// seeing the rows above it, then, unless it is a dry run, records the rows
// in one transaction: all of them, or none when one has a conflict, or
// (not atomic) those without one. A row repeating a recorded decision is
// skipped, as CreateRecognition answers it with the record.
func (s *Server) importRecognitions(ctx context.Context, sum *importing.Summary, drafts []recognitionform.Draft, opts importing.Options, p *operation.Progress) error {
	rows := make([]*importing.Row, len(drafts))
	for i := range drafts {
		rows[i] = &drafts[i].Row
	}
	err := importing.RefuseOutOfScope(ctx, rows, recognitionform.KeyUnitCode, func(ctx context.Context, code string) error {
		return s.guard.Unit(ctx, auth.Decide, code)
	})
	if err != nil {
		return err
	}
	var clean []unit.RecognitionFacts
	skipped := 0
	// By unit, the rows above that pass, each with minus its row number
	// as id: a refusal naming one names the row.
	earlier := map[string][]unit.Recognition{}
	for i := range drafts {
		if i%progressRows == 0 {
			p.Set(int64(i))
		}
		dr := &drafts[i]
		if len(dr.Conflicts) > 0 {
			continue
		}
		f, dec, vs, err := s.checkRecognition(ctx, dr.Request, earlier[dr.Request.GetUnitCode()])
		if err != nil {
			return err
		}
		switch {
		case len(vs) > 0:
			dr.Locate(rowsNamed(vs))
		case dec.Retry:
			skipped++
		default:
			r := dec.Recognition
			r.ID = -int64(dr.Number)
			earlier[r.UnitCode] = append(earlier[r.UnitCode], r)
			clean = append(clean, f)
		}
	}
	p.Set(int64(len(drafts)))
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean), Skipped: skipped}, opts, func() error {
		if _, err := s.store.AddRecognitions(ctx, clean); err != nil {
			return err
		}
		s.changed(ctx)
		return nil
	})
}

// fileRow is the name a refusal gives a row above (a recognition with
// minus its row number as id).
var fileRow = regexp.MustCompile(`units/[0-9]+/recognitions/-([0-9]+)`)

// rowsNamed are vs saying "row 4 of this file" for the rows above they name.
func rowsNamed(vs []fault.Violation) []fault.Violation {
	for i := range vs {
		vs[i].Description = fileRow.ReplaceAllString(vs[i].Description, "row $1 of this file")
	}
	return vs
}

// checkRecognition runs CreateRecognition's checks on req, without its
// write: the request's rules, then the criteria service's set and score
// and the registry's decision, seeing earlier (recognitions of the unit
// not recorded yet). It returns the facts to record, the decision, or the
// violations that refuse it.
func (s *Server) checkRecognition(ctx context.Context, req *registryv1.CreateRecognitionRequest, earlier []unit.Recognition) (unit.RecognitionFacts, unit.Decision, []fault.Violation, error) {
	var f unit.RecognitionFacts
	if vs, err := importing.Validate(req); err != nil || len(vs) > 0 {
		return f, unit.Decision{}, vs, err
	}
	ask, err := recognitionAsked(req)
	if err != nil {
		vs, _ := refusedAs(err)
		return f, unit.Decision{}, vs, nil
	}
	if f, err = s.recognitionFacts(ctx, ask); err == nil {
		var dec unit.Decision
		if dec, err = s.store.CheckRecognition(ctx, f, earlier); err == nil {
			return f, dec, nil, nil
		}
	}
	vs, ok := refusedAs(err)
	if !ok {
		return f, unit.Decision{}, nil, err
	}
	return f, unit.Decision{}, vs, nil
}

// recognitionAsked is the recognition req asks for.
func recognitionAsked(req *registryv1.CreateRecognitionRequest) (unit.Recognition, error) {
	p := req.GetRecognition()
	from, err := request.Date(p.GetEffectiveDate(), "recognition.effective_date")
	if err != nil {
		return unit.Recognition{}, err
	}
	return unit.Recognition{UnitCode: req.GetUnitCode(), Level: unit.Level(p.GetLevel()),
		DecisionNumber: p.GetDecisionNumber(), Valid: date.Range{From: from}, CriteriaSet: p.GetCriteriaSet(), Year: int(p.GetYear()),
		OverrideReason: p.GetOverrideReason()}, nil
}
