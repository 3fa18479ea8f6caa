package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/platform/date"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

//go:embed ocop.json
var ocopJSON []byte

// ocopProducer is a producer of the demo and its products' stories, in the
// order things happened. Messages are in their REST (protojson) form.
type ocopProducer struct {
	Producer json.RawMessage `json:"producer"`
	Products []struct {
		Product       json.RawMessage `json:"product"`
		Registrations []struct {
			Year         int32           `json:"year"`
			RegisteredOn string          `json:"registeredOn"`
			Review       json.RawMessage `json:"review"` // a ReviewRegistrationRequest without product and year
		} `json:"registrations"`
		Evaluations []struct {
			Evaluation  json.RawMessage `json:"evaluation"`
			Certificate json.RawMessage `json:"certificate"` // of the evaluation, if one was issued
		} `json:"evaluations"`
	} `json:"products"`
}

// loadOcop records the demo's producers and products unless the province
// already has producers.
func loadOcop(ctx context.Context, oc ocopv1.OcopServiceClient) (bool, error) {
	got, err := oc.ListProducers(ctx, &ocopv1.ListProducersRequest{UnitCode: ProvinceCode, AsOf: date.Today().String(), PageSize: 1})
	if err != nil {
		return false, fmt.Errorf("look for demo producers: %w", err)
	}
	if len(got.GetProducers()) > 0 {
		return false, nil
	}
	var producers []ocopProducer
	if err := json.Unmarshal(ocopJSON, &producers); err != nil {
		return false, fmt.Errorf("demo ocop.json: %w", err)
	}
	for _, p := range producers {
		if err := loadProducer(ctx, oc, p); err != nil {
			return false, fmt.Errorf("demo ocop.json: %w", err)
		}
	}
	return true, nil
}

func loadProducer(ctx context.Context, oc ocopv1.OcopServiceClient, p ocopProducer) error {
	producer := &ocopv1.Producer{}
	if err := protojson.Unmarshal(p.Producer, producer); err != nil {
		return err
	}
	producer, err := oc.CreateProducer(ctx, &ocopv1.CreateProducerRequest{Producer: producer})
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	for _, pr := range p.Products {
		product := &ocopv1.Product{}
		if err := protojson.Unmarshal(pr.Product, product); err != nil {
			return err
		}
		product.ProducerId = producer.GetId()
		if product, err = oc.CreateProduct(ctx, &ocopv1.CreateProductRequest{Product: product}); err != nil {
			return fmt.Errorf("product %s: %w", product.GetDisplayName(), err)
		}
		id := product.GetId()
		for _, r := range pr.Registrations {
			if _, err := oc.CreateRegistration(ctx, &ocopv1.CreateRegistrationRequest{ProductId: id,
				Registration: &ocopv1.Registration{Year: r.Year, RegisteredOn: r.RegisteredOn}}); err != nil {
				return fmt.Errorf("registration %d of %s: %w", r.Year, product.GetDisplayName(), err)
			}
			if r.Review == nil {
				continue
			}
			review := &ocopv1.ReviewRegistrationRequest{}
			if err := protojson.Unmarshal(r.Review, review); err != nil {
				return err
			}
			review.ProductId, review.Year = id, r.Year
			if _, err := oc.ReviewRegistration(ctx, review); err != nil {
				return fmt.Errorf("review %d of %s: %w", r.Year, product.GetDisplayName(), err)
			}
		}
		for _, e := range pr.Evaluations {
			ev := &ocopv1.Evaluation{}
			if err := protojson.Unmarshal(e.Evaluation, ev); err != nil {
				return err
			}
			if ev, err = oc.CreateEvaluation(ctx, &ocopv1.CreateEvaluationRequest{ProductId: id, Evaluation: ev}); err != nil {
				return fmt.Errorf("evaluation of %s: %w", product.GetDisplayName(), err)
			}
			if e.Certificate == nil {
				continue
			}
			cert := &ocopv1.Certificate{}
			if err := protojson.Unmarshal(e.Certificate, cert); err != nil {
				return err
			}
			cert.EvaluationId = ev.GetId()
			if _, err := oc.CreateCertificate(ctx, &ocopv1.CreateCertificateRequest{ProductId: id, Certificate: cert}); err != nil {
				return fmt.Errorf("certificate of %s: %w", product.GetDisplayName(), err)
			}
		}
	}
	return nil
}
