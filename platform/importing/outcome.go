package importing

import (
	"context"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ntmsuite/ntm/platform/fault"
)

// Options are the choices of an import.
type Options struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// Atomic writes all rows or none; otherwise the rows without a
	// conflict are written.
	Atomic bool
}

// Counts are the rows an import writes, or would write.
type Counts struct{ Created, Updated, Skipped int }

// Conclude completes sum from the checked rows and decides the import's
// outcome: a dry run reports what would be written; an atomic import of a
// file with conflicts writes nothing and fails, naming the file's content;
// otherwise write stores the rows without conflict (counted in would),
// all in one transaction.
func Conclude(sum *Summary, rows []*Row, would Counts, o Options, write func() error) error {
	sum.DryRun = o.DryRun
	sum.Rows = len(rows)
	for _, r := range rows {
		if len(r.Conflicts) > 0 {
			sum.Rejected++
			for _, c := range r.Conflicts {
				sum.Add(c)
			}
		}
	}
	switch {
	case o.DryRun:
		sum.Created, sum.Updated, sum.Skipped = would.Created, would.Updated, would.Skipped
		return nil
	case o.Atomic && !sum.Clean():
		return fault.Invalid("content", "the file has %d conflicts; nothing was written (see the summary, or import with atomic=false to write the other rows)", sum.ConflictsTotal)
	case would.Created+would.Updated == 0:
		sum.Skipped = would.Skipped
		return nil
	}
	if err := write(); err != nil {
		return err
	}
	sum.Created, sum.Updated, sum.Skipped, sum.Written = would.Created, would.Updated, would.Skipped, true
	return nil
}

// RefuseOutOfScope adds a conflict to each row whose unit (the cell of
// column) the caller may not write: allowed refuses it with a
// PermissionDenied fault. Any other error of allowed ends the import.
// Each unit is asked once.
func RefuseOutOfScope(ctx context.Context, rows []*Row, column string, allowed func(ctx context.Context, unit string) error) error {
	refused := map[string]error{}
	for i := range rows {
		code := rows[i].Cells[column]
		if code == "" {
			continue // the checks say it is required
		}
		err, seen := refused[code]
		if !seen {
			err = allowed(ctx, code)
			if f, ok := fault.As(err); err != nil && (!ok || f.Kind != fault.KindPermissionDenied) {
				return err
			}
			refused[code] = err
		}
		if err != nil {
			rows[i].Add(column, "unit "+code+" is outside the units you may write", column)
		}
	}
	return nil
}

// Request is what every import request carries besides its file.
type Request interface {
	GetDryRun() bool
	GetAtomic() bool
	ProtoReflect() protoreflect.Message
}

// OptionsOf reads a request's dry_run and atomic, which is true unless the
// request sets it false.
func OptionsOf(req Request) Options {
	m := req.ProtoReflect()
	atomic := true
	if fd := m.Descriptor().Fields().ByName("atomic"); fd != nil && m.Has(fd) {
		atomic = req.GetAtomic()
	}
	return Options{DryRun: req.GetDryRun(), Atomic: atomic}
}
