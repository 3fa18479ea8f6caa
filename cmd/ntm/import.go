package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"github.com/ntmsuite/ntm/platform/config"
)

// importCmd imports a file of one of fileKinds (`ntm import units
// FILE.csv`, `ntm import assessments FILE.xlsx`) through the service's
// file import.
func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		if _, ok := fileKinds[args[0]]; ok {
			return importFileCmd(ctx, args[0], args[1:], stdout)
		}
	}
	return errors.New(importFileUsage + kindNames())
}

// parseInterspersed parses flags before and after the one positional
// argument (`ntm import units FILE.csv --registry-addr …`, `ntm report 19
// --period 2020`, as people type them); usageText is the error otherwise.
func parseInterspersed(fs *flag.FlagSet, args []string, usageText string) (string, error) {
	usage := errors.New(usageText)
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", usage
	}
	arg, rest := fs.Arg(0), fs.Args()[1:]
	if err := config.Parse(fs, rest, "NTM_"); err != nil {
		return "", err
	}
	if fs.NArg() != 0 {
		return "", usage
	}
	return arg, nil
}
