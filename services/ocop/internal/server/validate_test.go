package server_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/grpctest"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// state is everything a refused write could have changed.
type state struct {
	producers []*ocopv1.Producer
	products  []*ocopv1.Product // listed, then each read whole
	history   []*ocopv1.Product
}

func readState(t *testing.T, a *api) state {
	t.Helper()
	ctx := context.Background()
	producers, err := a.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: country})
	if err != nil {
		t.Fatal(err)
	}
	products, err := a.ListProducts(ctx, &ocopv1.ListProductsRequest{UnitCode: country})
	if err != nil {
		t.Fatal(err)
	}
	s := state{producers: producers.GetProducers(), products: products.GetProducts()}
	for _, p := range s.products {
		s.history = append(s.history, a.get(t, p.GetId(), "2024-12-31"))
	}
	return s
}

func wantSameState(t *testing.T, what string, got, want state) {
	t.Helper()
	for _, l := range []struct {
		name      string
		got, want []proto.Message
	}{
		{"producers", msgs(got.producers), msgs(want.producers)},
		{"products", msgs(got.products), msgs(want.products)},
		{"product histories", msgs(got.history), msgs(want.history)},
	} {
		if len(l.got) != len(l.want) {
			t.Fatalf("%s: %d %s, want %d", what, len(l.got), l.name, len(l.want))
		}
		for i := range l.got {
			if !proto.Equal(l.got[i], l.want[i]) {
				t.Fatalf("%s: %s[%d] = %v, want %v", what, l.name, i, l.got[i], l.want[i])
			}
		}
	}
}

func msgs[M proto.Message](ms []M) []proto.Message {
	out := make([]proto.Message, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// Bad input is refused with InvalidArgument naming the field (NotFound for a
// product in the path that does not exist), and nothing is written: the
// lists, every product's history and the summary are as before.
func TestRefusedWritesWriteNothing(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	tomorrow := date.Today().AddDays(1).String()

	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	tea := a.product(t, producer, "Chè xanh La Hiên", "BEVERAGE")
	other := a.product(t, producer, "Miến dong La Hiên", "FOOD")
	a.register(t, tea, 2024, "2024-03-01")
	five := a.evaluate(t, tea, 2024, "2024-05-10", byProvince, fill23(95))         // 5★ by a provincial council
	fourDistrict := a.evaluate(t, tea, 2024, "2024-05-11", byDistrict, fill23(76)) // 4★ by a district council
	two := a.evaluate(t, tea, 2024, "2024-05-12", byDistrict, fill23(40))          // 2★
	otherEval := a.evaluate(t, other, 2024, "2024-05-12", byDistrict, fill23(60))
	if five.GetStars() != 5 || fourDistrict.GetStars() != 4 || two.GetStars() != 2 {
		t.Fatalf("stars %d, %d, %d; want 5, 4, 2", five.GetStars(), fourDistrict.GetStars(), two.GetStars())
	}
	before := readState(t, a)

	newProducer := func(change func(p *ocopv1.Producer)) func() error {
		p := &ocopv1.Producer{DisplayName: "HTX", Kind: ocopv1.ProducerKind_COOPERATIVE, UnitCode: "101", RegisteredOn: "2021-03-01"}
		change(p)
		return func() error {
			_, err := a.CreateProducer(ctx, &ocopv1.CreateProducerRequest{Producer: p})
			return err
		}
	}
	newProduct := func(producerID int64, group string) func() error {
		return func() error {
			_, err := a.CreateProduct(ctx, &ocopv1.CreateProductRequest{Product: &ocopv1.Product{DisplayName: "Sản phẩm", ProducerId: producerID, ProductGroup: group}})
			return err
		}
	}
	registration := func(product int64, year int32, on string) func() error {
		return func() error {
			_, err := a.CreateRegistration(ctx, &ocopv1.CreateRegistrationRequest{ProductId: product, Registration: &ocopv1.Registration{Year: year, RegisteredOn: on}})
			return err
		}
	}
	review := func(product int64, year int32, el ocopv1.Eligibility, reason, on string) func() error {
		return func() error {
			_, err := a.ReviewRegistration(ctx, &ocopv1.ReviewRegistrationRequest{ProductId: product, Year: year, Eligibility: el, Reason: reason, ReviewedOn: on})
			return err
		}
	}
	evaluation := func(product int64, on string, level ocopv1.CouncilLevel, scores []*ocopv1.CriterionScore) func() error {
		return func() error {
			_, err := a.CreateEvaluation(ctx, &ocopv1.CreateEvaluationRequest{ProductId: product, Evaluation: &ocopv1.Evaluation{
				Year: int32(mustYear(t, on)), EvaluatedOn: on, CouncilLevel: level, Scores: scores}})
			return err
		}
	}
	certificate := func(product, evaluation int64, decision, on string) func() error {
		return func() error {
			_, err := a.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: product, Certificate: &ocopv1.Certificate{
				EvaluationId: evaluation, DecisionNumber: decision, IssuedOn: on}})
			return err
		}
	}
	score := func(code string, points float64) *ocopv1.CriterionScore {
		return &ocopv1.CriterionScore{CriterionCode: code, Points: points}
	}

	for _, tc := range []struct {
		name  string
		call  func() error
		field string // "" when code is not InvalidArgument
		code  codes.Code
	}{
		// Producers are located in a commune or ward existing on registered_on.
		{"producer in a district", newProducer(func(p *ocopv1.Producer) { p.UnitCode = district }), "producer.unit_code", 0},
		{"producer in a province", newProducer(func(p *ocopv1.Producer) { p.UnitCode = province }), "producer.unit_code", 0},
		{"producer in a village", newProducer(func(p *ocopv1.Producer) { p.UnitCode = "1000" }), "producer.unit_code", 0},
		{"producer in a commune merged away", newProducer(func(p *ocopv1.Producer) { p.UnitCode, p.RegisteredOn = "103", mergedAt }), "producer.unit_code", 0},
		{"producer in a commune not yet created", newProducer(func(p *ocopv1.Producer) { p.UnitCode, p.RegisteredOn = "104", "2021-05-31" }), "producer.unit_code", 0},
		{"producer in a unit that never existed", newProducer(func(p *ocopv1.Producer) { p.UnitCode = "999" }), "producer.unit_code", 0},
		{"producer registered tomorrow", newProducer(func(p *ocopv1.Producer) { p.RegisteredOn = tomorrow }), "producer.registered_on", 0},
		{"producer registered on a day that does not exist", newProducer(func(p *ocopv1.Producer) { p.RegisteredOn = "2021-02-29" }), "producer.registered_on", 0},
		{"producer without a kind", newProducer(func(p *ocopv1.Producer) { p.Kind = 0 }), "producer.kind", 0},
		{"producer without a name", newProducer(func(p *ocopv1.Producer) { p.DisplayName = "" }), "producer.display_name", 0},

		// Products belong to a producer and a product group of the catalog.
		{"unknown product group", newProduct(producer, "SEAFOOD"), "product.product_group", 0},
		{"a 2019 sector that is no 2023 group", newProduct(producer, "TEXTILE"), "product.product_group", 0},
		{"unknown producer", newProduct(999, "FOOD"), "product.producer_id", 0},

		// Registrations and their review.
		{"registered tomorrow", registration(tea, 2025, tomorrow), "registration.registered_on", 0},
		{"registered before the program", registration(tea, 2017, "2017-03-01"), "registration.year", 0},
		{"registered twice for a year", registration(tea, 2024, "2024-03-02"), "", codes.AlreadyExists},
		{"registration of no product", registration(999, 2024, "2024-03-01"), "", codes.NotFound},
		{"not eligible without a reason", review(tea, 2024, notEligible, "", "2024-04-01"), "reason", 0},
		{"reviewed tomorrow", review(tea, 2024, eligible, "", tomorrow), "reviewed_on", 0},
		{"reviewed as pending", review(tea, 2024, ocopv1.Eligibility_PENDING, "", "2024-04-01"), "eligibility", 0},
		{"review of a year not registered", review(tea, 2023, eligible, "", "2024-04-01"), "", codes.NotFound},

		// Evaluations are checked against the catalog and the councils of their date.
		{"points above a line's maximum", evaluation(tea, "2024-06-01", byProvince, []*ocopv1.CriterionScore{score("A1", 6.5)}), "evaluation.scores[0].points", 0},
		{"unknown line", evaluation(tea, "2024-06-01", byProvince, []*ocopv1.CriterionScore{score("A1", 6), score("Z9", 1)}), "evaluation.scores[1].criterion_code", 0},
		{"a line given twice", evaluation(tea, "2024-06-01", byProvince, []*ocopv1.CriterionScore{score("B1", 3), score("C1", 4), score("B1", 2)}), "evaluation.scores[2].criterion_code", 0},
		{"a 2019 part on a 2023 sheet", evaluation(tea, "2023-02-24", byProvince, parts19(30, 20, 25)[:1]), "evaluation.scores[0].criterion_code", 0},
		{"a 2023 line before the 2023 catalog", evaluation(tea, "2023-02-23", byProvince, sheet23(6)), "evaluation.scores[0].criterion_code", 0},
		{"a part of 2019 above its maximum", evaluation(tea, "2022-06-01", byProvince, parts19(35.5, 0, 0)), "evaluation.scores[0].points", 0},
		{"negative points", evaluation(tea, "2024-06-01", byProvince, []*ocopv1.CriterionScore{score("A1", -1)}), "evaluation.scores[0].points", 0},
		{"no scores", evaluation(tea, "2024-06-01", byProvince, nil), "evaluation.scores", 0},
		{"a district council after 2025-07-06", evaluation(tea, "2025-07-06", byDistrict, fill23(60)), "evaluation.council_level", 0},
		{"a commune council before 2025-07-06", evaluation(tea, "2025-07-05", byCommune, fill23(60)), "evaluation.council_level", 0},
		{"a commune council under the 2019 catalog", evaluation(tea, "2022-06-01", byCommune, parts19(30, 20, 25)), "evaluation.council_level", 0},
		{"evaluated tomorrow", evaluation(tea, tomorrow, byProvince, fill23(60)), "evaluation.evaluated_on", 0},
		{"evaluated before any catalog", evaluation(tea, "2019-08-20", byProvince, parts19(30, 20, 25)), "evaluation.evaluated_on", 0},
		{"evaluation of no product", evaluation(999, "2024-06-01", byProvince, fill23(60)), "", codes.NotFound},

		// Certificates: of an evaluation of the product, by the council the rules of its date allow.
		{"5 stars by a provincial council (2024)", certificate(tea, five.GetId(), "1/QĐ-UBND", "2024-06-01"), "certificate.evaluation_id", 0},
		{"4 stars by a district council (2024)", certificate(tea, fourDistrict.GetId(), "1/QĐ-UBND", "2024-06-01"), "certificate.evaluation_id", 0},
		{"2 stars", certificate(tea, two.GetId(), "1/QĐ-UBND", "2024-06-01"), "certificate.evaluation_id", 0},
		{"another product's evaluation", certificate(tea, otherEval.GetId(), "1/QĐ-UBND", "2024-06-01"), "certificate.evaluation_id", 0},
		{"no such evaluation", certificate(tea, 999, "1/QĐ-UBND", "2024-06-01"), "certificate.evaluation_id", 0},
		{"issued before the evaluation", certificate(other, otherEval.GetId(), "1/QĐ-UBND", "2024-05-11"), "certificate.issued_on", 0},
		{"issued tomorrow", certificate(other, otherEval.GetId(), "1/QĐ-UBND", tomorrow), "certificate.issued_on", 0},
		{"without a decision number", certificate(other, otherEval.GetId(), "", "2024-06-01"), "certificate.decision_number", 0},
		{"certificate of no product", certificate(999, otherEval.GetId(), "1/QĐ-UBND", "2024-06-01"), "", codes.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.field == "" {
				grpctest.WantCode(t, err, tc.code)
				return
			}
			grpctest.WantViolations(t, err, tc.field)
		})
	}
	_, err := a.RevokeCertificate(ctx, &ocopv1.RevokeCertificateRequest{ProductId: tea, Id: 1, RevokedOn: "2024-07-01", DecisionNumber: "1/QĐ-UBND"})
	grpctest.WantCode(t, err, codes.NotFound)
	_, err = a.CreateProducer(ctx, &ocopv1.CreateProducerRequest{})
	grpctest.WantViolations(t, err, "producer")

	wantSameState(t, "after the refused writes", readState(t, a), before)
	// Read for the first time (nothing cached): what the fixture wrote, no more.
	// Tea's provincial 5-star sheet proposed it to the central council.
	want := figures{producers: 1, products: 2, registered: 1, evaluated: "2★1 3★1", groups: "BEVERAGE 1/1/0, FOOD 1/0/0", proposed: 1}
	if got := a.figuresAt(t, country, "2024-12-31", 0, 0); got != want {
		t.Fatalf("summary after the refused writes %+v, want %+v", got, want)
	}
}

// Who certifies which stars, by evaluation date: under QĐ 1048 (to
// 2023-02-23, catalog OCOP_2019 scored per part) the province certifies 3
// and 4 stars; under QĐ 148 the district 3, the province 4; from 2025-07-06
// (QĐ 1489) the province 3 and 4, and there is no district council. The
// central council certifies 5 throughout. A refused certificate leaves the
// product's certificates as they were.
func TestWhoCertifiesWhat(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	for _, tc := range []struct {
		on     string
		level  ocopv1.CouncilLevel
		scores []*ocopv1.CriterionScore
		stars  int32
		ok     bool
	}{
		{"2020-05-10", byProvince, parts19(25, 15, 20), 3, true},
		{"2020-05-10", byProvince, parts19(30, 20, 25), 4, true},
		{"2020-05-10", byDistrict, parts19(25, 15, 20), 3, false},
		{"2020-05-10", byProvince, parts19(35, 25, 35), 5, false},
		{"2020-05-10", byCentral, parts19(35, 25, 35), 5, true},
		{"2023-02-23", byProvince, parts19(25, 15, 20), 3, true},
		{"2023-02-24", byProvince, fill23(60), 3, false},
		{"2023-02-24", byDistrict, fill23(60), 3, true},
		{"2024-05-10", byDistrict, fill23(60), 3, true},
		{"2024-05-10", byDistrict, fill23(76), 4, false},
		{"2024-05-10", byProvince, fill23(76), 4, true},
		{"2024-05-10", byProvince, fill23(95), 5, false},
		{"2024-05-10", byCentral, fill23(95), 5, true},
		{"2025-07-05", byDistrict, fill23(60), 3, true},
		{"2025-07-06", byProvince, fill23(60), 3, true},
		{"2025-07-06", byProvince, fill23(76), 4, true},
		{"2025-07-06", byCommune, fill23(60), 3, false},
		{"2025-07-06", byCentral, fill23(89.5), 4, false},
		{"2025-07-06", byCentral, fill23(90), 5, true},
	} {
		product := a.product(t, producer, "Sản phẩm "+tc.on+" "+tc.level.String(), "FOOD")
		ev := a.evaluate(t, product, int32(mustYear(t, tc.on)), tc.on, tc.level, tc.scores)
		if ev.GetStars() != tc.stars {
			t.Fatalf("%s %s: %v points, %d stars; want %d", tc.on, tc.level, ev.GetTotal(), ev.GetStars(), tc.stars)
		}
		issued := date.MustParse(tc.on).AddDays(20).String()
		c, err := a.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: product, Certificate: &ocopv1.Certificate{
			EvaluationId: ev.GetId(), DecisionNumber: "1/QĐ-UBND", IssuedOn: issued}})
		if !tc.ok {
			grpctest.WantViolations(t, err, "certificate.evaluation_id")
			if got := a.get(t, product, issued); len(got.GetCertificates()) != 0 || got.GetCertifiedStars() != 0 {
				t.Errorf("%s %s %d stars: refused, but the product has %v", tc.on, tc.level, tc.stars, got.GetCertificates())
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s %d stars: %v", tc.on, tc.level, tc.stars, err)
			continue
		}
		if c.GetStars() != tc.stars || c.GetEvaluationId() != ev.GetId() || c.GetIssuedOn() != issued {
			t.Errorf("%s %s: certificate %v", tc.on, tc.level, c)
		}
		if got := a.get(t, product, issued); got.GetCertifiedStars() != tc.stars {
			t.Errorf("%s %s: %d stars in force on %s, want %d", tc.on, tc.level, got.GetCertifiedStars(), issued, tc.stars)
		}
	}
}

// Refusals about councils read as plain English sentences: the council is
// named in English, the decision by its number.
func TestCouncilRefusalsReadAsEnglish(t *testing.T) {
	e := newEnv(t)
	a := e.api
	ctx := context.Background()
	producer := a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01")
	product := a.product(t, producer, "Chè xanh La Hiên", "BEVERAGE")
	_, err := a.CreateEvaluation(ctx, &ocopv1.CreateEvaluationRequest{ProductId: product, Evaluation: &ocopv1.Evaluation{
		Year: 2025, EvaluatedOn: "2025-08-01", CouncilLevel: byDistrict, Scores: fill23(60)}})
	grpctest.WantViolations(t, err, "evaluation.council_level")
	if want := "invalid evaluation.council_level: there is no district council in the OCOP procedure in force on 2025-08-01"; status.Convert(err).Message() != want {
		t.Errorf("message %q, want %q", status.Convert(err).Message(), want)
	}
	ev := a.evaluate(t, product, 2024, "2024-05-10", byProvince, fill23(60))
	_, err = a.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: product, Certificate: &ocopv1.Certificate{
		EvaluationId: ev.GetId(), DecisionNumber: "1/QĐ-UBND", IssuedOn: "2024-06-01"}})
	grpctest.WantViolations(t, err, "certificate.evaluation_id")
	want := "invalid certificate.evaluation_id: the provincial council cannot certify 3 stars under the rules in force on 2024-05-10 (Decision 148/QĐ-TTg): 3 stars need the district council"
	if status.Convert(err).Message() != want {
		t.Errorf("message %q, want %q", status.Convert(err).Message(), want)
	}
}
