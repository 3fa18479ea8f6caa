package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Registration is a product's registration for one year's cycle and the
// outcome of its dossier check. There is at most one per product and year.
type Registration struct {
	ProductID    int64
	Year         int
	RegisteredOn date.Date
	// Eligibility is Pending until reviewed, then Eligible or NotEligible
	// (with a Reason) from ReviewedOn.
	Eligibility string
	Reason      string
	ReviewedOn  date.Date // zero until reviewed
	// Version is 1 when recorded and counts the reviews since: its etag
	// (etag.Of) is what a review must send to replace the last one.
	Version int64
}

const registrationColumns = `product_id, year, registered_on, eligibility, reason, reviewed_on, version`

func scanRegistration(sc db.Scanner) (Registration, error) {
	var r Registration
	err := sc.Scan(&r.ProductID, &r.Year, &r.RegisteredOn, &r.Eligibility, &r.Reason, &r.ReviewedOn, &r.Version)
	return r, err
}

func scanRegistrations(rows *sql.Rows, err error) ([]Registration, error) {
	return db.ScanAll(rows, err, scanRegistration)
}

// CreateRegistration records a product's registration for r.Year, with its
// audit row. An empty Eligibility is recorded as Pending (a new
// registration is not reviewed yet); a reviewed one may be given whole,
// with its ReviewedOn, when history is imported. A second registration for
// the same product and year is fault.AlreadyExists: the cycle's figures
// count each product once a year.
func (s *Store) CreateRegistration(ctx context.Context, r Registration) (Registration, error) {
	if r.Eligibility == "" {
		r.Eligibility = Pending
	}
	r.Version = 1 // the column's default
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		unit, err := productUnit(ctx, tx, r.ProductID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations (product_id, year, registered_on, eligibility, reason, reviewed_on)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.ProductID, r.Year, r.RegisteredOn, r.Eligibility, r.Reason, r.ReviewedOn)
		if db.IsUniqueViolation(err) {
			return fault.AlreadyExists("registration", registrationName(r.ProductID, r.Year),
				"product %d is already registered for %d", r.ProductID, r.Year)
		}
		if err != nil {
			return fmt.Errorf("record registration of product %d for %d: %w", r.ProductID, r.Year, err)
		}
		return audit.Record(ctx, tx, audit.Change{Resource: registrationName(r.ProductID, r.Year), Unit: unit, After: r})
	})
	if err != nil {
		return Registration{}, err
	}
	return r, nil
}

// ReviewRegistration records the dossier check of a product's registration
// for year: Eligible, or NotEligible with a reason, decided on reviewedOn;
// its audit row holds the registration before and after. A registration
// may be reviewed again (a dossier completed after being sent back), but
// only by naming the review it replaces: sentEtag must then be the
// registration's current etag (fault.Precondition ETAG_REQUIRED when
// empty), so that a review is never silently overwritten by one decided
// without knowing it. A sentEtag that is not current is refused
// (etag.Mismatch), for a first review too. The last review wins and its date
// is kept, so as-of figures count the registration as pending until then.
// ErrNotFound if the product has no registration for year; productNotFound's
// fault if there is no product.
func (s *Store) ReviewRegistration(ctx context.Context, productID int64, year int, eligibility, reason string, reviewedOn date.Date, sentEtag string) (Registration, error) {
	var after Registration
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Reviews of one product take turns, so that the registration read
		// here is the one this review replaces.
		unit, err := lockProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		before, err := scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations
			WHERE product_id = $1 AND year = $2`, productID, year))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read registration of product %d for %d: %w", productID, year, err)
		}
		name := registrationName(productID, year)
		if err := etag.Check(sentEtag, before.Version, "registration", name); err != nil {
			return err
		}
		if before.Eligibility != Pending && sentEtag == "" {
			return fault.Precondition("ETAG_REQUIRED", "registration", name,
				"product %d's registration for %d was already reviewed (%s on %s); to replace that review, send etag (or the If-Match header) "+
					"with the etag of the registration as read with the review being replaced", productID, year, before.Eligibility, before.ReviewedOn)
		}
		if after, err = scanRegistration(tx.QueryRowContext(ctx, `UPDATE registrations SET eligibility = $1, reason = $2, reviewed_on = $3,
			version = version + 1 WHERE product_id = $4 AND year = $5 RETURNING `+registrationColumns, eligibility, reason, reviewedOn, productID, year)); err != nil {
			return fmt.Errorf("review registration of product %d for %d: %w", productID, year, err)
		}
		return audit.Record(ctx, tx, audit.Change{Resource: name, Unit: unit, Before: before, After: after})
	})
	if err != nil {
		return Registration{}, err
	}
	return after, nil
}

// LineScore is the points given to one line of a scoring sheet.
type LineScore struct {
	Code   string
	Points float64
}

// PartTotal is the points of one part of the sheet (A, B, C) and its maximum.
type PartTotal struct {
	Part        string
	Points, Max float64
}

// Evaluation is one council's scoring sheet for a product, as decided: the
// catalog in force on EvaluatedOn, the points, the total and the stars are
// never recomputed, so history reads as it was decided.
type Evaluation struct {
	ID           int64
	ProductID    int64
	Year         int // the cycle year
	EvaluatedOn  date.Date
	CouncilLevel string // COMMUNE, DISTRICT, PROVINCE or CENTRAL
	Catalog      string
	// Scores and Parts come back nil when empty.
	Scores    []LineScore
	Parts     []PartTotal
	Total     float64
	Stars     int
	Note      string
	CreatedAt time.Time
}

// The JSON columns have shapes of their own: rows outlive Go field names.
type lineScoreJSON struct {
	Code   string  `json:"code"`
	Points float64 `json:"points"`
}

type partTotalJSON struct {
	Part   string  `json:"part"`
	Points float64 `json:"points"`
	Max    float64 `json:"max"`
}

// points checks a stored number: the database cannot CHECK inside the JSON,
// and JSON cannot hold NaN or infinities anyway.
func points(field string, v float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s is %v, want a finite number >= 0", field, v)
	}
	return nil
}

// encodeSheet writes an evaluation's JSON columns.
func encodeSheet(e Evaluation) (scores, parts string, err error) {
	ls := make([]lineScoreJSON, len(e.Scores))
	for i, sc := range e.Scores {
		if err := points(fmt.Sprintf("scores[%d].points", i), sc.Points); err != nil {
			return "", "", err
		}
		ls[i] = lineScoreJSON(sc)
	}
	pt := make([]partTotalJSON, len(e.Parts))
	for i, p := range e.Parts {
		if err := errors.Join(points(fmt.Sprintf("parts[%d].points", i), p.Points), points(fmt.Sprintf("parts[%d].max", i), p.Max)); err != nil {
			return "", "", err
		}
		pt[i] = partTotalJSON(p)
	}
	b, err := json.Marshal(ls)
	if err != nil {
		return "", "", err
	}
	c, err := json.Marshal(pt)
	return string(b), string(c), err
}

// decodeSheet fills e's scores and parts from the JSON columns.
func decodeSheet(e *Evaluation, scores, parts string) error {
	var ls []lineScoreJSON
	var pt []partTotalJSON
	if err := json.Unmarshal([]byte(scores), &ls); err != nil {
		return fmt.Errorf("scores: %w", err)
	}
	if err := json.Unmarshal([]byte(parts), &pt); err != nil {
		return fmt.Errorf("parts: %w", err)
	}
	for _, l := range ls {
		e.Scores = append(e.Scores, LineScore(l))
	}
	for _, p := range pt {
		e.Parts = append(e.Parts, PartTotal(p))
	}
	return nil
}

const evaluationColumns = `id, product_id, year, evaluated_on, council_level, catalog, scores_json, parts_json, total, stars, note, created_at`

func scanEvaluation(sc db.Scanner) (Evaluation, error) {
	var e Evaluation
	var scores, parts string
	var created db.Timestamp
	if err := sc.Scan(&e.ID, &e.ProductID, &e.Year, &e.EvaluatedOn, &e.CouncilLevel, &e.Catalog,
		&scores, &parts, &e.Total, &e.Stars, &e.Note, &created); err != nil {
		return e, err
	}
	e.CreatedAt = created.T
	if err := decodeSheet(&e, scores, parts); err != nil {
		return e, fmt.Errorf("evaluation %d in the database: %w", e.ID, err)
	}
	return e, nil
}

func scanEvaluations(rows *sql.Rows, err error) ([]Evaluation, error) {
	return db.ScanAll(rows, err, scanEvaluation)
}

// CreateEvaluation records a scoring sheet of an existing product (a fault
// naming the product otherwise), with its audit row, and returns it with ID
// and CreatedAt set. Evaluations are never replaced: a re-evaluation is a
// new row, and the latest (EvaluatedOn, then ID) of a year is the one the
// year's figures count.
func (s *Store) CreateEvaluation(ctx context.Context, e Evaluation) (Evaluation, error) {
	saved, err := s.CreateEvaluations(ctx, []Evaluation{e})
	if err != nil {
		return Evaluation{}, err
	}
	return saved[0], nil
}

// CreateEvaluations records evaluations as CreateEvaluation does, all in
// one transaction (a file's rows): all of them or none.
func (s *Store) CreateEvaluations(ctx context.Context, es []Evaluation) ([]Evaluation, error) {
	out := make([]Evaluation, len(es))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for i, e := range es {
			saved, err := createEvaluation(ctx, tx, e)
			if err != nil {
				return err
			}
			out[i] = saved
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func createEvaluation(ctx context.Context, tx *sql.Tx, e Evaluation) (Evaluation, error) {
	scores, parts, err := encodeSheet(e)
	if err != nil {
		return Evaluation{}, fmt.Errorf("evaluation of product %d: %w", e.ProductID, err)
	}
	// Read back as stored: empty lists are nil, as every read returns them.
	if len(e.Scores) == 0 {
		e.Scores = nil
	}
	if len(e.Parts) == 0 {
		e.Parts = nil
	}
	unit, err := productUnit(ctx, tx, e.ProductID)
	if err != nil {
		return Evaluation{}, err
	}
	var created db.Timestamp
	if err := tx.QueryRowContext(ctx, `INSERT INTO evaluations
		(product_id, year, evaluated_on, council_level, catalog, scores_json, parts_json, total, stars, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
		e.ProductID, e.Year, e.EvaluatedOn, e.CouncilLevel, e.Catalog, scores, parts, e.Total, e.Stars, e.Note).Scan(&e.ID, &created); err != nil {
		return Evaluation{}, fmt.Errorf("record evaluation of product %d: %w", e.ProductID, err)
	}
	e.CreatedAt = created.T
	return e, audit.Record(ctx, tx, audit.Change{Resource: evaluationName(e.ProductID, e.ID), Unit: unit, After: e})
}

// History is everything recorded about a product, oldest first.
type History struct {
	Registrations []Registration // by Year
	Evaluations   []Evaluation   // by EvaluatedOn, then ID
	Certificates  []Certificate  // by IssuedOn
}

// History returns a product's registrations, evaluations and certificates in
// date order (ErrNotFound if the product does not exist). The lists are read
// one after the other without a transaction (a read transaction would take
// SQLite's write lock); certificates are read first, so every certificate's
// evaluation is in the list even if both were written in between.
func (s *Store) History(ctx context.Context, productID int64) (History, error) {
	var h History
	ok, err := s.productExists(ctx, productID)
	if err != nil {
		return h, err
	}
	if !ok {
		return h, ErrNotFound
	}
	if h.Certificates, err = scanCertificates(s.db.QueryContext(ctx, `SELECT `+certificateColumns+` FROM certificates
		WHERE product_id = $1 ORDER BY issued_on, id`, productID)); err != nil {
		return History{}, fmt.Errorf("certificates of product %d: %w", productID, err)
	}
	if h.Evaluations, err = scanEvaluations(s.db.QueryContext(ctx, `SELECT `+evaluationColumns+` FROM evaluations
		WHERE product_id = $1 ORDER BY evaluated_on, id`, productID)); err != nil {
		return History{}, fmt.Errorf("evaluations of product %d: %w", productID, err)
	}
	if h.Registrations, err = scanRegistrations(s.db.QueryContext(ctx, `SELECT `+registrationColumns+` FROM registrations
		WHERE product_id = $1 ORDER BY year`, productID)); err != nil {
		return History{}, fmt.Errorf("registrations of product %d: %w", productID, err)
	}
	return h, nil
}
