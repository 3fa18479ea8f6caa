package request

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ntmsuite/ntm/platform/fault"
)

// pageToken is what a list's page token carries (AIP-158): the query the
// page belongs to and the last id served, so a token replayed against
// another query is refused instead of silently skipping or repeating rows.
type pageToken[Q any] struct {
	Query Q     `json:"q"`
	After int64 `json:"i"`
}

// NextPageToken is the token of the page of query q after the one whose
// last row has id last.
func NextPageToken[Q any](q Q, last int64) string {
	b, _ := json.Marshal(pageToken[Q]{Query: q, After: last})
	return base64.RawURLEncoding.EncodeToString(b)
}

// PageTokenQuery is the query a token was made for (ok false for a
// malformed one): a later page asked without as_of keeps the first page's.
func PageTokenQuery[Q any](token string) (q Q, ok bool) {
	t, ok := decodePageToken[Q](token)
	return t.Query, ok
}

// PageAfter is the last id served before the page token asks for: 0 for
// no token, fault.Invalid naming page_token for a token of another query.
func PageAfter[Q comparable](token string, q Q) (int64, error) {
	if token == "" {
		return 0, nil
	}
	t, ok := decodePageToken[Q](token)
	if !ok || t.Query != q || t.After <= 0 {
		return 0, fault.Invalid("page_token", "is not a token from a previous page of this same query")
	}
	return t.After, nil
}

func decodePageToken[Q any](token string) (pageToken[Q], bool) {
	var t pageToken[Q]
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &t) != nil {
		return pageToken[Q]{}, false
	}
	return t, true
}
