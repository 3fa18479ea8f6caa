package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// maxBindParams is the most parameters InsertRows binds in one statement.
// SQLite's driver binds each parameter by looking up its name, at a cost
// that grows with the statement: 4,000 rows of two columns took 9 ms in
// statements of 100 parameters, 29 ms of 1,000 and 188 ms of 32,000. On
// PostgreSQL, statements of 250 parameters are still a round trip per 20
// to 25 rows, not per row.
const maxBindParams = 250

// InsertRows inserts rows (each one value per column) into table with as
// few statements as the engines allow, in row order: an import of 10,000
// assessments is a few statements instead of 10,000 round trips. With
// returning (e.g. "id"), each returned row is passed to scan, in whatever
// order the engine returns them.
func InsertRows(ctx context.Context, tx *sql.Tx, table string, columns []string, rows [][]any, returning string, scan func(Scanner) error) error {
	per := max(1, maxBindParams/len(columns))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		query, args := insertStatement(table, columns, chunk, returning)
		if returning == "" {
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				return err
			}
			continue
		}
		res, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		for res.Next() {
			if err := scan(res); err != nil {
				res.Close()
				return err
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	return nil
}

// insertStatement is one multi-row INSERT of rows with numbered parameters.
func insertStatement(table string, columns []string, rows [][]any, returning string) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, len(rows)*len(columns))
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, v := range r {
			if j > 0 {
				b.WriteString(", ")
			}
			args = append(args, v)
			b.WriteString("$" + strconv.Itoa(len(args)))
		}
		b.WriteByte(')')
	}
	if returning != "" {
		b.WriteString(" RETURNING " + returning)
	}
	return b.String(), args
}

// CopyRows inserts n rows into table in row order, row(i) giving row i's
// values (one per column), as InsertRows without returning does, but on
// PostgreSQL by COPY when tx is one of InTx's: no statement of 30,000
// parameters to parse, values sent in binary, and each row made while the
// database takes in those before it, so that encoding a large import
// overlaps its writing. row's error aborts the copy and is returned.
func CopyRows(ctx context.Context, tx *sql.Tx, table string, columns []string, n int, row func(i int) ([]any, error)) error {
	i := 0
	copied, err := copyEach(ctx, tx, table, columns, min(n, copyAhead), func() ([]any, bool, error) {
		if i == n {
			return nil, false, nil
		}
		i++
		r, err := row(i - 1)
		return r, err == nil, err
	})
	if err == nil && copied != n {
		return fmt.Errorf("db: copied %d rows into %s of %d", copied, table, n)
	}
	return err
}

// CopyEach is CopyRows for rows that are made as they are taken: next
// returns each row's values and true, then false once there are no more.
// On PostgreSQL next runs on a goroutine of its own, up to 256 rows ahead
// of the database taking in the rows before (readAhead), so an import
// checks and encodes rows as the ones before are written; CopyEach
// returns once next is no longer running. It returns how many rows were
// inserted; next's error aborts the copy and is returned as it is.
func CopyEach(ctx context.Context, tx *sql.Tx, table string, columns []string, next func() ([]any, bool, error)) (int, error) {
	return copyEach(ctx, tx, table, columns, copyAhead, next)
}

// copyEach is CopyEach with next running up to ahead rows ahead.
func copyEach(ctx context.Context, tx *sql.Tx, table string, columns []string, ahead int, next func() ([]any, bool, error)) (int, error) {
	conn, ok := txConns.Load(tx)
	if !ok {
		var rows [][]any
		for {
			r, more, err := next()
			if err != nil {
				return 0, err
			}
			if !more {
				break
			}
			rows = append(rows, r)
		}
		return len(rows), InsertRows(ctx, tx, table, columns, rows, "", nil)
	}
	take, stop := readAhead(max(ahead, 1), next)
	defer stop()
	var copied int64
	err := conn.(*sql.Conn).Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: copy into %s: connection is a %T, not pgx's", table, driverConn)
		}
		var rowErr error
		var err error
		copied, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
			r, more, err := take()
			if err != nil {
				rowErr = err
				return nil, err
			}
			if !more {
				return nil, nil // the end
			}
			return r, nil
		}))
		if rowErr != nil {
			return rowErr // as it is, not as the database's report of the aborted copy
		}
		return err
	})
	return int(copied), err
}
