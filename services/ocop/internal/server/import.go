package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/sheet"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/ocopform"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

// progressRows is how many rows are checked between two progress reports
// of an import (and chances to stop when it is cancelled).
const progressRows = 200

// importRequest is what every import request of the service carries.
type importRequest interface {
	importing.Request
	GetContent() []byte
}

// startImport refuses a caller who may do a nowhere (a viewer, or a
// commune officer for a council's results); otherwise it starts the
// operation of kind, in which run checks (and, unless it is a dry run,
// writes) the drafts parse read.
func startImport[D any](ctx context.Context, s *Server, kind string, a auth.Action, req importRequest,
	parse func([]sheet.Row) ([]D, []importing.Conflict, error),
	run func(ctx context.Context, sum *importing.Summary, drafts []D, opts importing.Options, p *operation.Progress) error,
) (*operationv1.Operation, error) {
	if err := s.guard.Somewhere(ctx, a); err != nil {
		return nil, err
	}
	opts := importing.OptionsOf(req)
	return importing.Start(ctx, s.operations, kind, req.GetContent(), parse, func(ctx context.Context, sum *importing.Summary, drafts []D, p *operation.Progress) error {
		return run(ctx, sum, drafts, opts, p)
	})
}

// ImportProducers reads a list of producers and answers with the operation
// that checks every row as CreateProducer does and imports them. Every
// row is a new producer: a producer has no natural key to match.
func (s *Server) ImportProducers(ctx context.Context, req *ocopv1.ImportProducersRequest) (*operationv1.Operation, error) {
	return startImport(ctx, s, "import/producers", auth.Write, req, ocopform.ParseProducers, s.importProducers)
}

func (s *Server) importProducers(ctx context.Context, sum *importing.Summary, drafts []ocopform.ProducerDraft, opts importing.Options, p *operation.Progress) error {
	rows := rowsOf(drafts, func(dr *ocopform.ProducerDraft) *importing.Row { return &dr.Row })
	err := importing.RefuseOutOfScope(ctx, rows, ocopform.KeyUnitCode, func(ctx context.Context, unit string) error {
		return s.guard.Unit(ctx, auth.Write, unit)
	})
	if err != nil {
		return err
	}
	var clean []store.Producer
	err = eachRow(ctx, rows, p, func(i int) error {
		dr := &drafts[i]
		row, err := checked(dr.Producer, func() (store.Producer, error) { return s.checkProducer(ctx, dr.Producer, "") }, dr.Locate)
		if err == nil && len(dr.Conflicts) == 0 {
			clean = append(clean, row)
		}
		return err
	})
	if err != nil {
		return err
	}
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.recordProducers(ctx, clean)
		return err
	})
}

// ImportProducts reads a list of products and answers with the operation
// that checks every row as CreateProduct does (the caller's scope is the
// producer's unit) and imports them, each a new product.
func (s *Server) ImportProducts(ctx context.Context, req *ocopv1.ImportProductsRequest) (*operationv1.Operation, error) {
	groups := s.groups()
	parse := func(rows []sheet.Row) ([]ocopform.ProductDraft, []importing.Conflict, error) {
		return ocopform.ParseProducts(rows, groups)
	}
	return startImport(ctx, s, "import/products", auth.Write, req, parse, s.importProducts)
}

func (s *Server) importProducts(ctx context.Context, sum *importing.Summary, drafts []ocopform.ProductDraft, opts importing.Options, p *operation.Progress) error {
	rows := rowsOf(drafts, func(dr *ocopform.ProductDraft) *importing.Row { return &dr.Row })
	var clean []store.Product
	err := eachRow(ctx, rows, p, func(i int) error {
		dr := &drafts[i]
		row, err := checked(dr.Product, func() (store.Product, error) { return s.checkProduct(ctx, dr.Product, "") }, dr.Locate)
		if err == nil && len(dr.Conflicts) == 0 {
			clean = append(clean, row)
		}
		return outOfScope(err, &dr.Row, ocopform.KeyProducer, "producer_id")
	})
	if err != nil {
		return err
	}
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.recordProducts(ctx, clean)
		return err
	})
}

// ImportEvaluations reads a council's results and answers with the
// operation that checks every row as CreateEvaluation does (scored under
// the catalog in force on its date; the caller's scope is the product's
// unit) and imports them, each a new evaluation.
func (s *Server) ImportEvaluations(ctx context.Context, req *ocopv1.ImportEvaluationsRequest) (*operationv1.Operation, error) {
	known := ocopform.KnownEvaluationColumns(s.sheets())
	parse := func(rows []sheet.Row) ([]ocopform.EvaluationDraft, []importing.Conflict, error) {
		return ocopform.ParseEvaluations(rows, known)
	}
	return startImport(ctx, s, "import/evaluations", auth.Decide, req, parse, s.importEvaluations)
}

func (s *Server) importEvaluations(ctx context.Context, sum *importing.Summary, drafts []ocopform.EvaluationDraft, opts importing.Options, p *operation.Progress) error {
	rows := rowsOf(drafts, func(dr *ocopform.EvaluationDraft) *importing.Row { return &dr.Row })
	var clean []store.Evaluation
	err := eachRow(ctx, rows, p, func(i int) error {
		dr := &drafts[i]
		row, err := checked(dr.Evaluation, func() (store.Evaluation, error) {
			row, _, err := s.checkEvaluation(ctx, dr.ProductID, dr.Evaluation, "")
			return row, err
		}, dr.Locate)
		if err == nil && len(dr.Conflicts) == 0 {
			clean = append(clean, row)
		}
		if f, ok := fault.As(err); ok && f.Kind == fault.KindNotFound {
			dr.Add(ocopform.KeyProduct, f.Message, "product_id")
			return nil
		}
		return outOfScope(err, &dr.Row, ocopform.KeyProduct, "product_id")
	})
	if err != nil {
		return err
	}
	return importing.Conclude(sum, rows, importing.Counts{Created: len(clean)}, opts, func() error {
		_, err := s.recordEvaluations(ctx, clean)
		return err
	})
}

// eachRow runs check on every row i still without a conflict, reporting
// progress and stopping when the operation is cancelled.
func eachRow(ctx context.Context, rows []*importing.Row, p *operation.Progress, check func(i int) error) error {
	for i, r := range rows {
		if i > 0 && i%progressRows == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			p.Set(int64(i))
		}
		if len(r.Conflicts) > 0 {
			continue
		}
		if err := check(i); err != nil {
			return err
		}
	}
	p.Set(int64(len(rows)))
	return nil
}

// rowsOf are the drafts' rows, for the shared steps of an import.
func rowsOf[D any](drafts []D, row func(*D) *importing.Row) []*importing.Row {
	out := make([]*importing.Row, len(drafts))
	for i := range drafts {
		out[i] = row(&drafts[i])
	}
	return out
}

// checked runs the API's checks of a row's message m: the request's rules
// (buf.validate), then check, the create's own. Their violations are
// located at the row's columns; any other error is check's.
func checked[T any](m proto.Message, check func() (T, error), locate func([]fault.Violation)) (T, error) {
	var zero T
	vs, err := importing.Validate(m)
	if err != nil {
		return zero, err
	}
	if len(vs) > 0 {
		locate(vs)
		return zero, nil
	}
	row, err := check()
	if f, ok := fault.As(err); ok && f.Kind == fault.KindInvalid {
		locate(f.Violations)
		return zero, nil
	}
	return row, err
}

// outOfScope makes the guard's refusal of a row's resource (outside the
// caller's units, or unknown to them) the row's conflict at column, which
// fills field.
func outOfScope(err error, r *importing.Row, column, field string) error {
	if f, ok := fault.As(err); ok && f.Kind == fault.KindPermissionDenied {
		r.Add(column, f.Message, field)
		return nil
	}
	return err
}
