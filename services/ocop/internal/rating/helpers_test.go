package rating

import (
	iofs "io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/services/ocop/catalogs"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
)

var d = date.MustParse

func load(t testing.TB, extra ...fstest.MapFS) *catalog.Catalog {
	t.Helper()
	fsys := []iofs.FS{catalogs.FS}
	for _, e := range extra {
		fsys = append(fsys, e)
	}
	c, err := catalog.Load(fsys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func set(t testing.TB, c *catalog.Catalog, code string) *catalog.Set {
	t.Helper()
	s, ok := c.Set(code)
	if !ok {
		t.Fatalf("no set %s", code)
	}
	return s
}

// fill gives the lines of s, in sheet order, their maximum until total is
// reached: a sheet adding up to total.
func fill(s *catalog.Set, total float64) []LineScore {
	var out []LineScore
	for _, l := range s.Lines {
		if total <= 0 {
			break
		}
		p := min(l.MaxPoints, total)
		out = append(out, LineScore{Code: l.Code, Points: p})
		total -= p
	}
	return out
}

type violation struct {
	field string
	desc  string // a substring of the description
}

// wantInvalid checks that err is a fault.Invalid with exactly the violations want.
func wantInvalid(t *testing.T, err error, want ...violation) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid {
		t.Fatalf("error %v is not a fault.Invalid", err)
	}
	if len(f.Violations) != len(want) {
		t.Fatalf("violations %+v, want %+v", f.Violations, want)
	}
	for i, w := range want {
		v := f.Violations[i]
		if v.Field != w.field || !strings.Contains(v.Description, w.desc) {
			t.Errorf("violation %d = %s: %q; want %s: ...%q...", i, v.Field, v.Description, w.field, w.desc)
		}
	}
}
