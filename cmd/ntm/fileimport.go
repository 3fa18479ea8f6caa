package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/restheader"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

const (
	importFileUsage = "usage: ntm import KIND FILE.xlsx|FILE.csv [--dry-run] [--atomic=false] [--request-id ID] [--addr ADDR] [--token TOKEN] (and the kind's own flags: ntm import KIND -h); KIND: "
	templateUsage   = "usage: ntm template KIND [--unit CODE] [--as-of YYYY-MM-DD] [-o FILE.xlsx] [--addr ADDR] [--token TOKEN] (and the kind's own flags: ntm template KIND -h); KIND: "
)

// kindNames lists the kinds of files, for usage texts.
func kindNames() string {
	return strings.Join(slices.Sorted(maps.Keys(fileKinds)), ", ")
}

// fileFlags are the flags every file command takes, and the kind's own
// (of `ntm import` when importing); it returns how to dial.
func fileFlags(fs *flag.FlagSet, kind fileKind, o *fileOptions, importing bool) func() (*grpc.ClientConn, context.Context, context.CancelFunc, error) {
	fs.StringVar(&o.addr, "addr", kind.addr, "gRPC address of the "+kind.service+" service")
	if kind.flags != nil {
		kind.flags(fs, o, importing)
	}
	token := tokenFlag(fs)
	dialTLS := clientTLSFlags(fs)
	return func() (*grpc.ClientConn, context.Context, context.CancelFunc, error) {
		transport, err := dialTLS()
		if err != nil {
			return nil, nil, nil, err
		}
		// Files go up to the largest request a service reads; operations
		// (their summaries) and templates may come back over gRPC's 4 MiB.
		conn, err := grpcclient.Dial(o.addr, transport, grpc.WithDefaultCallOptions(
			grpc.MaxCallSendMsgSize(grpcserver.MaxMessageBytes), grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes)))
		if err != nil {
			return nil, nil, nil, err
		}
		ctx, cancel := context.WithTimeout(withToken(context.Background(), cmp.Or(*token, os.Getenv(tokenEnv))), 30*time.Minute)
		return conn, ctx, cancel, nil
	}
}

// importFileCmd uploads a filled form, follows the operation with a
// progress line on stderr and prints its summary; conflicts make it fail.
func importFileCmd(ctx context.Context, name string, args []string, stdout io.Writer) error {
	kind := fileKinds[name]
	fs := flag.NewFlagSet("ntm import "+name, flag.ContinueOnError)
	var o fileOptions
	dial := fileFlags(fs, kind, &o, true)
	fs.BoolVar(&o.dryRun, "dry-run", false, "check every row and write nothing")
	fs.BoolVar(&o.atomic, "atomic", true, "all rows or none; false writes the rows without a conflict")
	fs.StringVar(&o.requestID, "request-id", "", "idempotency key: a retry with the same id is not imported twice")
	file, err := parseInterspersed(fs, args, importFileUsage+kindNames())
	if err != nil {
		return err
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	conn, callCtx, cancel, err := dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	defer cancel()
	callCtx = stopWith(callCtx, ctx)
	if o.requestID != "" {
		callCtx = metadata.AppendToOutgoingContext(callCtx, restheader.IdempotencyKey, o.requestID)
	}
	op, err := kind.importFile(callCtx, conn, content, o)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if op, err = follow(callCtx, operationv1.NewOperationServiceClient(conn), op, os.Stderr); err != nil {
		return err
	}
	printSummary(stdout, file, op)
	switch {
	case op.GetState() == operationv1.Operation_FAILED:
		return fmt.Errorf("%s: %s", file, op.GetError().GetMessage())
	case op.GetState() == operationv1.Operation_CANCELLED:
		return fmt.Errorf("%s: the import was cancelled", file)
	case op.GetSummary().GetConflictsTotal() == 1:
		return fmt.Errorf("%s: 1 conflict", file)
	case op.GetSummary().GetConflictsTotal() > 1:
		return fmt.Errorf("%s: %d conflicts", file, op.GetSummary().GetConflictsTotal())
	}
	return nil
}

// stopWith is ctx, cancelled too when parent is (Ctrl-C).
func stopWith(ctx, parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(parent, cancel)
	return ctx
}

// follow polls op until it is done, drawing its progress on progress.
func follow(ctx context.Context, ops operationv1.OperationServiceClient, op *operationv1.Operation, progress io.Writer) (*operationv1.Operation, error) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !op.GetDone() {
		drawProgress(progress, op)
		select {
		case <-ctx.Done():
			// Ctrl-C cancels the import, not only the wait.
			_, _ = ops.CancelOperation(context.WithoutCancel(ctx), &operationv1.CancelOperationRequest{Name: op.GetName()})
			return nil, ctx.Err()
		case <-tick.C:
		}
		var err error
		if op, err = ops.GetOperation(ctx, &operationv1.GetOperationRequest{Name: op.GetName()}); err != nil {
			return nil, err
		}
	}
	drawProgress(progress, op)
	fmt.Fprintln(progress)
	return op, nil
}

// drawProgress redraws one line: a bar and rows done of rows.
func drawProgress(w io.Writer, op *operationv1.Operation) {
	const width = 30
	done, total := op.GetRowsDone(), op.GetRowsTotal()
	filled := width
	if total > 0 {
		filled = int(min(done, total) * width / total)
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d rows", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, total)
}

// printSummary prints the counts, then the conflicts as a table.
func printSummary(w io.Writer, file string, op *operationv1.Operation) {
	s := op.GetSummary()
	outcome := "written"
	switch {
	case s.GetDryRun():
		outcome = "dry run: nothing written"
	case !s.GetWritten():
		outcome = "nothing written"
	}
	fmt.Fprintf(w, "%s: %d rows, %d created, %d updated, %d skipped, %d rejected (%s)\n",
		file, s.GetRows(), s.GetCreated(), s.GetUpdated(), s.GetSkipped(), s.GetRejected(), outcome)
	if len(s.GetConflicts()) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SHEET\tROW\tCOLUMN\tVALUE\tMESSAGE")
	for _, c := range s.GetConflicts() {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.GetSheet(), c.GetRow(), c.GetColumn(), c.GetValue(), c.GetMessage())
	}
	_ = tw.Flush()
	if more := s.GetConflictsTotal() - int64(len(s.GetConflicts())); more > 0 {
		fmt.Fprintf(w, "… and %d more conflicts\n", more)
	}
}

// templateCmd writes a kind's template workbook.
func templateCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(templateUsage + kindNames())
	}
	kind, ok := fileKinds[args[0]]
	if !ok {
		return fmt.Errorf("no template of %q\n%s", args[0], templateUsage+kindNames())
	}
	fs := flag.NewFlagSet("ntm template "+args[0], flag.ContinueOnError)
	var o fileOptions
	dial := fileFlags(fs, kind, &o, false)
	fs.StringVar(&o.unit, "unit", "", "a unit whose communes get a row each (units: its units; disbursements: its plans; products: its producers; evaluations: its products)")
	fs.StringVar(&o.asOf, "as-of", "", "date of the rows and of the map (default today)")
	fs.StringVar(&o.output, "o", "", "file to write (default: the name the service gives)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	conn, ctx, cancel, err := dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	defer cancel()
	var header metadata.MD
	body, err := kind.template(ctx, conn, o, grpc.Header(&header))
	if err != nil {
		return err
	}
	out := o.output
	if out == "" {
		out = cmp.Or(strings.Join(header.Get(restheader.FileName), ""), args[0]+".xlsx")
	}
	if err := os.WriteFile(out, body.GetData(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", out, len(body.GetData()))
	return nil
}
