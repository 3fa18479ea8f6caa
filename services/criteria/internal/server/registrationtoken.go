package server

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
)

// registrationsQuery is what a page of ListRegistrations belongs to.
type registrationsQuery struct {
	Parent string `json:"p"`
	Year   int    `json:"y"`
	AsOf   string `json:"d"`
}

// registrationsToken is a page token of ListRegistrations (AIP-158): the
// query and the last registration served. The list is by unit code, then
// id, so the position needs both: an id alone does not say where a unit's
// run ends.
type registrationsToken struct {
	Query registrationsQuery `json:"q"`
	Unit  string             `json:"u"`
	ID    int64              `json:"i"`
}

func (t registrationsToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readRegistrationsToken decodes token; ok is false for a malformed one.
func readRegistrationsToken(token string) (t registrationsToken, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &t) != nil {
		return registrationsToken{}, false
	}
	return t, true
}

// registrationsAfter is the position token asks to continue from: nil for
// the first page, fault.Invalid naming page_token for a token of another query.
func registrationsAfter(token string, q registrationsQuery) (*store.RegistrationCursor, error) {
	if token == "" {
		return nil, nil
	}
	t, ok := readRegistrationsToken(token)
	if !ok || t.Query != q || t.Unit == "" || t.ID <= 0 {
		return nil, fault.Invalid("page_token", "is not a token from a previous page of this same query")
	}
	return &store.RegistrationCursor{UnitCode: t.Unit, ID: t.ID}, nil
}
