// Package criteriaclient is what the registry asks the criteria service
// before it records a recognition: the criteria set the decision names (its
// unit type, validity, criteria and level rules) and the unit's score under
// it on the effective date. It turns the answers into the registry's domain
// facts, and the criteria service's errors into the registry's: a set or
// score that is not there is a fact to decide on, the service being down is
// UNAVAILABLE. Calls carry the caller's token (platform/grpcclient forwards
// it), so the registry reads no more than its caller may.
package criteriaclient

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// Client reads the criteria service over gRPC.
type Client struct {
	rpc criteriav1.CriteriaServiceClient
}

func New(conn grpc.ClientConnInterface) *Client {
	return &Client{rpc: criteriav1.NewCriteriaServiceClient(conn)}
}

// Set returns the criteria set code; nil when the criteria service has none.
func (c *Client) Set(ctx context.Context, code string) (*unit.CriteriaSet, error) {
	p, err := c.rpc.GetCriteriaSet(ctx, &criteriav1.GetCriteriaSetRequest{Id: code})
	if status.Code(err) == codes.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "get criteria set "+code)
	}
	return setFromProto(p)
}

// Score returns the latest assessment of unitCode under set on or before d;
// nil when there is none.
func (c *Client) Score(ctx context.Context, unitCode string, d date.Date, set string) (*unit.Score, error) {
	p, err := c.rpc.GetScore(ctx, &criteriav1.GetScoreRequest{UnitCode: unitCode, AsOf: d.String(), CriteriaSet: set})
	if status.Code(err) == codes.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "get the score of "+unitCode)
	}
	on, err := date.Parse(p.GetAssessedOn())
	if err != nil {
		return nil, fmt.Errorf("criteria: score of %s: assessed_on: %w", unitCode, err)
	}
	s := &unit.Score{Assessment: p.GetAssessment(), AssessedOn: on, CriteriaMet: int(p.GetMetCount()), CriteriaCount: int(p.GetCriteriaCount())}
	for _, cr := range p.GetCriteria() {
		if cr.GetStatus() != criteriav1.CriterionStatus_MET {
			s.Unmet = append(s.Unmet, cr.GetCode()+" "+cr.GetDisplayName())
		}
	}
	return s, nil
}

func setFromProto(p *criteriav1.CriteriaSet) (*unit.CriteriaSet, error) {
	from, err := date.Parse(p.GetValidFrom())
	if err != nil {
		return nil, fmt.Errorf("criteria: set %s: valid_from: %w", p.GetId(), err)
	}
	var to date.Date
	if p.GetValidTo() != "" {
		if to, err = date.Parse(p.GetValidTo()); err != nil {
			return nil, fmt.Errorf("criteria: set %s: valid_to: %w", p.GetId(), err)
		}
	}
	s := &unit.CriteriaSet{Code: p.GetId(), UnitType: unit.Type(p.GetUnitType()), Valid: date.Range{From: from, To: to},
		ProvinceCode: p.GetProvinceCode()}
	for _, cr := range p.GetCriteria() {
		s.Criteria = append(s.Criteria, cr.GetCode()+" "+cr.GetDisplayName())
	}
	for _, l := range p.GetLevels() {
		s.Levels = append(s.Levels, unit.LevelRule{Level: unit.Level(l.GetLevel()), Requires: levels(l.GetRequires()),
			UnitsType: unit.Type(l.GetUnitsType()), UnitsLevels: levels(l.GetUnitsLevels()), UnitsMinPercent: int(l.GetUnitsMinPercent())})
	}
	return s, nil
}

func levels[L ~int32](ls []L) []unit.Level {
	out := make([]unit.Level, len(ls))
	for i, l := range ls {
		out[i] = unit.Level(l)
	}
	return out
}

// translate says the criteria service is down when it cannot answer;
// anything else is the registry's internal error.
func translate(err error, what string) error {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return fault.Unavailable("the criteria service did not answer (%s): try again", what)
	case codes.Canceled:
		return context.Canceled
	}
	// %v, not %w: the criteria service's status must not pass through as
	// the registry's answer (its field names are not the request's).
	return fmt.Errorf("criteria: %s: %v", what, err)
}
