package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// unitChunk is the most unit codes bound in one statement: far under both
// dialects' parameter limits, and a whole country's communes still take only
// a few round trips.
const unitChunk = 500

// unitChunks returns the distinct codes of codes, in chunks of at most
// unitChunk. Counts add up over the chunks because a repeated code is bound
// once and every producer and product is in one unit.
func unitChunks(codes []string) [][]string {
	seen := make(map[string]bool, len(codes))
	unique := make([]string, 0, len(codes))
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			unique = append(unique, c)
		}
	}
	var out [][]string
	for start := 0; start < len(unique); start += unitChunk {
		out = append(out, unique[start:min(start+unitChunk, len(unique))])
	}
	return out
}

// queryUnits runs query with args bound to $1..$len(args) and codes bound
// after them, written where the query says {units} (inside an IN list).
func (s *Store) queryUnits(ctx context.Context, query string, codes []string, args ...any) (*sql.Rows, error) {
	all := make([]any, 0, len(args)+len(codes))
	all = append(all, args...)
	var in strings.Builder
	for i, c := range codes {
		if i > 0 {
			in.WriteString(", ")
		}
		all = append(all, c)
		in.WriteString("$" + strconv.Itoa(len(all)))
	}
	return s.db.QueryContext(ctx, strings.Replace(query, "{units}", in.String(), 1), all...)
}

// listUnits pages through the rows of every chunk of unitCodes by id: each
// chunk gives its first limit rows after the cursor, and the first limit of
// their union are the page's.
func listUnits[T any](ctx context.Context, s *Store, query string, scan func(db.Scanner) (T, error), id func(T) int64,
	unitCodes []string, after int64, limit int, args ...any) ([]T, error) {
	if limit <= 0 {
		// SQLite reads a negative LIMIT as none and PostgreSQL rejects it, and
		// 0 gives a page that never advances: a caller bug either way.
		return nil, fmt.Errorf("store: list limit %d must be positive", limit)
	}
	var out []T
	for _, codes := range unitChunks(unitCodes) {
		rows, err := s.queryUnits(ctx, query, codes, append([]any{after, limit}, args...)...)
		page, err := db.ScanAll(rows, err, scan)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out[:min(limit, len(out))], nil
}

// ListProducers lists the producers located in unitCodes and registered on or
// before asOf, by ID, those after the ID after (0 for the first page), at
// most limit. The codes are the units of asOf the caller found in the
// registry (the communes under a province that day); the registration date
// keeps producers that joined the program later out of an earlier day's list.
func (s *Store) ListProducers(ctx context.Context, unitCodes []string, asOf date.Date, after int64, limit int) ([]Producer, error) {
	return listUnits(ctx, s, `SELECT `+producerColumns+` FROM producers
		WHERE id > $1 AND registered_on <= $3 AND unit_code IN ({units})
		ORDER BY id LIMIT $2`, scanProducer, func(p Producer) int64 { return p.ID }, unitCodes, after, limit, asOf)
}

// ListedProduct is a product as a list shows it on a date: with the stars
// of its certificate in force that day (0 for none).
type ListedProduct struct {
	Product
	CertifiedStars int
}

// ListProducts lists the products in unitCodes of producers registered on or
// before asOf, of productGroup ("" for every group), by ID, those after the
// ID after, at most limit, each with its stars certified on asOf. A product
// has no date of its own: it is as old as its producer's registration.
func (s *Store) ListProducts(ctx context.Context, unitCodes []string, productGroup string, asOf date.Date, after int64, limit int) ([]ListedProduct, error) {
	return listUnits(ctx, s, `SELECT p.id, p.name, p.producer_id, p.product_group, p.unit_code, p.created_at,
			COALESCE((SELECT x.stars FROM certificates x WHERE x.product_id = p.id AND `+inForceOn("x.", 3)+`
				ORDER BY x.issued_on DESC LIMIT 1), 0)
		FROM products p JOIN producers r ON r.id = p.producer_id
		WHERE p.id > $1 AND r.registered_on <= $3 AND ($4 = '' OR p.product_group = $4) AND p.unit_code IN ({units})
		ORDER BY p.id LIMIT $2`, scanListedProduct, func(p ListedProduct) int64 { return p.ID }, unitCodes, after, limit, asOf, productGroup)
}

func scanListedProduct(sc db.Scanner) (ListedProduct, error) {
	var p ListedProduct
	var created db.Timestamp
	err := sc.Scan(&p.ID, &p.Name, &p.ProducerID, &p.ProductGroup, &p.UnitCode, &created, &p.CertifiedStars)
	p.CreatedAt = created.T
	return p, err
}
