//go:build unix

package bench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"

	"github.com/ntmsuite/ntm/platform/cache"
	"github.com/ntmsuite/ntm/platform/dbtest"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	"github.com/ntmsuite/ntm/services/criteria"
)

// BenchmarkP5Import is an import of the country's assessments, 10,000
// communes × 57 indicator values, on PostgreSQL: "suite" the assessment
// form as a CSV file through the criteria service (ImportAssessments,
// waiting for its operation to finish: read, checked, scored and written
// in one transaction), "batch" the same rows as one BatchCreateAssessments
// call, "copy" a PostgreSQL COPY (pgx CopyFrom) of the rows the service
// stored into a table of the same shape, indexes included. P5: suite
// throughput ≥ 50% of copy. The batch answers with every assessment and
// its score, some 47 MB, more than the gateway relays (32 MiB): the client
// here takes it (batchAnswerBytes).
func BenchmarkP5Import(b *testing.B) {
	e := setup(b)
	pgURL := dbtest.EmptyPostgresDatabase(b)
	crit, ops := e.startPostgresCriteria(b, pgURL)
	// Only the form is held while the suite imports it: the assessments
	// as objects would be marked by every collection of this process.
	file, n := e.countryForm(b)
	b.Run("suite", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		for b.Loop() {
			op, err := crit.ImportAssessments(e.ctx, &criteriav1.ImportAssessmentsRequest{Content: file})
			if err != nil {
				b.Fatal(err)
			}
			for !op.GetDone() {
				time.Sleep(5 * time.Millisecond)
				if op, err = ops.GetOperation(e.ctx, &operationv1.GetOperationRequest{Name: op.GetName()}); err != nil {
					b.Fatal(err)
				}
			}
			if s := op.GetSummary(); op.GetState() != operationv1.Operation_SUCCEEDED || s.GetCreated() != int64(n) {
				b.Fatalf("import ended %v: %v, %v", op.GetState(), op.GetError(), s)
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		req := &criteriav1.BatchCreateAssessmentsRequest{Assessments: e.countryAssessments(b)}
		for b.Loop() {
			if _, err := crit.BatchCreateAssessments(e.ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("copy", func(b *testing.B) {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, pgURL)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		cols, rows := storedAssessments(b, conn, n)
		if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS public.copied (LIKE criteria.assessments INCLUDING ALL)`); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			if _, err := conn.Exec(ctx, `TRUNCATE public.copied`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			n, err := conn.CopyFrom(ctx, pgx.Identifier{"public", "copied"}, cols, pgx.CopyFromRows(rows))
			if err != nil || int(n) != len(rows) {
				b.Fatalf("copied %d rows of %d: %v", n, len(rows), err)
			}
		}
	})
}

// startPostgresCriteria serves a criteria service on the PostgreSQL
// database at pgURL (schema criteria), with the run's registry, keys and
// Redis, until b ends.
func (e *env) startPostgresCriteria(b *testing.B, pgURL string) (criteriav1.CriteriaServiceClient, operationv1.OperationServiceClient) {
	ctx, cancel := context.WithCancel(context.Background())
	regConn, err := grpcclient.Dial(e.regAddr)
	if err != nil {
		b.Fatal(err)
	}
	rc := cache.NewRedis(cache.RedisOptions{Addr: redisAddr, Prefix: e.prefix + "p5:"})
	svc, err := criteria.Open(ctx, criteria.Config{PostgresURL: pgURL, PostgresSchema: "criteria", Registry: regConn, Cache: rc,
		Logger: slog.New(slog.DiscardHandler), AuthKeys: e.keys})
	if err != nil {
		b.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = svc.Serve(ctx, lis)
	}()
	conn, err := grpcclient.Dial(lis.Addr().String(), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(batchAnswerBytes)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cancel()
		<-done
		_ = conn.Close()
		_ = svc.Close()
		_ = rc.Close()
		_ = regConn.Close()
	})
	return criteriav1.NewCriteriaServiceClient(conn), operationv1.NewOperationServiceClient(conn)
}

// countryForm is the country's assessment form (formCSV) and how many
// rows it has.
func (e *env) countryForm(b *testing.B) ([]byte, int) {
	as := e.countryAssessments(b)
	return formCSV(as), len(as)
}

// formCSV writes assessments as an assessment form in CSV, as a province
// exports it from Excel: semicolons, a column per indicator.
func formCSV(as []*criteriav1.Assessment) []byte {
	var codes []string
	seen := map[string]bool{}
	for _, a := range as {
		for _, v := range a.GetValues() {
			if !seen[v.GetIndicatorCode()] {
				seen[v.GetIndicatorCode()] = true
				codes = append(codes, v.GetIndicatorCode())
			}
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	_ = w.Write(append([]string{"unit_code", "assessed_on", "criteria_set", "author"}, codes...))
	for _, a := range as {
		row := make([]string, 4+len(codes))
		row[0], row[1], row[2], row[3] = a.GetUnitCode(), a.GetAssessedOn(), a.GetCriteriaSet(), a.GetAuthor()
		for _, v := range a.GetValues() {
			cell := strconv.FormatFloat(v.GetNumber(), 'f', -1, 64)
			if f, ok := v.GetValue().(*criteriav1.IndicatorValue_Flag); ok {
				cell = map[bool]string{true: "Đạt", false: "Không đạt"}[f.Flag]
			}
			row[4+slices.Index(codes, v.GetIndicatorCode())] = cell
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// storedAssessments reads n rows of criteria.assessments as the service
// wrote them, every column but the generated ones.
func storedAssessments(b *testing.B, conn *pgx.Conn, n int) ([]string, [][]any) {
	ctx := context.Background()
	var cols []string
	rows, err := conn.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = 'criteria' AND table_name = 'assessments' AND is_identity = 'NO' AND is_generated = 'NEVER'
		ORDER BY ordinal_position`)
	if err != nil {
		b.Fatal(err)
	}
	if cols, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(cols) == 0 {
		b.Fatalf("columns of criteria.assessments: %v %v", cols, err)
	}
	rows, err = conn.Query(ctx, fmt.Sprintf(`SELECT %s FROM criteria.assessments ORDER BY id LIMIT %d`,
		strings.Join(quoted(cols), ", "), n))
	if err != nil {
		b.Fatal(err)
	}
	values, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
	if err != nil || len(values) != n {
		b.Fatalf("%d stored assessments, want %d: %v", len(values), n, err)
	}
	return cols, values
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{n}.Sanitize()
	}
	return out
}
