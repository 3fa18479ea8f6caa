package server

import (
	"cmp"
	"context"
	"errors"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/sheet"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// progressRows is how many rows are checked between two progress reports
// of an import (and chances to stop when it is cancelled).
const progressRows = 1000

// startImport reads a file (.xlsx or .csv) into rows with parse and
// starts the operation kind that imports them with run. A file that
// cannot be read at all is refused at once; everything about its rows is
// in the operation's summary.
func startImport[D any](ctx context.Context, s *Server, kind string, content []byte,
	parse func([]sheet.Row) ([]D, []importing.Conflict, error),
	run func(ctx context.Context, sum *importing.Summary, drafts []D, p *operation.Progress) error,
) (*operationv1.Operation, error) {
	rows, err := sheet.Read(content, sheet.DefaultLimits, "")
	if err != nil {
		return nil, fault.Invalid("content", "%v", err)
	}
	drafts, fileConflicts, err := parse(rows)
	if err != nil {
		return nil, fault.Invalid("content", "%v", err)
	}
	return s.operations.Start(ctx, kind, int64(len(drafts)), func(ctx context.Context, p *operation.Progress) (*operationv1.ImportSummary, error) {
		sum := importing.Summary{}
		for _, c := range fileConflicts {
			sum.Add(c)
		}
		err := run(ctx, &sum, drafts, p)
		return sum.Proto(), err
	})
}

// importOptions are an import request's choices: atomic unless it says
// otherwise.
func importOptions(dryRun bool, atomic *bool) importing.Options {
	return importing.Options{DryRun: dryRun, Atomic: atomic == nil || *atomic}
}

// violations are m's breaches of the rules the API checks on a request
// (buf.validate), as the request's own would be reported.
func violations(m proto.Message) ([]fault.Violation, error) {
	err := protovalidate.Validate(m)
	var ve *protovalidate.ValidationError
	switch {
	case err == nil:
		return nil, nil
	case !errors.As(err, &ve):
		return nil, err
	}
	vs := make([]fault.Violation, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		vs = append(vs, fault.Violation{Field: protovalidate.FieldPathString(v.Proto.GetField()), Description: cmp.Or(v.Proto.GetMessage(), v.Proto.GetRuleId())})
	}
	return vs, nil
}

// refusedAs is err as the violations of a row: a refusal's bad fields, or
// its message for the row as a whole. ok is false for an error that is no
// refusal (a service down), which ends the import.
func refusedAs(err error) (vs []fault.Violation, ok bool) {
	f, ok := fault.As(err)
	if !ok || f.Kind == fault.KindUnavailable {
		return nil, false
	}
	if len(f.Violations) > 0 {
		return f.Violations, true
	}
	return []fault.Violation{{Description: f.Message}}, true
}
