package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// inChunk is the most values (unit codes, plan ids) bound in one statement:
// far under both dialects' parameter limits, and a whole country's communes
// still take only a few round trips.
const inChunk = 500

// chunks returns the distinct values of vs, in chunks of at most inChunk.
// Results add up over the chunks because a repeated value is bound once and
// every plan is in one unit.
func chunks[T comparable](vs []T) [][]T {
	seen := make(map[T]bool, len(vs))
	unique := make([]T, 0, len(vs))
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			unique = append(unique, v)
		}
	}
	var out [][]T
	for start := 0; start < len(unique); start += inChunk {
		out = append(out, unique[start:min(start+inChunk, len(unique))])
	}
	return out
}

// queryer is what reads need: the pool, or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryIn runs query with args bound to $1..$len(args) and in bound after
// them, written where the query says {in} (inside an IN list).
func queryIn[T any](ctx context.Context, q queryer, query string, in []T, args ...any) (*sql.Rows, error) {
	all := make([]any, 0, len(args)+len(in))
	all = append(all, args...)
	var list strings.Builder
	for i, v := range in {
		if i > 0 {
			list.WriteString(", ")
		}
		all = append(all, v)
		list.WriteString("$" + strconv.Itoa(len(all)))
	}
	return q.QueryContext(ctx, strings.Replace(query, "{in}", list.String(), 1), all...)
}

// eachRow calls scan for each row of rows, then closes them.
func eachRow(rows *sql.Rows, scan func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// The bounds a zero date stands for: the filters' zero values leave a side
// open, as Year 0 and Source "" select everything. Parse accepts no date
// outside these years, so they bound every stored date, and binding them
// keeps one SQL text for open and closed ranges.
var (
	earliest = date.Of(date.MinYear, time.January, 1)
	latest   = date.Of(date.MaxYear, time.December, 31)
)

// upTo is d as an inclusive upper bound: latest when zero.
func upTo(d date.Date) date.Date {
	if d.IsZero() {
		return latest
	}
	return d
}

// since is d as an inclusive lower bound: earliest when zero.
func since(d date.Date) date.Date {
	if d.IsZero() {
		return earliest
	}
	return d
}

// listIn pages through the rows of every chunk of in by id: each chunk gives
// its first limit rows after the cursor, and the first limit of their union
// are the page's. The query binds after to $1, limit to $2, args from $3.
func listIn[T any, V comparable](ctx context.Context, s *Store, query string, scan func(db.Scanner) (T, error), id func(T) int64,
	in []V, after int64, limit int, args ...any) ([]T, error) {
	if limit <= 0 {
		// SQLite reads a negative LIMIT as none and PostgreSQL rejects it, and
		// 0 gives a page that never advances: a caller bug either way.
		return nil, fmt.Errorf("store: list limit %d must be positive", limit)
	}
	var out []T
	for _, vs := range chunks(in) {
		rows, err := queryIn(ctx, s.db, query, vs, append([]any{after, limit}, args...)...)
		page, err := db.ScanAll(rows, err, scan)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out[:min(limit, len(out))], nil
}

// PlanFilter selects plans for ListPlans. Zero values leave a criterion
// open, except Units (no units, no plans) and Limit (which must be positive).
type PlanFilter struct {
	// Units are the unit codes whose plans are listed: the communes under a
	// province as the registry has them on AsOf. There may be 10,000 and
	// more; they are queried 500 at a time, repeats counted once.
	Units   []string
	Year    int    // 0 = every year
	Source  string // "" = every source
	Purpose string // "" = every purpose
	// AsOf leaves out plans allocated after it, so a past date's list never
	// changes (zero = every date).
	AsOf    date.Date
	AfterID int64 // pagination: ids greater than this (0 for the first page)
	Limit   int   // at most this many, smallest ids first
}

// ListPlans lists the plans f selects, by ID.
func (s *Store) ListPlans(ctx context.Context, f PlanFilter) ([]Plan, error) {
	ps, err := listIn(ctx, s, `SELECT `+planColumns+` FROM plans
		WHERE id > $1 AND allocated_on <= $3 AND ($4 = 0 OR year = $4) AND ($5 = '' OR source = $5) AND ($6 = '' OR purpose = $6)
			AND unit_code IN ({in})
		ORDER BY id LIMIT $2`, scanPlan, func(p Plan) int64 { return p.ID },
		f.Units, f.AfterID, f.Limit, upTo(f.AsOf), f.Year, f.Source, f.Purpose)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return ps, nil
}

// DisbursementFilter selects disbursements for ListDisbursements.
type DisbursementFilter struct {
	PlanID int64    // when > 0, only this plan's disbursements (Units ignored)
	Units  []string // else the disbursements of plans of these units (chunked)
	// From and To bound disbursed_on, both inclusive; a zero date leaves
	// its side open.
	From, To date.Date
	AfterID  int64 // pagination: ids greater than this (0 for the first page)
	Limit    int   // at most this many, smallest ids first
}

// ListDisbursements lists the disbursements f selects, by ID, each with its
// plan's unit.
func (s *Store) ListDisbursements(ctx context.Context, f DisbursementFilter) ([]Disbursement, error) {
	query := func(in string) string {
		return `SELECT ` + disbursementColumns + disbursementsFrom + `
			WHERE d.id > $1 AND d.disbursed_on >= $3 AND d.disbursed_on <= $4 AND ` + in + `
			ORDER BY d.id LIMIT $2`
	}
	id := func(d Disbursement) int64 { return d.ID }
	var ds []Disbursement
	var err error
	if f.PlanID > 0 {
		ds, err = listIn(ctx, s, query(`d.plan_id IN ({in})`), scanDisbursement, id,
			[]int64{f.PlanID}, f.AfterID, f.Limit, since(f.From), upTo(f.To))
	} else {
		ds, err = listIn(ctx, s, query(`p.unit_code IN ({in})`), scanDisbursement, id,
			f.Units, f.AfterID, f.Limit, since(f.From), upTo(f.To))
	}
	if err != nil {
		return nil, fmt.Errorf("list disbursements: %w", err)
	}
	return ds, nil
}
