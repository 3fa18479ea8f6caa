package sheet

import (
	"runtime"
	"strings"
	"testing"
)

// A row's trailing empty cells are not counted against MaxCells, so they
// must not be kept either: memory follows the cells counted, not the
// separators of the file.
func TestReadKeepsNoTrailingEmptyCells(t *testing.T) {
	line := "x" + strings.Repeat(",", 999) + "\n"
	data := []byte(strings.Repeat(line, (4<<20)/len(line)))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows, err := Read(data, DefaultLimits, "")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > int64(len(data)) {
		t.Errorf("a %d-byte file of %d one-value rows holds %d bytes after reading", len(data), len(rows), grown)
	}
	runtime.KeepAlive(rows)
}
