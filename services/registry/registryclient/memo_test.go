package registryclient

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/ntmsuite/ntm/platform/date"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// countingReader answers every question with the number of questions asked
// so far, so a test can tell a remembered answer from a fresh one.
type countingReader struct {
	asked int
	fail  error
	// during runs inside the next fetch, as if concurrently with it.
	during func()
}

func (c *countingReader) next() (int, error) {
	c.asked++
	n := c.asked
	if f := c.during; f != nil {
		c.during = nil
		f()
	}
	return n, c.fail
}

func (c *countingReader) Unit(context.Context, string, date.Date) (Unit, error) {
	n, err := c.next()
	return Unit{Code: strconv.Itoa(n)}, err
}

func (c *countingReader) Communes(context.Context, string, date.Date) ([]string, error) {
	n, err := c.next()
	return []string{strconv.Itoa(n)}, err
}

func (c *countingReader) Recognitions(context.Context, string, date.Date, bool) ([]Recognition, error) {
	n, err := c.next()
	return make([]Recognition, n), err
}

func (c *countingReader) CountUnits(context.Context, string, date.Date) (map[registryv1.UnitType]int, error) {
	n, err := c.next()
	return map[registryv1.UnitType]int{registryv1.UnitType_COMMUNE: n}, err
}

func TestMemoAsksOncePerGeneration(t *testing.T) {
	ctx := t.Context()
	src := &countingReader{}
	m := NewMemo(src)
	d := date.MustParse("2020-06-30")
	communes := func(gen int64, parent string, on date.Date) string {
		t.Helper()
		c, err := m.At(gen).Communes(ctx, parent, on)
		if err != nil {
			t.Fatal(err)
		}
		return c[0]
	}
	if a, b := communes(1, "19", d), communes(1, "19", d); a != "1" || b != "1" {
		t.Fatalf("the same question twice in one generation = %s, %s; want one answer, 1", a, b)
	}
	if got := communes(1, "19", d.AddDays(1)); got != "2" {
		t.Errorf("another date = %s, want a fresh 2", got)
	}
	if got := communes(1, "20", d); got != "3" {
		t.Errorf("another unit = %s, want a fresh 3", got)
	}
	if n, err := m.At(1).CountUnits(ctx, "19", d); err != nil || n[registryv1.UnitType_COMMUNE] != 4 {
		t.Errorf("another question on the same unit and date = %v, %v; want a fresh 4", n, err)
	}
	if got := communes(2, "19", d); got != "5" {
		t.Errorf("after a registry write = %s, want a fresh 5", got)
	}
	// Redis may lose its keys and count from 0 again: any other generation starts over.
	if got := communes(0, "19", d); got != "6" {
		t.Errorf("after the generation went back = %s, want a fresh 6", got)
	}

	src.fail = errors.New("registry down")
	if _, err := m.At(3).Unit(ctx, "19", d); err == nil {
		t.Fatal("an error was not passed on")
	}
	src.fail = nil
	if u, err := m.At(3).Unit(ctx, "19", d); err != nil || u.Code != "8" {
		t.Errorf("after an error = %v, %v; want a fresh 8: errors are not remembered", u, err)
	}

	// An answer fetched while a newer generation took over may predate its
	// write: it is returned to the asker but not kept for the newer one.
	src.during = func() { communes(5, "x", d) }
	if got := communes(4, "19", d); got != "9" {
		t.Fatalf("got %s, want 9", got)
	}
	if got := communes(5, "19", d); got != "11" {
		t.Errorf("generation 5 reused an answer fetched under 4: %s", got)
	}
}
