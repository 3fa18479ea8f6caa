// Command benchtable prints the table of issue 16 (the suite against its
// bare baselines, each target met or not) from the output of
// `go test -bench`, the medians of its runs:
//
//	benchtable .bin/bench/bench.txt
package main

import (
	"fmt"
	"os"

	"github.com/ntmsuite/ntm/bench/table"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable FILE (the output of go test -bench)")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := table.Parse(f)
	if err != nil {
		return err
	}
	return table.Write(os.Stdout, res, table.Rows)
}
