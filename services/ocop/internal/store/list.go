package store

import (
	"context"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// ListProducers lists the producers located in unitCodes and registered on or
// before asOf, by ID, those after the ID after (0 for the first page), at
// most limit. The codes are the units of asOf the caller found in the
// registry (the communes under a province that day); the registration date
// keeps producers that joined the program later out of an earlier day's list.
func (s *Store) ListProducers(ctx context.Context, unitCodes []string, asOf date.Date, after int64, limit int) ([]Producer, error) {
	return db.ListIn(ctx, s.db, `SELECT `+producerColumns+` FROM producers
		WHERE id > $1 AND registered_on <= $3 AND unit_code IN ({in})
		ORDER BY id LIMIT $2`, scanProducer, func(p Producer) int64 { return p.ID }, unitCodes, after, limit, asOf)
}

// ListedProduct is a product as a list shows it on a date: with the stars
// of its certificate in force that day (0 for none) and the first day that
// certificate no longer holds (zero for none).
type ListedProduct struct {
	Product
	CertifiedStars int
	CertifiedUntil date.Date
}

// ProductFilter narrows ListProducts: to a product group ("" for every
// group), and, when ExpiringBy is set, to the products whose certificate in
// force on the list's date ends on or before it (ValidUntil <= ExpiringBy),
// the certificates SummaryFacts counts as expiring.
type ProductFilter struct {
	Group      string
	ExpiringBy date.Date
}

// inForceColumn is a column of the certificate of product p in force on $3,
// its latest issued (supersession leaves one; the latest keeps the answer
// right even so, as SummaryFacts takes it).
func inForceColumn(column string) string {
	return `(SELECT x.` + column + ` FROM certificates x WHERE x.product_id = p.id AND ` + inForceOn("x.", 3) + `
				ORDER BY x.issued_on DESC, x.id DESC LIMIT 1)`
}

// ListProducts lists the products in unitCodes of producers registered on or
// before asOf, narrowed by f, by ID, those after the ID after, at most
// limit, each with its certificate in force on asOf. A product has no date
// of its own: it is as old as its producer's registration.
func (s *Store) ListProducts(ctx context.Context, unitCodes []string, f ProductFilter, asOf date.Date, after int64, limit int) ([]ListedProduct, error) {
	args := []any{asOf, f.Group}
	expiring := ""
	if !f.ExpiringBy.IsZero() {
		args = append(args, f.ExpiringBy)
		expiring = ` WHERE certified_until <= $5`
	}
	return db.ListIn(ctx, s.db, `SELECT id, name, producer_id, product_group, unit_code, created_at, certified_stars, certified_until FROM (
			SELECT p.id, p.name, p.producer_id, p.product_group, p.unit_code, p.created_at,
				COALESCE(`+inForceColumn("stars")+`, 0) AS certified_stars, `+inForceColumn("valid_until")+` AS certified_until
			FROM products p JOIN producers r ON r.id = p.producer_id
			WHERE p.id > $1 AND r.registered_on <= $3 AND ($4 = '' OR p.product_group = $4) AND p.unit_code IN ({in})) listed`+expiring+`
		ORDER BY id LIMIT $2`, scanListedProduct, func(p ListedProduct) int64 { return p.ID }, unitCodes, after, limit, args...)
}

func scanListedProduct(sc db.Scanner) (ListedProduct, error) {
	var p ListedProduct
	var created db.Timestamp
	err := sc.Scan(&p.ID, &p.Name, &p.ProducerID, &p.ProductGroup, &p.UnitCode, &created, &p.CertifiedStars, &p.CertifiedUntil)
	p.CreatedAt = created.T
	return p, err
}
