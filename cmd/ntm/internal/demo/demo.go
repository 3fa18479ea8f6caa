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
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/unitimport"
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
)

// Load writes the demo data unless the demo province already exists; it
// reports whether it wrote anything.
func Load(ctx context.Context, conn grpc.ClientConnInterface) (bool, error) {
	reg := registryv1.NewRegistryServiceClient(conn)
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
	changes, err := Changes()
	if err != nil {
		return false, err
	}
	for i, c := range changes {
		if _, err := reg.CreateUnitChange(ctx, &registryv1.CreateUnitChangeRequest{UnitChange: c}); err != nil {
			return false, fmt.Errorf("demo change %d (%s): %w", i, c.GetDecisionNumber(), err)
		}
	}
	return true, nil
}

// Changes returns the demo's recorded map changes, in date order.
func Changes() ([]*registryv1.UnitChange, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(changesJSON, &raw); err != nil {
		return nil, fmt.Errorf("demo changes.json: %w", err)
	}
	out := make([]*registryv1.UnitChange, len(raw))
	for i, r := range raw {
		out[i] = &registryv1.UnitChange{}
		if err := protojson.Unmarshal(r, out[i]); err != nil {
			return nil, fmt.Errorf("demo changes.json entry %d: %w", i, err)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("demo changes.json has no changes")
	}
	return out, nil
}
