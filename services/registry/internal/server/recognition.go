package server

import (
	"cmp"
	"context"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

// CreateRecognition and RevokeRecognition are decisions about the unit: a
// commune does not recognise itself.
func (s *Server) CreateRecognition(ctx context.Context, req *registryv1.CreateRecognitionRequest) (*registryv1.Recognition, error) {
	if err := s.decide(ctx, req.GetUnitCode()); err != nil {
		return nil, err
	}
	p := req.GetRecognition()
	from, err := request.Date(p.GetEffectiveDate(), "recognition.effective_date")
	if err != nil {
		return nil, err
	}
	r, err := s.store.AddRecognition(ctx, unit.Recognition{UnitCode: req.GetUnitCode(), Level: unit.Level(p.GetLevel()),
		DecisionNumber: p.GetDecisionNumber(), Valid: date.Range{From: from}, CriteriaSet: p.GetCriteriaSet(), Year: int(p.GetYear())})
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	grpcserver.SetCreated(ctx)
	return recognitionToProto(r), nil
}

func (s *Server) RevokeRecognition(ctx context.Context, req *registryv1.RevokeRecognitionRequest) (*registryv1.Recognition, error) {
	if err := s.decide(ctx, req.GetUnitCode()); err != nil {
		return nil, err
	}
	day, err := request.Date(req.GetRevokedOn(), "revoked_on")
	if err != nil {
		return nil, err
	}
	r, err := s.store.RevokeRecognition(ctx, req.GetUnitCode(), req.GetId(), day, req.GetRevocationDecision())
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
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	if req.GetParent() != "" {
		if _, err := s.unitAt(ctx, req.GetParent(), asOf); err != nil {
			return nil, err
		}
	}
	rs, err := s.store.RecognitionsUnder(ctx, req.GetParent(), asOf, req.GetIncludeFormer())
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListRecognitionsResponse{AsOf: asOf.String()}
	for _, r := range rs {
		resp.Recognitions = append(resp.Recognitions, &registryv1.RecognitionInForce{
			Recognition: recognitionToProto(r.Recognition), UnitTypeAsOf: registryv1.UnitType(r.TypeAsOf), FormerCommune: r.Former})
	}
	return resp, nil
}

func recognitionToProto(r unit.Recognition) *registryv1.Recognition {
	return &registryv1.Recognition{
		Name: r.Name(), UnitCode: r.UnitCode,
		Level: registryv1.RecognitionLevel(r.Level), DecisionNumber: r.DecisionNumber, EffectiveDate: r.Valid.From.String(),
		CriteriaSet: r.CriteriaSet, Year: int32(r.Year), RevokedOn: r.Valid.To.String(), RevocationDecision: r.RevocationNo,
	}
}
