package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
)

// QueryList runs query with args bound to $1..$len(args) and the strings of
// in bound as one parameter after them, a JSON array that the engine
// expands where the query says {list} (after IN: "unit_code IN {list}").
// However long in is (a country's 10,000 communes), it is one statement of
// len(args)+1 parameters, where QueryIn takes one statement of 500 bound
// values per chunk: SQLite parses and binds each of those anew. Repeats in
// in count once, as IN does; an empty in matches nothing.
func (d *DB) QueryList(ctx context.Context, query string, in []string, args ...any) (*sql.Rows, error) {
	if in == nil {
		in = []string{} // "[]", not "null"
	}
	list, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	param := "$" + strconv.Itoa(len(args)+1)
	expand := "(SELECT value FROM json_each(" + param + "))"
	if d.Dialect == Postgres {
		expand = "(SELECT json_array_elements_text(" + param + "::json))"
	}
	return d.QueryContext(ctx, strings.Replace(query, "{list}", expand, 1), append(args, string(list))...)
}
