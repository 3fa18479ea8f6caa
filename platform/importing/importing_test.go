package importing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/importing"
	"github.com/ntmsuite/ntm/platform/sheet"
)

var cols = []sheet.Column{{Key: "unit_code", Title: "Mã đơn vị"}, {Key: "name", Title: "Tên"}, {Key: "amount", Title: "Số tiền"}}

func rows(lines ...[]string) []sheet.Row {
	out := make([]sheet.Row, len(lines))
	for i, l := range lines {
		out[i] = sheet.Row{Sheet: "Kế hoạch", Number: i + 1, Cells: l}
	}
	return out
}

func TestReadRows(t *testing.T) {
	got, fileConflicts, err := importing.ReadRows(rows(
		[]string{"Mã đơn vị", "Tên", "Số tiền", ""},
		[]string{"unit_code", "name", "amount", "other"},
		[]string{"06002", "", "1.000", ""},
		[]string{"", "", "", ""},
		[]string{"06003", "Xã B", "", "x"},
	), cols, "unit_code")
	if err != nil {
		t.Fatal(err)
	}
	wantConflicts := []importing.Conflict{{Sheet: "Kế hoạch", Row: 2, Column: "D2", Value: "other", Message: "unknown column: not a column of this form (the template's row 2 lists them)"}}
	if d := cmp.Diff(wantConflicts, fileConflicts); d != "" {
		t.Errorf("file conflicts (-want +got):\n%s", d)
	}
	want := []importing.Row{
		{Sheet: "Kế hoạch", Number: 3, Keys: []string{"unit_code", "amount"}, Cells: map[string]string{"unit_code": "06002", "amount": "1.000"}},
		{Sheet: "Kế hoạch", Number: 5, Keys: []string{"unit_code", "name"}, Cells: map[string]string{"unit_code": "06003", "name": "Xã B"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	// A column named by its title only, right of the last key, is read.
	got, _, err = importing.ReadRows(rows([]string{"Mã đơn vị", "Số tiền"}, []string{"unit_code"}, []string{"06002", "5"}), cols)
	if err != nil || len(got) != 1 || got[0].Cells["amount"] != "5" {
		t.Errorf("a title beyond the key row: %v %v", got, err)
	}
	// Without its required column a file has no rows, only the conflict.
	got, fileConflicts, err = importing.ReadRows(rows([]string{"name", "amount"}, []string{"Xã A", "1"}), cols, "unit_code")
	if err != nil || got != nil || len(fileConflicts) != 1 || fileConflicts[0].Column != "unit_code" {
		t.Errorf("a file without unit_code: %v %v %v", got, fileConflicts, err)
	}
}

// ReadEach drafts rows on every core: the drafts still come in the file's
// order, one per row, however the rows split between the cores.
func TestReadEachKeepsTheFileOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 1001} {
		lines := [][]string{{"unit_code", "amount"}}
		for i := range n {
			lines = append(lines, []string{fmt.Sprint(10000 + i), fmt.Sprint(i)})
		}
		drafts, _, err := importing.ReadEach(rows(lines...), cols, func(r importing.Row) string { return r.Cells["unit_code"] }, "unit_code")
		if err != nil || len(drafts) != n {
			t.Fatalf("%d rows: %d drafts, %v", n, len(drafts), err)
		}
		for i, d := range drafts {
			if d != fmt.Sprint(10000+i) {
				t.Fatalf("%d rows: draft %d is of unit %s, want %d", n, i, d, 10000+i)
			}
		}
	}
}

func TestConclude(t *testing.T) {
	clean := &importing.Row{Number: 2}
	bad := &importing.Row{Number: 3, Cells: map[string]string{"amount": "abc"}}
	bad.Add("amount", "not a number", "amount")
	would := importing.Counts{Created: 1, Updated: 2, Skipped: 3}
	for _, tc := range []struct {
		name        string
		rows        []*importing.Row
		opts        importing.Options
		wantWritten bool
		wantErr     bool
		want        importing.Counts
	}{
		{"dry run", []*importing.Row{clean, bad}, importing.Options{DryRun: true, Atomic: true}, false, false, would},
		{"atomic with a conflict", []*importing.Row{clean, bad}, importing.Options{Atomic: true}, false, true, importing.Counts{}},
		{"per row with a conflict", []*importing.Row{clean, bad}, importing.Options{}, true, false, would},
		{"atomic and clean", []*importing.Row{clean}, importing.Options{Atomic: true}, true, false, would},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sum importing.Summary
			wrote := false
			err := importing.Conclude(&sum, tc.rows, would, tc.opts, func() error { wrote = true; return nil })
			if (err != nil) != tc.wantErr || wrote != tc.wantWritten || sum.Written != tc.wantWritten {
				t.Fatalf("err %v, wrote %v, summary %+v", err, wrote, sum)
			}
			if got := (importing.Counts{Created: sum.Created, Updated: sum.Updated, Skipped: sum.Skipped}); got != tc.want {
				t.Errorf("counts %+v, want %+v", got, tc.want)
			}
			if sum.Rows != len(tc.rows) || sum.Rejected != len(tc.rows)-1 || sum.ConflictsTotal != sum.Rejected {
				t.Errorf("summary %+v", sum)
			}
		})
	}
	var sum importing.Summary
	failure := errors.New("database down")
	if err := importing.Conclude(&sum, []*importing.Row{clean}, would, importing.Options{Atomic: true}, func() error { return failure }); !errors.Is(err, failure) || sum.Written {
		t.Errorf("a failed write: %v, %+v", err, sum)
	}
}

func TestRefuseOutOfScope(t *testing.T) {
	mine := &importing.Row{Number: 2, Cells: map[string]string{"unit_code": "100"}}
	theirs := &importing.Row{Number: 3, Cells: map[string]string{"unit_code": "101"}}
	asked := 0
	allowed := func(_ context.Context, unit string) error {
		asked++
		if unit != "100" {
			return fault.PermissionDenied("unit", "units/"+unit, "not yours")
		}
		return nil
	}
	again := &importing.Row{Number: 4, Cells: map[string]string{"unit_code": "101"}}
	if err := importing.RefuseOutOfScope(context.Background(), []*importing.Row{mine, theirs, again}, "unit_code", allowed); err != nil {
		t.Fatal(err)
	}
	if len(mine.Conflicts) != 0 || len(theirs.Conflicts) != 1 || theirs.Conflicts[0].Value != "101" || len(again.Conflicts) != 1 || asked != 2 {
		t.Errorf("conflicts %v %v %v, asked %d", mine.Conflicts, theirs.Conflicts, again.Conflicts, asked)
	}
	down := errors.New("registry down")
	if err := importing.RefuseOutOfScope(context.Background(), []*importing.Row{mine}, "unit_code", func(context.Context, string) error { return down }); !errors.Is(err, down) {
		t.Errorf("a failing check: %v", err)
	}
}

// A conflict keeps a bounded part of a huge cell, cut between letters, so
// that the summary of a file of such cells stays readable.
func TestSummaryClipsConflictText(t *testing.T) {
	var s importing.Summary
	huge := strings.Repeat("ạ", 1<<20)
	s.Add(importing.Conflict{Row: 2, Column: "name", Value: huge, Message: "name " + huge + " is too long"})
	c := s.Conflicts[0]
	for _, text := range []string{c.Value, c.Message} {
		if len(text) > importing.MaxConflictText || !utf8.ValidString(text) || !strings.HasSuffix(text, "…") {
			t.Errorf("clipped to %d bytes (valid UTF-8 %v), want at most %d ending in …", len(text), utf8.ValidString(text), importing.MaxConflictText)
		}
	}
	s.Add(importing.Conflict{Row: 3, Value: "06002", Message: "short"})
	if c := s.Conflicts[1]; c.Value != "06002" || c.Message != "short" {
		t.Errorf("short conflict changed: %+v", c)
	}
}

// A panic while drafting a row, on one of ReadEach's goroutines, goes on
// on the caller's, where the server's recovery turns it into an error.
func TestReadEachPanicsOnTheCallersGoroutine(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "row 7") {
			t.Errorf("recovered %v, want the draft's panic", p)
		}
	}()
	lines := [][]string{{"unit_code"}}
	for i := range 10 {
		lines = append(lines, []string{fmt.Sprint(100 + i)})
	}
	_, _, _ = importing.ReadEach(rows(lines...), cols, func(r importing.Row) string {
		if r.Number == 7 {
			panic("row 7")
		}
		return ""
	}, "unit_code")
	t.Error("ReadEach returned")
}
