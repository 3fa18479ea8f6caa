package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/store"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// Criteria is what the registry asks the criteria service before it records
// a recognition (criteriaclient.Client).
type Criteria interface {
	// Set is the criteria set code; nil when there is none.
	Set(ctx context.Context, code string) (*unit.CriteriaSet, error)
	// Score is unitCode's latest assessment under set on or before d; nil when there is none.
	Score(ctx context.Context, unitCode string, d date.Date, set string) (*unit.Score, error)
}

// CreateRecognition and RevokeRecognition are decisions about the unit: a
// commune does not recognise itself. A recognition is checked against the
// criteria set it names, as the criteria service publishes it, and the
// unit's score under it; a retry of a recorded decision answers the record
// (200, not 201) and writes nothing.
func (s *Server) CreateRecognition(ctx context.Context, req *registryv1.CreateRecognitionRequest) (*registryv1.Recognition, error) {
	if err := s.decide(ctx, req.GetUnitCode()); err != nil {
		return nil, err
	}
	ask, err := recognitionAsked(req)
	if err != nil {
		return nil, err
	}
	if s.criteria == nil {
		return nil, noCriteria()
	}
	facts, err := s.recognitionFacts(ctx, ask)
	if err != nil {
		return nil, err
	}
	dec, err := s.store.AddRecognition(ctx, facts)
	if err != nil {
		return nil, err
	}
	if !dec.Retry {
		s.changed(ctx)
		grpcserver.SetCreated(ctx)
	}
	return recognitionToProto(dec.Recognition), nil
}

func noCriteria() error {
	return fault.Unavailable("this registry has no connection to the criteria service (--criteria-addr), " +
		"which it needs to check a recognition against its criteria set")
}

// recognitionFacts asks the criteria service, before the store's
// transaction (which must not wait on another service), for the set the
// request names and, when the set fits the unit, the unit's score under it.
func (s *Server) recognitionFacts(ctx context.Context, ask unit.Recognition) (unit.RecognitionFacts, error) {
	f := unit.RecognitionFacts{Request: ask}
	var err error
	if f.Set, err = s.criteria.Set(ctx, ask.CriteriaSet); err != nil {
		return f, err
	}
	subj, err := s.store.Subject(ctx, ask.UnitCode, ask.Valid.From)
	if err != nil {
		return f, err
	}
	if !unit.SetFits(ask, f.Set, subj) {
		// No score to ask for. The request is not refused here: the decision
		// in the transaction refuses it, or answers it with the record it
		// repeats (a retry is answered whatever its set).
		return f, nil
	}
	f.Score, err = s.criteria.Score(ctx, ask.UnitCode, ask.Valid.From, ask.CriteriaSet)
	return f, err
}

func (s *Server) RevokeRecognition(ctx context.Context, req *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error) {
	if err := s.decide(ctx, req.GetUnitCode()); err != nil {
		return nil, err
	}
	day, err := request.Date(req.GetRevokedOn(), "revoked_on")
	if err != nil {
		return nil, err
	}
	r, err := s.store.RevokeRecognition(ctx, req.GetUnitCode(), req.GetId(), day, req.GetRevocationDecision(), req.GetEtag())
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return recognitionToProto(r), nil
}

// ListRecognitions is a read of its parent unit, or of the whole country.
func (s *Server) ListRecognitions(ctx context.Context, req *registryv1.ListRecognitionsRequest) (*registryv1.ListRecognitionsResponse, error) {
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(req.GetParent(), auth.CountryCode)); err != nil {
		return nil, err
	}
	q := store.RecognitionsQuery{Parent: req.GetParent(), IncludeFormer: req.GetIncludeFormer()}
	var err error
	if q.AsOf, err = request.AsOf(req.GetAsOf(), "as_of"); err != nil {
		return nil, err
	}
	if req.GetEffectiveFrom() != "" {
		if q.EffectiveFrom, err = request.Date(req.GetEffectiveFrom(), "effective_from"); err != nil {
			return nil, err
		}
	}
	if q.Parent != "" {
		if _, err := s.unitAt(ctx, q.Parent, q.AsOf); err != nil {
			return nil, err
		}
	}
	rs, err := s.store.RecognitionsUnder(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListRecognitionsResponse{AsOf: q.AsOf.String()}
	for _, r := range rs {
		resp.Recognitions = append(resp.Recognitions, &registryv1.RecognitionInForce{Recognition: recognitionToProto(r.Recognition),
			UnitTypeAsOf: registryv1.UnitType(r.TypeAsOf), Former: r.Former, FormerCommune: r.FormerCommune(), DisplayName: r.Name})
	}
	return resp, nil
}

// CountUnits, like the other reads of the map (see GetUnit), checks no
// unit: the map is public to any authenticated caller.
func (s *Server) CountUnits(ctx context.Context, req *registryv1.CountUnitsRequest) (*registryv1.CountUnitsResponse, error) {
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	if req.GetParent() != "" {
		if _, err := s.unitAt(ctx, req.GetParent(), asOf); err != nil {
			return nil, err
		}
	}
	counts, err := s.store.CountUnits(ctx, req.GetParent(), asOf)
	if err != nil {
		return nil, err
	}
	resp := &registryv1.CountUnitsResponse{AsOf: asOf.String()}
	for _, c := range counts {
		resp.Counts = append(resp.Counts, &registryv1.UnitTypeCount{Type: registryv1.UnitType(c.Type), Units: int32(c.Units)})
	}
	return resp, nil
}

func recognitionToProto(r unit.Recognition) *registryv1.Recognition {
	c := r.Check
	return &registryv1.Recognition{
		Name: r.Name(), UnitCode: r.UnitCode,
		Level: registryv1.RecognitionLevel(r.Level), DecisionNumber: r.DecisionNumber, EffectiveDate: r.Valid.From.String(),
		CriteriaSet: r.CriteriaSet, Year: int32(r.Year), RevokedOn: r.Valid.To.String(), RevocationDecision: r.RevocationNo,
		OverrideReason: r.OverrideReason, UnitType: registryv1.UnitType(r.UnitType),
		Check: &registryv1.RecognitionCheck{Assessment: c.Assessment, AssessedOn: c.AssessedOn.String(), CriteriaMet: int32(c.CriteriaMet),
			CriteriaCount: int32(c.CriteriaCount), UnmetCriteria: c.Unmet, UnitsAtLevel: int32(c.UnitsAtLevel),
			UnitsCounted: int32(c.UnitsCounted), UnitsMinPercent: int32(c.UnitsMinPercent)},
		Etag: etag.Of(r.Version),
	}
}
