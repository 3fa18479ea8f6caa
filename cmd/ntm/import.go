package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/unitimport"
	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/unitcsv"
)

// importCmd sends a unit CSV to a running registry; the registry writes all rows or none.
func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		if _, ok := fileKinds[args[0]]; ok {
			return importFileCmd(ctx, args[0], args[1:], stdout)
		}
	}
	if len(args) == 0 || args[0] != "units" {
		return errors.New(importUsage + "\n" + importFileUsage + kindNames())
	}
	fs := flag.NewFlagSet("ntm import units", flag.ContinueOnError)
	addr := fs.String("registry-addr", defaultRegistryAddr, "registry gRPC address")
	decision := fs.String("decision", "", "decision number recorded with the import (default \"import\")")
	token := tokenFlag(fs)
	dialTLS := clientTLSFlags(fs)
	file, err := parseInterspersed(fs, args[1:], importUsage)
	if err != nil {
		return err
	}
	transport, err := dialTLS()
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := unitcsv.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	conn, err := grpcclient.Dial(*addr, transport)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(withToken(ctx, cmp.Or(*token, os.Getenv(tokenEnv))), 5*time.Minute)
	defer cancel()
	resp, err := registryv1.NewRegistryServiceClient(conn).ImportUnits(ctx, unitimport.Request(rows, *decision))
	if err != nil {
		return unitimport.Describe(err, rows, file)
	}
	fmt.Fprintf(stdout, "imported %d units from %s (%d dated changes)\n", resp.GetImported(), file, len(resp.GetChanges()))
	return nil
}

const importUsage = "usage: ntm import units FILE.csv [--registry-addr ADDR] [--decision NUMBER] [--token TOKEN] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]"

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
