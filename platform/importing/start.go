package importing

import (
	"context"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/operation"
	"github.com/ntmsuite/ntm/platform/sheet"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// Start reads a file (.xlsx or .csv), parses its rows and starts on runner
// the operation kind that imports them with run. A file that cannot be
// read at all is refused at once, as bad content; everything about its
// rows is in the operation's summary, the file's own conflicts first.
func Start[D any](ctx context.Context, runner *operation.Runner, kind string, content []byte,
	parse func([]sheet.Row) ([]D, []Conflict, error),
	run func(ctx context.Context, sum *Summary, drafts []D, p *operation.Progress) error,
) (*operationv1.Operation, error) {
	rows, err := sheet.Read(content, sheet.DefaultLimits, "")
	if err != nil {
		return nil, fault.Invalid("content", "%v", err)
	}
	drafts, fileConflicts, err := parse(rows)
	if err != nil {
		return nil, fault.Invalid("content", "%v", err)
	}
	return runner.Start(ctx, kind, int64(len(drafts)), func(ctx context.Context, p *operation.Progress) (*operationv1.ImportSummary, error) {
		var sum Summary
		for _, c := range fileConflicts {
			sum.Add(c)
		}
		err := run(ctx, &sum, drafts, p)
		return sum.Proto(), err
	})
}
