package server

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
)

// pageToken is opaque to clients (AIP-158). It carries the last code served and
// the query it belongs to, so a token replayed against another query is refused
// instead of silently skipping units.
type pageToken struct {
	After  string `json:"a"`
	AsOf   string `json:"d"`
	Parent string `json:"p"`
	Type   int    `json:"t"`
}

func encodePageToken(after string, q store.ListQuery) string {
	b, _ := json.Marshal(pageToken{After: after, AsOf: q.AsOf.String(), Parent: q.Parent, Type: int(q.Type)})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns the cursor of token, which must belong to q.
func decodePageToken(token string, q store.ListQuery) (string, error) {
	if token == "" {
		return "", nil
	}
	invalid := fault.Invalid("page_token", "is not a token from a previous page of this same query")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", invalid
	}
	var t pageToken
	if json.Unmarshal(b, &t) != nil || t.AsOf != q.AsOf.String() || t.Parent != q.Parent || t.Type != int(q.Type) {
		return "", invalid
	}
	return t.After, nil
}

// pageTokenDate is the as_of a page token was made for, or "" for none or a
// malformed token (decodePageToken then reports it).
func pageTokenDate(token string) string {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return ""
	}
	var t pageToken
	if json.Unmarshal(b, &t) != nil {
		return ""
	}
	return t.AsOf
}

// linkPageToken is the last link a page of ListLineageLinks served (AIP-158).
type linkPageToken struct {
	ChangeID int64  `json:"c"`
	From     string `json:"f"`
	To       string `json:"t"`
}

func encodeLinkPageToken(k store.LinkKey) string {
	b, _ := json.Marshal(linkPageToken{ChangeID: k.ChangeID, From: k.From, To: k.To})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeLinkPageToken returns the cursor of token: the start for "".
func decodeLinkPageToken(token string) (store.LinkKey, error) {
	if token == "" {
		return store.LinkKey{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	var t linkPageToken
	if err != nil || json.Unmarshal(b, &t) != nil || t.ChangeID <= 0 {
		return store.LinkKey{}, fault.Invalid("page_token", "is not a token from a previous page of lineage links")
	}
	return store.LinkKey{ChangeID: t.ChangeID, From: t.From, To: t.To}, nil
}
