package server

import (
	"context"
	"fmt"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
	"github.com/ntmsuite/ntm/services/ocop/internal/rating"
	"github.com/ntmsuite/ntm/services/ocop/internal/store"
)

func (s *Server) CreateRegistration(ctx context.Context, req *ocopv1.CreateRegistrationRequest) (*ocopv1.Registration, error) {
	product, err := s.productFor(ctx, auth.Write, req.GetProductId())
	if err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	r := req.GetRegistration()
	on, err := pastDate(r.GetRegisteredOn(), "registration.registered_on")
	if err != nil {
		return nil, err
	}
	if err := s.notBeforeProducer(ctx, product, on, "registration.registered_on"); err != nil {
		return nil, err
	}
	saved, err := s.store.CreateRegistration(ctx, store.Registration{ProductID: req.GetProductId(), Year: int(r.GetYear()), RegisteredOn: on})
	if err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	s.changed(ctx)
	grpcserver.SetCreated(ctx)
	return registrationToProto(saved), nil
}

// ReviewRegistration is the council's check of the dossier: a decision
// above the commune.
func (s *Server) ReviewRegistration(ctx context.Context, req *ocopv1.ReviewRegistrationRequest) (*ocopv1.Registration, error) {
	if _, err := s.productFor(ctx, auth.Decide, req.GetProductId()); err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	on, err := pastDate(req.GetReviewedOn(), "reviewed_on")
	if err != nil {
		return nil, err
	}
	if req.GetEligibility() == ocopv1.Eligibility_NOT_ELIGIBLE && req.GetReason() == "" {
		return nil, fault.Invalid("reason", "required when the product is not eligible")
	}
	saved, err := s.store.ReviewRegistration(ctx, req.GetProductId(), int(req.GetYear()), req.GetEligibility().String(), req.GetReason(), on, req.GetEtag())
	if err != nil {
		return nil, notFound(err, fault.NotFound("registration", fmt.Sprintf("products/%d/registrations/%d", req.GetProductId(), req.GetYear()),
			"product %d has no registration for %d", req.GetProductId(), req.GetYear()))
	}
	s.changed(ctx)
	return registrationToProto(saved), nil
}

// CreateEvaluation scores the sheet under the catalog in force on the
// evaluation date; the council level must exist on that date. A council's
// score is a decision above the commune.
func (s *Server) CreateEvaluation(ctx context.Context, req *ocopv1.CreateEvaluationRequest) (*ocopv1.Evaluation, error) {
	row, res, err := s.checkEvaluation(ctx, req.GetProductId(), req.GetEvaluation(), "evaluation.")
	if err != nil {
		return nil, err
	}
	saved, err := s.recordEvaluations(ctx, []store.Evaluation{row})
	if err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	grpcserver.SetCreated(ctx)
	next := res.NextStar()
	return evaluationToProto(saved[0], &next), nil
}

// checkEvaluation is CreateEvaluation's checks of e for product id, the
// caller's scope first: the guard's PermissionDenied, store.ErrNotFound
// (wrapped as productNotFound) for a missing product, fault.Invalid naming
// the field after prefix ("evaluation."), or the scored evaluation to
// record.
func (s *Server) checkEvaluation(ctx context.Context, id int64, e *ocopv1.Evaluation, prefix string) (store.Evaluation, rating.Result, error) {
	product, err := s.productFor(ctx, auth.Decide, id)
	if err != nil {
		return store.Evaluation{}, rating.Result{}, notFound(err, productNotFound(id))
	}
	on, err := pastDate(e.GetEvaluatedOn(), prefix+"evaluated_on")
	if err != nil {
		return store.Evaluation{}, rating.Result{}, err
	}
	if err := s.notBeforeProducer(ctx, product, on, prefix+"evaluated_on"); err != nil {
		return store.Evaluation{}, rating.Result{}, err
	}
	set, ok := s.catalog.For(on)
	if !ok {
		return store.Evaluation{}, rating.Result{}, fault.Invalid(prefix+"evaluated_on", "no OCOP catalog is in force on %s", on)
	}
	level := catalog.CouncilLevel(e.GetCouncilLevel())
	if period, ok := s.catalog.CouncilPeriodFor(on); !ok {
		return store.Evaluation{}, rating.Result{}, fault.Invalid(prefix+"evaluated_on", "no council rules are in force on %s", on)
	} else if _, ok := period.Rule(level); !ok {
		return store.Evaluation{}, rating.Result{}, fault.Invalid(prefix+"council_level", "there is no %s in the OCOP procedure in force on %s", level.Council(), on)
	}
	scores := make([]rating.LineScore, len(e.GetScores()))
	for i, sc := range e.GetScores() {
		scores[i] = rating.LineScore{Code: sc.GetCriterionCode(), Points: sc.GetPoints()}
	}
	res, err := rating.Score(set, scores, prefix)
	if err != nil {
		return store.Evaluation{}, rating.Result{}, err
	}
	row := store.Evaluation{ProductID: id, Year: int(e.GetYear()), EvaluatedOn: on, CouncilLevel: level.String(),
		Catalog: set.Code, Total: res.Total, Stars: res.Stars, Note: e.GetNote()}
	for _, sc := range scores {
		row.Scores = append(row.Scores, store.LineScore{Code: sc.Code, Points: sc.Points})
	}
	for _, p := range res.Parts {
		row.Parts = append(row.Parts, store.PartTotal{Part: p.Part, Points: p.Points, Max: p.MaxPoints})
	}
	return row, res, nil
}

// recordEvaluations writes checked evaluations in one transaction.
func (s *Server) recordEvaluations(ctx context.Context, rows []store.Evaluation) ([]store.Evaluation, error) {
	saved, err := s.store.CreateEvaluations(ctx, rows)
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	return saved, nil
}

// CreateCertificate certifies an evaluation: 3 stars or more, by the level
// the rules in force on the evaluation date allow; valid for the catalog's
// period from issue. Certifying is a decision above the commune.
func (s *Server) CreateCertificate(ctx context.Context, req *ocopv1.CreateCertificateRequest) (*ocopv1.Certificate, error) {
	if _, err := s.productFor(ctx, auth.Decide, req.GetProductId()); err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	c := req.GetCertificate()
	issued, err := pastDate(c.GetIssuedOn(), "certificate.issued_on")
	if err != nil {
		return nil, err
	}
	h, err := s.store.History(ctx, req.GetProductId())
	if err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	var ev *store.Evaluation
	for i := range h.Evaluations {
		if h.Evaluations[i].ID == c.GetEvaluationId() {
			ev = &h.Evaluations[i]
		}
	}
	if ev == nil {
		return nil, fault.Invalid("certificate.evaluation_id", "product %d has no evaluation %d", req.GetProductId(), c.GetEvaluationId())
	}
	for _, earlier := range h.Certificates {
		if earlier.EvaluationID == ev.ID {
			return nil, fault.Invalid("certificate.evaluation_id", "evaluation %d is already certified (certificate %d): a new certificate needs a new evaluation", ev.ID, earlier.ID)
		}
	}
	if issued.Before(ev.EvaluatedOn) {
		return nil, fault.Invalid("certificate.issued_on", "%s is before the evaluation of %s", issued, ev.EvaluatedOn)
	}
	level, _ := catalog.ParseCouncilLevel(ev.CouncilLevel)
	if err := rating.CheckCertification(s.catalog, ev.EvaluatedOn, level, ev.Stars, ev.Total, "certificate.evaluation_id"); err != nil {
		return nil, err
	}
	saved, err := s.store.CreateCertificate(ctx, store.Certificate{ProductID: req.GetProductId(), EvaluationID: ev.ID,
		DecisionNumber: c.GetDecisionNumber(), IssuedOn: issued, Stars: ev.Stars,
		ValidUntil: rating.ValidUntil(issued, s.catalog.Certificate.ValidMonths)})
	if err != nil {
		return nil, err
	}
	s.changed(ctx)
	grpcserver.SetCreated(ctx)
	return certificateToProto(saved), nil
}

// RevokeCertificate records a revocation decision, by the authority that
// certifies.
func (s *Server) RevokeCertificate(ctx context.Context, req *ocopv1.RevokeCertificateRequest) (*ocopv1.Certificate, error) {
	if _, err := s.productFor(ctx, auth.Decide, req.GetProductId()); err != nil {
		return nil, notFound(err, productNotFound(req.GetProductId()))
	}
	on, err := pastDate(req.GetRevokedOn(), "revoked_on")
	if err != nil {
		return nil, err
	}
	saved, err := s.store.RevokeCertificate(ctx, req.GetProductId(), req.GetId(), on, req.GetDecisionNumber(), req.GetEtag())
	if err != nil {
		return nil, notFound(err, fault.NotFound("certificate", fmt.Sprintf("products/%d/certificates/%d", req.GetProductId(), req.GetId()),
			"product %d has no certificate %d", req.GetProductId(), req.GetId()))
	}
	s.changed(ctx)
	return certificateToProto(saved), nil
}

// notBeforeProducer refuses a date of product p's cycle before its producer
// joined the program: summaries count from the producer's registration.
func (s *Server) notBeforeProducer(ctx context.Context, p store.Product, on date.Date, field string) error {
	producer, err := s.store.GetProducer(ctx, p.ProducerID)
	if err != nil {
		return err
	}
	if on.Before(producer.RegisteredOn) {
		return fault.Invalid(field, "%s is before producer %d registered with the program (%s)", on, producer.ID, producer.RegisteredOn)
	}
	return nil
}

// pastDate reads a required date that cannot be after today: what is
// recorded has happened.
func pastDate(s, field string) (date.Date, error) {
	d, err := request.Date(s, field)
	if err == nil && d.After(date.Today()) {
		err = fault.Invalid(field, "%s is in the future", d)
	}
	return d, err
}

func registrationToProto(r store.Registration) *ocopv1.Registration {
	return &ocopv1.Registration{Year: int32(r.Year), RegisteredOn: r.RegisteredOn.String(),
		Eligibility: ocopv1.Eligibility(ocopv1.Eligibility_value[r.Eligibility]), Reason: r.Reason, ReviewedOn: r.ReviewedOn.String(),
		Etag: etag.Of(r.Version)}
}

func evaluationToProto(e store.Evaluation, next *rating.NextStar) *ocopv1.Evaluation {
	p := &ocopv1.Evaluation{Name: fmt.Sprintf("products/%d/evaluations/%d", e.ProductID, e.ID), Id: e.ID, Year: int32(e.Year),
		EvaluatedOn: e.EvaluatedOn.String(), CouncilLevel: ocopv1.CouncilLevel(ocopv1.CouncilLevel_value[e.CouncilLevel]),
		Note: e.Note, Catalog: e.Catalog, Total: e.Total, Stars: int32(e.Stars)}
	for _, sc := range e.Scores {
		p.Scores = append(p.Scores, &ocopv1.CriterionScore{CriterionCode: sc.Code, Points: sc.Points})
	}
	for _, pt := range e.Parts {
		p.Parts = append(p.Parts, &ocopv1.PartTotal{Part: pt.Part, Points: pt.Points, MaxPoints: pt.Max})
	}
	if next != nil {
		p.NextStar = &ocopv1.NextStar{Stars: int32(next.Stars), PointsNeeded: next.PointsNeeded}
		for _, o := range next.Open {
			p.NextStar.Open = append(p.NextStar.Open, &ocopv1.OpenCriterion{CriterionCode: o.Code, DisplayName: o.Name, PointsOpen: o.PointsOpen})
		}
	}
	return p
}

func certificateToProto(c store.Certificate) *ocopv1.Certificate {
	return &ocopv1.Certificate{Name: fmt.Sprintf("products/%d/certificates/%d", c.ProductID, c.ID), Id: c.ID, EvaluationId: c.EvaluationID,
		DecisionNumber: c.DecisionNumber, IssuedOn: c.IssuedOn.String(), Stars: int32(c.Stars), ValidUntil: c.ValidUntil.String(), EndedOn: c.EndedOn.String(),
		Etag: etag.Of(c.Version)}
}
