package server

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
)

const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// listQuery is what a page of a list depends on: the page token carries it
// (AIP-158), so a token replayed against another query is refused instead
// of silently skipping or repeating rows, and later pages asked without
// as_of keep the first page's date.
type listQuery struct {
	List  string `json:"l"` // "producers" or "products"
	Unit  string `json:"u"`
	Group string `json:"g,omitempty"`
	// Expiring is the products' expiring_within_days; 0 when not asked.
	Expiring int    `json:"x,omitempty"`
	AsOf     string `json:"d"`
	// After is the last ID served; 0 before the first page.
	After int64 `json:"i"`
}

// readListQuery reads the as_of and the page token of a list request of
// q's list, unit and filters: as_of defaults to the token's date, then to
// today, and the token must be one of the same query.
func readListQuery(q listQuery, asOfText, token string) (listQuery, date.Date, error) {
	t, _ := readPageToken(token)
	asOf, err := request.AsOf(cmp.Or(asOfText, t.AsOf), "as_of")
	if err != nil {
		return listQuery{}, asOf, err
	}
	q.AsOf = asOf.String()
	if token == "" {
		return q, asOf, nil
	}
	after := t.After
	t.After = 0
	if t != q || after <= 0 {
		return listQuery{}, asOf, fault.Invalid("page_token", "is not a token from a previous page of this same query")
	}
	q.After = after
	return q, asOf, nil
}

// next is the token of the page after the one ending with ID last.
func (q listQuery) next(last int64) string {
	q.After = last
	b, _ := json.Marshal(q)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readPageToken decodes a token; ok is false for a malformed one.
func readPageToken(token string) (q listQuery, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &q) != nil {
		return listQuery{}, false
	}
	return q, true
}

// listUnits reads a list request (see readListQuery) and the communes and
// wards its page covers (see lineageOn).
func (s *Server) listUnits(ctx context.Context, query listQuery, asOfText, token string) (listQuery, date.Date, []string, error) {
	q, asOf, err := readListQuery(query, asOfText, token)
	if err != nil {
		return q, asOf, nil, err
	}
	units, err := s.caches.units.Get(ctx, unitsKey{Unit: q.Unit, AsOf: asOf})
	return q, asOf, units, err
}
