package db

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// InChunk is the most values (unit codes, ids) a store binds in one
// statement's list: far under both dialects' parameter limits, and a whole
// country's communes still take only a few round trips.
const InChunk = 500

// Queryer is what reads need: the pool, or a transaction.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Chunks returns the distinct values of vs, in their first order, in chunks
// of at most size. Repeats are dropped so that results added up over the
// chunks count each value once, however often a caller passes it.
func Chunks[T comparable](vs []T, size int) [][]T {
	if size <= 0 {
		// A chunk of nothing would loop for ever: a caller bug.
		panic(fmt.Sprintf("db: chunk size %d must be positive", size))
	}
	seen := make(map[T]bool, len(vs))
	unique := make([]T, 0, len(vs))
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			unique = append(unique, v)
		}
	}
	var out [][]T
	for start := 0; start < len(unique); start += size {
		out = append(out, unique[start:min(start+size, len(unique))])
	}
	return out
}

// QueryIn runs query with args bound to $1..$len(args) and in bound after
// them, written where the query says {in} (inside an IN list). in must not
// be empty: "IN ()" is a syntax error in both dialects.
func QueryIn[T any](ctx context.Context, q Queryer, query string, in []T, args ...any) (*sql.Rows, error) {
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

// ListIn pages through the rows of every chunk of in (see Chunks, InChunk)
// by id: each chunk gives its first limit rows after the cursor, and the
// first limit of their union are the page's. The query binds after to $1,
// limit to $2, args from $3, and says {in} where the chunk goes (see
// QueryIn); it must select rows with id > $1 ORDER BY id LIMIT $2, each row
// in one chunk only, or the merged page would repeat or skip rows. No values
// give no rows.
func ListIn[T any, V comparable](ctx context.Context, q Queryer, query string, scan func(Scanner) (T, error), id func(T) int64,
	in []V, after int64, limit int, args ...any) ([]T, error) {
	if limit <= 0 {
		// SQLite reads a negative LIMIT as none and PostgreSQL rejects it, and
		// 0 gives a page that never advances: a caller bug either way. The
		// callers are stores, so the message speaks as one.
		return nil, fmt.Errorf("store: list limit %d must be positive", limit)
	}
	var out []T
	for _, vs := range Chunks(in, InChunk) {
		rows, err := QueryIn(ctx, q, query, vs, append([]any{after, limit}, args...)...)
		page, err := ScanAll(rows, err, scan)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out[:min(limit, len(out))], nil
}
