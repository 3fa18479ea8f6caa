package request

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
)

type query struct {
	Unit string `json:"u"`
	Year int    `json:"y"`
}

func TestPageTokens(t *testing.T) {
	q := query{Unit: "19", Year: 2024}
	token := NextPageToken(q, 42)
	if after, err := PageAfter(token, q); err != nil || after != 42 {
		t.Errorf("PageAfter = %d, %v; want 42", after, err)
	}
	if got, ok := PageTokenQuery[query](token); !ok || got != q {
		t.Errorf("PageTokenQuery = %+v, %v", got, ok)
	}
	if after, err := PageAfter("", q); err != nil || after != 0 {
		t.Errorf("no token: %d, %v", after, err)
	}
	for name, bad := range map[string]string{
		"other query": NextPageToken(query{Unit: "19", Year: 2025}, 42),
		"malformed":   "%%%",
		"no position": NextPageToken(q, 0),
	} {
		_, err := PageAfter(bad, q)
		if f, ok := fault.As(err); !ok || f.Violations[0].Field != "page_token" {
			t.Errorf("%s: error = %v, want one naming page_token", name, err)
		}
	}
}
