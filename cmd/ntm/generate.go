package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/grpcclient"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/criteria/synthetic"
)

const generateUsage = "usage: ntm generate country [--communes N] [--registry-addr ADDR] [--criteria-addr ADDR] [--seed N] [--batch N] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]"

// maxBatch is the most assessments one BatchCreateAssessments request takes.
const maxBatch = 20_000

// generateCmd loads a made-up country (services/criteria/synthetic) into a
// running suite through its gRPC APIs, as any client would: the units in one
// import, then one assessment of every commune in batches.
func generateCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "country" {
		return errors.New(generateUsage)
	}
	fs := flag.NewFlagSet("ntm generate country", flag.ContinueOnError)
	var o synthetic.Options
	fs.IntVar(&o.Communes, "communes", 10_000, "number of communes")
	fs.IntVar(&o.Provinces, "provinces", 0, fmt.Sprintf("number of provinces, codes 801 on (0 = %d, or fewer for few communes)", synthetic.DefaultProvinces))
	fs.IntVar(&o.DistrictsPerProvince, "districts", 0, "districts per province (0 = communes directly under the province, the map since 2025-07-01)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of every random draw: the same seed gives the same country")
	fs.StringVar(&o.AssessedOn, "assessed-on", synthetic.DefaultAssessedOn, "date of the assessments (YYYY-MM-DD)")
	fs.StringVar(&o.CriteriaSet, "criteria-set", synthetic.DefaultCriteriaSet, "criteria set the indicator values are drawn for")
	batch := fs.Int("batch", 500, fmt.Sprintf("assessments per BatchCreateAssessments request (1..%d)", maxBatch))
	registryAddr := fs.String("registry-addr", defaultRegistryAddr, "registry gRPC address")
	criteriaAddr := fs.String("criteria-addr", defaultCriteriaAddr, "criteria gRPC address")
	token := tokenFlag(fs)
	dialTLS := clientTLSFlags(fs)
	if err := config.Parse(fs, args[1:], "NTM_"); err != nil {
		return err
	}
	transport, err := dialTLS()
	if err != nil {
		return err
	}
	ctx = withToken(ctx, *token)
	if fs.NArg() != 0 {
		return errors.New(generateUsage)
	}
	if *batch < 1 || *batch > maxBatch {
		return fmt.Errorf("--batch %d: want 1..%d", *batch, maxBatch)
	}

	start := time.Now()
	c, err := synthetic.New(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d communes in %d provinces (seed %d, %s, assessed on %s) in %v\n",
		len(c.Communes), len(c.Provinces), o.Seed, c.CriteriaSet, c.AssessedOn, since(start))

	// A batch's answer repeats every assessment with its score: larger than
	// the 4 MiB a client takes by default once batches grow.
	recvLimit := grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(grpcserver.MaxMessageBytes))
	regConn, err := grpcclient.Dial(*registryAddr, transport, recvLimit)
	if err != nil {
		return err
	}
	defer regConn.Close()
	critConn, err := grpcclient.Dial(*criteriaAddr, transport, recvLimit)
	if err != nil {
		return err
	}
	defer critConn.Close()

	reg := registryv1.NewRegistryServiceClient(regConn)
	first := c.Provinces[0].Code
	_, err = reg.GetUnit(ctx, &registryv1.GetUnitRequest{Code: first, AsOf: c.AssessedOn})
	switch status.Code(err) {
	case codes.OK:
		return fmt.Errorf("unit %s already exists on %s: a synthetic country is already loaded there", first, c.AssessedOn)
	case codes.NotFound:
	default:
		return fmt.Errorf("registry at %s: %w", *registryAddr, err)
	}

	start = time.Now()
	ictx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	resp, err := reg.ImportUnits(ictx, c.ImportUnitsRequest())
	cancel()
	if err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	fmt.Fprintf(stdout, "imported %d units in %v\n", resp.GetImported(), since(start))

	crit := criteriav1.NewCriteriaServiceClient(critConn)
	start = time.Now()
	batches := 0
	for lo := 0; lo < len(c.Assessments); lo += *batch {
		hi := min(lo+*batch, len(c.Assessments))
		bctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		_, err := crit.BatchCreateAssessments(bctx, &criteriav1.BatchCreateAssessmentsRequest{Assessments: c.Assessments[lo:hi]})
		cancel()
		if err != nil {
			return fmt.Errorf("assessments %d..%d of %d (the earlier ones are recorded): %w", lo+1, hi, len(c.Assessments), err)
		}
		batches++
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "recorded %d assessments in %d batches of up to %d in %v (%.0f/s)\n",
		len(c.Assessments), batches, *batch, elapsed.Round(time.Millisecond), float64(len(c.Assessments))/elapsed.Seconds())
	last := c.Provinces[len(c.Provinces)-1].Code
	fmt.Fprintf(stdout, "provinces %s to %s; e.g. GET /v1/units/%s/aggregate?as_of=%s (unit 0: the whole country)\n", first, last, first, c.AssessedOn)
	return nil
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }
