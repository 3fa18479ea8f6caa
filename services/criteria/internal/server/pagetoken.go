package server

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// pageToken is opaque to clients (AIP-158). It carries the position of the
// last assessment served and the query it belongs to, so a token replayed
// against another query is refused instead of silently skipping rows.
type pageToken struct {
	On   string `json:"o"`
	ID   int64  `json:"i"`
	AsOf string `json:"d"`
	Unit string `json:"u"`
}

func encodePageToken(c store.Cursor, q store.ListQuery) string {
	b, _ := json.Marshal(pageToken{On: c.AssessedOn.String(), ID: c.ID, AsOf: q.AsOf.String(), Unit: q.UnitCode})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns the cursor of token, which must belong to q; nil for the first page.
func decodePageToken(token string, q store.ListQuery) (*store.Cursor, error) {
	if token == "" {
		return nil, nil
	}
	invalid := fault.Invalid("page_token", "is not a token from a previous page of this same query")
	t, ok := readPageToken(token)
	if !ok || t.AsOf != q.AsOf.String() || t.Unit != q.UnitCode {
		return nil, invalid
	}
	on, err := date.Parse(t.On)
	if err != nil {
		return nil, invalid
	}
	return &store.Cursor{AssessedOn: on, ID: t.ID}, nil
}

// pageTokenDate is the as_of a page token was made for, so that later pages
// asked without as_of keep the first page's date; "" for none or a malformed
// token (decodePageToken then reports it).
func pageTokenDate(token string) string {
	t, _ := readPageToken(token)
	return t.AsOf
}

func readPageToken(token string) (pageToken, bool) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &t) != nil {
		return pageToken{}, false
	}
	return t, true
}
