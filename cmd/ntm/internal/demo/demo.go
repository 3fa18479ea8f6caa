// Package demo loads the demo province into a running suite through the
// services' own gRPC APIs, as any client would. The data follows Thái Nguyên
// (names of real districts and communes) but its codes, dates and decision
// numbers are made up for the demo: it shows time travel, not official facts.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/unitimport"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/unitcsv"
)

// ProvinceCode is the demo province, Thái Nguyên.
const ProvinceCode = "19"

var (
	//go:embed units.csv
	unitsCSV []byte
	//go:embed changes.json
	changesJSON []byte
	//go:embed recognitions.json
	recognitionsJSON []byte
	//go:embed assessments.csv
	assessmentsCSV []byte
	//go:embed registrations.json
	registrationsJSON []byte
	//go:embed targets.json
	targetsJSON []byte
	//go:embed estimates.json
	estimatesJSON []byte
)

// Load writes the demo data that is not there yet, in the order the
// services check it: the map (unless the demo province exists), the
// assessments (unless the first demo commune has one), the recognitions,
// which the registry checks against those assessments (unless the province
// has one in force at the end of 2019), the registrations, targets and
// estimates (unless the province has targets), then OCOP producers and
// products (unless the province has producers), then funding plans and
// disbursements (unless the province has plans). It reports whether it
// wrote anything.
func Load(ctx context.Context, registryConn, criteriaConn, ocopConn, fundingConn grpc.ClientConnInterface) (bool, error) {
	reg := registryv1.NewRegistryServiceClient(registryConn)
	crit := criteriav1.NewCriteriaServiceClient(criteriaConn)
	steps := []func(context.Context) (bool, error){
		func(ctx context.Context) (bool, error) { return loadMap(ctx, reg) },
		func(ctx context.Context) (bool, error) { return loadAssessments(ctx, crit) },
		func(ctx context.Context) (bool, error) { return loadRecognitions(ctx, reg) },
		func(ctx context.Context) (bool, error) { return loadPlans(ctx, crit) },
		func(ctx context.Context) (bool, error) { return loadOcop(ctx, ocopv1.NewOcopServiceClient(ocopConn)) },
		func(ctx context.Context) (bool, error) {
			return loadFunding(ctx, fundingv1.NewFundingServiceClient(fundingConn))
		},
	}
	wrote := false
	for _, step := range steps {
		w, err := step(ctx)
		if err != nil {
			return wrote, err
		}
		wrote = wrote || w
	}
	return wrote, nil
}

func loadMap(ctx context.Context, reg registryv1.RegistryServiceClient) (bool, error) {
	_, err := reg.GetUnit(ctx, &registryv1.GetUnitRequest{Code: ProvinceCode, AsOf: "2008-01-01"})
	if err == nil {
		return false, nil
	}
	if status.Code(err) != codes.NotFound {
		return false, fmt.Errorf("look for the demo province: %w", err)
	}
	rows, err := unitcsv.Parse(bytes.NewReader(unitsCSV))
	if err != nil {
		return false, fmt.Errorf("demo units.csv: %w", err)
	}
	if _, err := reg.ImportUnits(ctx, unitimport.Request(rows, "DEMO")); err != nil {
		return false, fmt.Errorf("import demo units: %w", err)
	}
	decisions, err := Decisions()
	if err != nil {
		return false, err
	}
	for _, d := range decisions {
		if _, err := reg.CreateDecision(ctx, &registryv1.CreateDecisionRequest{Decision: d}); err != nil {
			return false, fmt.Errorf("demo decision %s: %w", d.GetDecisionNumber(), err)
		}
	}
	return true, nil
}

func loadRecognitions(ctx context.Context, reg registryv1.RegistryServiceClient) (bool, error) {
	got, err := reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: ProvinceCode, AsOf: "2019-12-31"})
	if err != nil {
		return false, fmt.Errorf("look for demo recognitions: %w", err)
	}
	if len(got.GetRecognitions()) > 0 {
		return false, nil
	}
	recs, err := Recognitions()
	if err != nil {
		return false, err
	}
	for _, r := range recs {
		if _, err := reg.CreateRecognition(ctx, &registryv1.CreateRecognitionRequest{UnitCode: r.GetUnitCode(), Recognition: r}); err != nil {
			return false, fmt.Errorf("demo recognition %s of %s: %w", r.GetDecisionNumber(), r.GetUnitCode(), err)
		}
	}
	return true, nil
}

func loadAssessments(ctx context.Context, crit criteriav1.CriteriaServiceClient) (bool, error) {
	as, err := Assessments()
	if err != nil {
		return false, err
	}
	first := as[0]
	got, err := crit.ListAssessments(ctx, &criteriav1.ListAssessmentsRequest{UnitCode: first.GetUnitCode(), AsOf: first.GetAssessedOn(), PageSize: 1})
	if err != nil {
		return false, fmt.Errorf("look for demo assessments: %w", err)
	}
	if len(got.GetAssessments()) > 0 {
		return false, nil
	}
	// One batch: all the demo's assessments or none.
	if _, err := crit.BatchCreateAssessments(ctx, &criteriav1.BatchCreateAssessmentsRequest{Assessments: as}); err != nil {
		return false, fmt.Errorf("demo assessments: %w", err)
	}
	return true, nil
}

// Recognitions returns the demo's recognition decisions, in date order.
func Recognitions() ([]*registryv1.Recognition, error) {
	return protoList(recognitionsJSON, "recognitions.json", func() *registryv1.Recognition { return &registryv1.Recognition{} })
}

// Decisions returns the demo's decisions that changed the map, in date
// order; the 2025 reform is one decision, as it was.
func Decisions() ([]*registryv1.Decision, error) {
	return protoList(changesJSON, "changes.json", func() *registryv1.Decision { return &registryv1.Decision{} })
}

// protoList reads a JSON array of messages in their protojson form, the
// form the REST API takes, so the files double as request examples.
func protoList[M proto.Message](data []byte, file string, newMsg func() M) ([]M, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("demo %s: %w", file, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("demo %s is empty", file)
	}
	out := make([]M, len(raw))
	for i, r := range raw {
		out[i] = newMsg()
		if err := protojson.Unmarshal(r, out[i]); err != nil {
			return nil, fmt.Errorf("demo %s entry %d: %w", file, i, err)
		}
	}
	return out, nil
}
