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

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/restheader"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
)

// fileKind is a kind of spreadsheet the suite imports and offers a
// template of: the service that owns it and its two calls.
type fileKind struct {
	service, addr string
	importFile    func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error)
	template      func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error)
}

// fileOptions are the flags of `ntm import` and `ntm template`.
type fileOptions struct {
	dryRun, atomic              bool
	criteriaSet, author         string
	allocatedOn, decisionNumber string
	catalog                     string
	unit, asOf, period          string
	year                        int
	requestID, output, addr     string
}

var fileKinds = map[string]fileKind{
	"assessments": {service: "criteria", addr: defaultCriteriaAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportAssessments(ctx, &criteriav1.ImportAssessmentsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic), CriteriaSet: o.criteriaSet, Author: o.author})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetAssessmentTemplate(ctx, &criteriav1.GetAssessmentTemplateRequest{
				CriteriaSet: o.criteriaSet, UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"registrations": {service: "criteria", addr: defaultCriteriaAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetRegistrationTemplate(ctx, &criteriav1.GetRegistrationTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
	"targets": {service: "criteria", addr: defaultCriteriaAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportTargets(ctx, &criteriav1.ImportTargetsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetTargetTemplate(ctx, &criteriav1.GetTargetTemplateRequest{
				UnitCode: o.unit, Period: o.period}, opts...)
		}},
	"plans": {service: "funding", addr: defaultFundingAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportPlans(ctx, &fundingv1.ImportPlansRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic), AllocatedOn: o.allocatedOn, DecisionNumber: o.decisionNumber})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return fundingv1.NewFundingServiceClient(conn).GetPlanTemplate(ctx, &fundingv1.GetPlanTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
	"disbursements": {service: "funding", addr: defaultFundingAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportDisbursements(ctx, &fundingv1.ImportDisbursementsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return fundingv1.NewFundingServiceClient(conn).GetDisbursementTemplate(ctx, &fundingv1.GetDisbursementTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
	"producers": {service: "ocop", addr: defaultOcopAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducers(ctx, &ocopv1.ImportProducersRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetProducerTemplate(ctx, &ocopv1.GetProducerTemplateRequest{UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"products": {service: "ocop", addr: defaultOcopAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducts(ctx, &ocopv1.ImportProductsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetProductTemplate(ctx, &ocopv1.GetProductTemplateRequest{UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"evaluations": {service: "ocop", addr: defaultOcopAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportEvaluations(ctx, &ocopv1.ImportEvaluationsRequest{
				Content: file, DryRun: o.dryRun, Atomic: proto.Bool(o.atomic)})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetEvaluationTemplate(ctx, &ocopv1.GetEvaluationTemplateRequest{
				Catalog: o.catalog, UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
}

const (
	importFileUsage = "usage: ntm import KIND FILE.xlsx|FILE.csv [--dry-run] [--atomic=false] [--request-id ID] [--addr ADDR] [--token TOKEN] (assessments also [--criteria-set SET] [--author NAME], plans [--allocated-on DATE] [--decision-number N]); KIND: "
	templateUsage   = "usage: ntm template KIND [--unit CODE] [--as-of YYYY-MM-DD] [-o FILE.xlsx] [--addr ADDR] [--token TOKEN] (assessments also [--criteria-set SET], registrations, plans and disbursements [--year N], targets [--period P], evaluations [--catalog OCOP_CATALOG]); KIND: "
)

// kindNames lists the kinds of files, for usage texts.
func kindNames() string {
	return strings.Join(slices.Sorted(maps.Keys(fileKinds)), ", ")
}

// fileFlags are the flags every file command takes; it returns how to dial.
func fileFlags(fs *flag.FlagSet, kind fileKind, o *fileOptions) func() (*grpc.ClientConn, context.Context, context.CancelFunc, error) {
	fs.StringVar(&o.addr, "addr", kind.addr, "gRPC address of the "+kind.service+" service")
	fs.StringVar(&o.criteriaSet, "criteria-set", "", "criteria set of assessments (default: the one in force)")
	fs.StringVar(&o.catalog, "catalog", "", "OCOP catalog of evaluations (default: the one in force)")
	token := tokenFlag(fs)
	dialTLS := clientTLSFlags(fs)
	return func() (*grpc.ClientConn, context.Context, context.CancelFunc, error) {
		transport, err := dialTLS()
		if err != nil {
			return nil, nil, nil, err
		}
		conn, err := grpcclient.Dial(o.addr, transport, grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(32<<20)))
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
	dial := fileFlags(fs, kind, &o)
	fs.BoolVar(&o.dryRun, "dry-run", false, "check every row and write nothing")
	fs.BoolVar(&o.atomic, "atomic", true, "all rows or none; false writes the rows without a conflict")
	fs.StringVar(&o.author, "author", "", "author of rows that name none (default: the token's subject)")
	fs.StringVar(&o.allocatedOn, "allocated-on", "", "plans: the allocation decision's date of rows that name none")
	fs.StringVar(&o.decisionNumber, "decision-number", "", "plans: the decision number of rows that name none")
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
	dial := fileFlags(fs, kind, &o)
	fs.StringVar(&o.unit, "unit", "", "a unit whose communes get a row each (disbursements: its plans; products: its producers; evaluations: its products)")
	fs.StringVar(&o.asOf, "as-of", "", "date of the rows and of the map (default today)")
	fs.IntVar(&o.year, "year", 0, "registrations: the year the rows register for; plans and disbursements: their budget year")
	fs.StringVar(&o.period, "period", "", "targets: a year or a phase (default next year)")
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
