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

// maxBindParams is the most parameters InsertRows binds in one statement:
// under PostgreSQL's limit of 65,535 and SQLite's of 32,766.
const maxBindParams = 32_000

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

// CopyRows inserts rows (each one value per column) into table in row
// order, as InsertRows without returning does, but on PostgreSQL by COPY
// when tx is one of InTx's: no statement of 30,000 parameters to parse,
// and values sent in binary. An import's audit entries, 40 MB for the
// country's assessments, go in about twice as fast.
func CopyRows(ctx context.Context, tx *sql.Tx, table string, columns []string, rows [][]any) error {
	conn, ok := txConns.Load(tx)
	if !ok {
		return InsertRows(ctx, tx, table, columns, rows, "", nil)
	}
	return conn.(*sql.Conn).Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: copy into %s: connection is a %T, not pgx's", table, driverConn)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		if int(n) != len(rows) {
			return fmt.Errorf("db: copied %d rows into %s of %d", n, table, len(rows))
		}
		return nil
	})
}
