package server

import (
	"encoding/base64"
	"strconv"

	"github.com/ntmsuite/ntm/platform/fault"
)

const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// encodeAfter is an opaque page token holding the last ID served (AIP-158).
func encodeAfter(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// decodeAfter reads a page token; "" is the first page (0).
func decodeAfter(token string) (int64, error) {
	if token == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		if id, err := strconv.ParseInt(string(b), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, fault.Invalid("page_token", "is not a token from a previous page")
}
