// Package store keeps the OCOP service's producers, products and their yearly
// cycle (registrations, evaluations, certificates) in SQL. One implementation
// serves SQLite and PostgreSQL (the SQL text is shared; each dialect has its
// own migrations), and both pass the conformance suite in storetest.
//
// The store is plain data. Stars, council rules and a certificate's validity
// are decided by the rating package before anything is written; the store
// records what it is given, keeps a product's certificates in date order
// (a new one ends the one in force) and answers as-of questions.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/fault"
)

// ErrNotFound is returned when a read or a review finds no such row.
var ErrNotFound = errors.New("not found")

// Eligibility of a registration, as the proto's Eligibility enum names it.
const (
	Pending     = "PENDING"
	Eligible    = "ELIGIBLE"
	NotEligible = "NOT_ELIGIBLE"
)

// Why a certificate ended before its ValidUntil.
const (
	EndRevoked    = "revoked"
	EndSuperseded = "superseded"
)

// Producer is an OCOP producer (chủ thể) located in a commune or ward.
type Producer struct {
	ID   int64
	Name string
	// Kind is ENTERPRISE, COOPERATIVE, COOPERATIVE_GROUP or HOUSEHOLD_BUSINESS.
	Kind string
	// UnitCode is the commune or ward the producer is located in on RegisteredOn.
	UnitCode           string
	RegisteredOn       date.Date
	RegistrationNumber string
	// CreatedAt is set by the database (UTC), so replicas with drifting
	// clocks agree on one time source.
	CreatedAt time.Time
}

// Product is a product of a producer.
type Product struct {
	ID           int64
	Name         string
	ProducerID   int64
	ProductGroup string
	// UnitCode is the producer's, copied by CreateProduct: lists and
	// summaries by commune then read the products table alone.
	UnitCode  string
	CreatedAt time.Time
}

// Store is the OCOP service's database.
type Store struct {
	db *db.DB
}

func New(d *db.DB) *Store { return &Store{db: d} }

// Ping reports whether the database answers (gRPC health readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

const producerColumns = `id, name, kind, unit_code, registered_on, registration_number, created_at`

func scanProducer(sc db.Scanner) (Producer, error) {
	var p Producer
	var created db.Timestamp
	err := sc.Scan(&p.ID, &p.Name, &p.Kind, &p.UnitCode, &p.RegisteredOn, &p.RegistrationNumber, &created)
	p.CreatedAt = created.T
	return p, err
}

// CreateProducer records a producer, with its audit row, and returns it
// with ID and CreatedAt set. Whether its unit exists is the caller's
// question (the registry's); the store takes the code as given.
func (s *Store) CreateProducer(ctx context.Context, p Producer) (Producer, error) {
	saved, err := s.CreateProducers(ctx, []Producer{p})
	if err != nil {
		return Producer{}, err
	}
	return saved[0], nil
}

// CreateProducers records producers as CreateProducer does, all in one
// transaction (a file's rows): all of them or none.
func (s *Store) CreateProducers(ctx context.Context, ps []Producer) ([]Producer, error) {
	out := make([]Producer, len(ps))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for i, p := range ps {
			var created db.Timestamp
			if err := tx.QueryRowContext(ctx, `INSERT INTO producers (name, kind, unit_code, registered_on, registration_number)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
				p.Name, p.Kind, p.UnitCode, p.RegisteredOn, p.RegistrationNumber).Scan(&p.ID, &created); err != nil {
				return fmt.Errorf("record producer: %w", err)
			}
			p.CreatedAt = created.T
			if err := audit.Record(ctx, tx, audit.Change{Resource: ProducerName(p.ID), Unit: p.UnitCode, After: p}); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetProducer returns one producer (ErrNotFound if there is none with id).
func (s *Store) GetProducer(ctx context.Context, id int64) (Producer, error) {
	p, err := scanProducer(s.db.QueryRowContext(ctx, `SELECT `+producerColumns+` FROM producers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Producer{}, ErrNotFound
	}
	return p, err
}

const productColumns = `id, name, producer_id, product_group, unit_code, created_at`

func scanProduct(sc db.Scanner) (Product, error) {
	var p Product
	var created db.Timestamp
	err := sc.Scan(&p.ID, &p.Name, &p.ProducerID, &p.ProductGroup, &p.UnitCode, &created)
	p.CreatedAt = created.T
	return p, err
}

// CreateProduct records a product of an existing producer, with its audit
// row, and returns it with ID, UnitCode (the producer's; p.UnitCode is
// ignored) and CreatedAt set. A missing producer is bad input in the
// request's body, so the fault names product.producer_id rather than
// saying "not found".
func (s *Store) CreateProduct(ctx context.Context, p Product) (Product, error) {
	saved, err := s.CreateProducts(ctx, []Product{p})
	if err != nil {
		return Product{}, err
	}
	return saved[0], nil
}

// CreateProducts records products as CreateProduct does, all in one
// transaction (a file's rows): all of them or none.
func (s *Store) CreateProducts(ctx context.Context, ps []Product) ([]Product, error) {
	out := make([]Product, len(ps))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for i, p := range ps {
			err := tx.QueryRowContext(ctx, `SELECT unit_code FROM producers WHERE id = $1`, p.ProducerID).Scan(&p.UnitCode)
			if errors.Is(err, sql.ErrNoRows) {
				return fault.Invalid("product.producer_id", "producer %d does not exist", p.ProducerID)
			}
			if err != nil {
				return fmt.Errorf("read producer %d: %w", p.ProducerID, err)
			}
			var created db.Timestamp
			if err := tx.QueryRowContext(ctx, `INSERT INTO products (name, producer_id, product_group, unit_code)
			VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
				p.Name, p.ProducerID, p.ProductGroup, p.UnitCode).Scan(&p.ID, &created); err != nil {
				return fmt.Errorf("record product: %w", err)
			}
			p.CreatedAt = created.T
			if err := audit.Record(ctx, tx, audit.Change{Resource: ProductName(p.ID), Unit: p.UnitCode, After: p}); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetProduct returns one product (ErrNotFound if there is none with id),
// without its history (see History).
func (s *Store) GetProduct(ctx context.Context, id int64) (Product, error) {
	p, err := scanProduct(s.db.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, ErrNotFound
	}
	return p, err
}

// productNotFound is the fault of a write under `products/{id}` whose product
// does not exist: the id is in the resource name, so NOT_FOUND, not bad input.
func productNotFound(id int64) error {
	return fault.NotFound("product", ProductName(id), "product %d does not exist", id)
}

// productExists reports whether product id exists.
func (s *Store) productExists(ctx context.Context, id int64) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM products WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// productUnit is the unit of product id (its producer's commune), which the
// audit rows of the product's cycle carry; productNotFound if there is no
// such product. Products are never deleted, so a write that read it may
// insert under the product in the same transaction.
func productUnit(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var unit string
	err := tx.QueryRowContext(ctx, `SELECT unit_code FROM products WHERE id = $1`, id).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return "", productNotFound(id)
	}
	if err != nil {
		return "", fmt.Errorf("read product %d: %w", id, err)
	}
	return unit, nil
}
