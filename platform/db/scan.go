package db

import (
	"database/sql"
	"fmt"
	"time"
)

// Timestamp scans a created_at column of either dialect: TIMESTAMPTZ on
// PostgreSQL, RFC 3339 text on SQLite. T is in UTC.
type Timestamp struct{ T time.Time }

func (ts *Timestamp) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		ts.T = v.UTC()
		return nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		ts.T = t.UTC()
		return err
	case []byte:
		return ts.Scan(string(v))
	}
	return fmt.Errorf("cannot scan %T as a timestamp", src)
}

// Scanner is a row to scan: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// ScanAll reads every row of a query with scan, closing the rows; it takes
// the query's error too so that callers can pass a QueryContext call as is.
func ScanAll[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// EachRow calls fn for each row of a query, then closes the rows; like
// ScanAll it takes the query's error too, for callers that fold rows into
// totals rather than collect them.
func EachRow(rows *sql.Rows, err error, fn func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
