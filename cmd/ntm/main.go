// Command ntm is the all-in-one NTM Suite program for a single machine:
//
//	ntm up [--demo] [--data-dir ./data] [--postgres-url URL]   run every service and the REST gateway
//	ntm import units FILE.csv [--registry-addr ADDR]           load units into a running registry
//	ntm import KIND FILE.xlsx [--dry-run]                      import a filled form (assessments, plans…)
//	ntm template KIND [--unit CODE] [-o FILE.xlsx]             write the form of a kind to fill
//	ntm generate country [--communes N] [--seed N]             load a synthetic country into a running suite
//	ntm report UNIT --period 2020 [--as-of D] [--xlsx FILE]      print a unit's report, write its workbook
//	ntm token create --role ROLE [--unit CODE] [--ttl 24h]       issue a signed bearer token
//
// `ntm up` keeps the production code path: each service listens on its own
// localhost gRPC port and the gateway dials them, exactly as separate
// processes would.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ntmsuite/ntm/platform/config"
)

const usage = `usage:
  ntm up [--demo] [--data-dir DIR] [--postgres-url URL] [--http-addr ADDR]
  ntm import units FILE.csv [--registry-addr ADDR] [--decision NUMBER]
  ntm import KIND FILE.xlsx|FILE.csv [--dry-run] [--atomic=false] [--request-id ID] [--addr ADDR]   (KIND: assessments, registrations, targets, plans, disbursements, producers, products, evaluations)
  ntm template KIND [--unit CODE] [--as-of YYYY-MM-DD] [-o FILE.xlsx] [--addr ADDR]
  ntm generate country [--communes N] [--registry-addr ADDR] [--criteria-addr ADDR] [--seed N] [--batch N]
  ntm report UNIT --period 2020|2020-H1|2016-2020 [--as-of YYYY-MM-DD] [--xlsx FILE] [--report-addr ADDR] [--token TOKEN]
  ntm token create --role ROLE [--unit CODE] [--ttl 24h] [--keys-file FILE] | ntm token keygen [--alg EdDSA|HS256]
Run "ntm up -h", "ntm import units -h", "ntm generate country -h" or "ntm token create -h" to see every flag`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts, err := config.LogOptions()
	logger := slog.New(slog.NewTextHandler(os.Stderr, opts))
	if err == nil {
		err = run(ctx, os.Args[1:], os.Stdout, logger)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ntm:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "up":
		return up(ctx, args[1:], stdout, logger)
	case "import":
		return importCmd(ctx, args[1:], stdout)
	case "template":
		return templateCmd(args[1:], stdout)
	case "generate":
		return generateCmd(ctx, args[1:], stdout)
	case "report":
		return reportCmd(ctx, args[1:], stdout)
	case "token":
		return tokenCmd(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
