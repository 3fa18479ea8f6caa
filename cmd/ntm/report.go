package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
)

const reportUsage = "usage: ntm report UNIT --period 2020|2020-H1|2016-2020 [--as-of YYYY-MM-DD] [--xlsx FILE] [--report-addr ADDR] [--token TOKEN] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]"

// reportCmd asks a running report service for a unit's report, prints its
// main figures and, with --xlsx, writes the workbook.
func reportCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ntm report", flag.ContinueOnError)
	period := fs.String("period", "", "reporting period: 2020-H1 or 2020-H2 (six months), 2020 (a year) or 2016-2020 (a phase)")
	asOf := fs.String("as-of", "", "day the figures are counted on, inside the period (default: its last day, or today)")
	xlsx := fs.String("xlsx", "", "also write the report's workbook to this file")
	addr := fs.String("report-addr", defaultReportAddr, "report gRPC address")
	token := tokenFlag(fs)
	dialTLS := clientTLSFlags(fs)
	unit, err := parseInterspersed(fs, args, reportUsage)
	if err != nil {
		return err
	}
	transport, err := dialTLS()
	if err != nil {
		return err
	}
	conn, err := grpcclient.Dial(*addr, transport, grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes)))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(withToken(ctx, cmp.Or(*token, os.Getenv(tokenEnv))), 5*time.Minute)
	defer cancel()
	client := reportv1.NewReportServiceClient(conn)
	r, err := client.GetReport(ctx, &reportv1.GetReportRequest{UnitCode: unit, Period: *period, AsOf: *asOf})
	if err != nil {
		return err
	}
	if err := printReport(stdout, r); err != nil {
		return err
	}
	if *xlsx == "" {
		return nil
	}
	// The workbook is asked for the report's own date, so that both are
	// counted on the same day even when the period has not ended.
	book, err := client.GetReportWorkbook(ctx, &reportv1.GetReportWorkbookRequest{UnitCode: unit, Period: *period, AsOf: r.GetAsOf()})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*xlsx, book.GetData(), 0o644); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\nWorkbook written to %s (%d bytes).\n", *xlsx, len(book.GetData()))
	return err
}

// printReport writes the report's main figures as tables: recognitions,
// registrations, targets against results, and a line each for criteria,
// OCOP and money.
func printReport(out io.Writer, r *reportv1.Report) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s\n%s (%s), %s..%s, as of %s\n", r.GetTitle(), r.GetDisplayName(), r.GetUnitCode(), r.GetPeriodFrom(), r.GetPeriodTo(), r.GetAsOf())

	fmt.Fprintf(w, "\nRECOGNITIONS\tin period\tcumulative\tformer units\tof\t%%\n")
	rec := r.GetRecognitions()
	for _, group := range [][]*reportv1.LevelCount{rec.GetCommunes(), rec.GetVillages(), rec.GetDistricts()} {
		for _, c := range group {
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%v\n", cmp.Or(c.GetDisplayName(), c.GetLevel()), c.GetInPeriod(), c.GetCumulative(), c.GetFormerUnits(), c.GetDenominator(), c.GetPercent())
		}
	}

	fmt.Fprintf(w, "\nREGISTRATIONS\treached\tregistered\n")
	for _, t := range r.GetRegistrations().GetByLevel() {
		fmt.Fprintf(w, "%s\t%d\t%d\n", cmp.Or(t.GetDisplayName(), t.GetLevel()), t.GetReached(), t.GetRegistered())
	}
	// Lines without a tab stand outside the table's columns.
	for _, o := range r.GetRegistrations().GetRows() {
		switch {
		case o.GetReached():
		case len(o.GetMissing()) == 0:
			fmt.Fprintf(w, "  not reached: %s %s %s (meets all %d criteria, not recognised yet)\n", o.GetUnitCode(), o.GetDisplayName(), o.GetLevel(), o.GetCriteriaCount())
		default:
			fmt.Fprintf(w, "  not reached: %s %s %s (%d/%d, missing %s)\n", o.GetUnitCode(), o.GetDisplayName(), o.GetLevel(), o.GetCriteriaMet(), o.GetCriteriaCount(), strings.Join(o.GetMissing(), ", "))
		}
	}

	tb := r.GetTargets().GetBasis()
	fmt.Fprintf(w, "\nTARGETS %s..%s\tplan\tresult\t%% of plan\tstatus\n", tb.GetFrom(), tb.GetTo())
	for _, t := range r.GetTargets().GetRows() {
		result := "-"
		if t.GetHasResult() {
			result = fmt.Sprint(t.GetResult())
		}
		fmt.Fprintf(w, "%s\t%v\t%s\t%v\t%s\n", t.GetDisplayName(), t.GetTarget(), result, t.GetPercentOfPlan(), t.GetStatus())
	}
	for _, t := range r.GetTargets().GetRows() {
		fmt.Fprintf(w, "  - %s: %s\n", t.GetDisplayName(), t.GetSummary())
		if t.GetHasEstimate() {
			fmt.Fprintf(w, "    %s (estimate of %s)\n", t.GetEstimateSummary(), t.GetEstimatedOn())
		}
	}

	agg := r.GetCriteria().GetAggregate()
	fmt.Fprintf(w, "\nCRITERIA (%s, %s): %d communes, %d assessed, average %v criteria met\n", agg.GetCriteriaSet(), agg.GetCountMode(), agg.GetCommunes(), agg.GetAssessedCommunes(), agg.GetAverageMet())
	o := r.GetOcop()
	fmt.Fprintf(w, "OCOP: %d registered, %d eligible, %d certified in the period (3 stars or more), %d in force, %d proposed to the central council\n",
		o.GetRegistered(), o.GetEligible(), o.GetCertifiedInPeriodTotal(), o.GetCertifiedTotal(), o.GetProposedCentral())
	f := r.GetFunding().GetSummary()
	fmt.Fprintf(w, "FUNDING: %d VND planned, %d disbursed (%v%%), %d mobilised\n", f.GetTotal().GetPlannedVnd(), f.GetTotal().GetDisbursedVnd(), f.GetTotal().GetDisbursedPercent(), f.GetMobilisedVnd())
	return w.Flush()
}
