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
	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/fault"
)

// Certificate is an OCOP certificate (a rating decision) of a product, valid
// over [IssuedOn, ValidUntil) unless ended early.
type Certificate struct {
	ID             int64
	ProductID      int64
	EvaluationID   int64 // an evaluation of the same product
	DecisionNumber string
	IssuedOn       date.Date
	Stars          int // 3 to 5: only those are certified
	// ValidUntil is the first day it no longer holds (issue + the catalog's
	// validity), decided by the caller.
	ValidUntil date.Date
	// EndedOn is the first day it no longer holds when that comes before
	// ValidUntil (zero otherwise), EndReason why: EndSuperseded when a later
	// certificate of the product was issued, EndRevoked by a revocation
	// decision (RevocationDecision).
	EndedOn            date.Date
	EndReason          string
	RevocationDecision string
	CreatedAt          time.Time
	// Version is 1 when issued and counts its changes since (ended by a
	// later certificate, revoked); its etag (etag.Of) is what a revocation
	// may send to be refused if the certificate changed since it was read.
	Version int64
}

// Validity is the range over which c holds: [IssuedOn, EndedOn) when it
// ended early, [IssuedOn, ValidUntil) otherwise.
func (c Certificate) Validity() date.Range {
	if !c.EndedOn.IsZero() && c.EndedOn.Before(c.ValidUntil) {
		return date.Range{From: c.IssuedOn, To: c.EndedOn}
	}
	return date.Range{From: c.IssuedOn, To: c.ValidUntil}
}

// InForceOn reports whether c holds on d; inForceOn says the same in SQL.
func (c Certificate) InForceOn(d date.Date) bool { return c.Validity().Contains(d) }

// inForceOn filters certificates (columns prefixed with alias) in force on
// the date bound to $n: issued on or before it, and neither expired nor
// ended by then. Certificate.InForceOn is the same rule in Go.
func inForceOn(alias string, n int) string {
	return fmt.Sprintf("%[1]sissued_on <= $%[2]d AND %[1]svalid_until > $%[2]d AND (%[1]sended_on IS NULL OR %[1]sended_on > $%[2]d)", alias, n)
}

const certificateColumns = `id, product_id, evaluation_id, decision_number, issued_on, stars, valid_until, ended_on, end_reason, revocation_decision, created_at, version`

func scanCertificate(sc db.Scanner) (Certificate, error) {
	var c Certificate
	var created db.Timestamp
	err := sc.Scan(&c.ID, &c.ProductID, &c.EvaluationID, &c.DecisionNumber, &c.IssuedOn, &c.Stars,
		&c.ValidUntil, &c.EndedOn, &c.EndReason, &c.RevocationDecision, &created, &c.Version)
	c.CreatedAt = created.T
	return c, err
}

func scanCertificates(rows *sql.Rows, err error) ([]Certificate, error) {
	return db.ScanAll(rows, err, scanCertificate)
}

// CreateCertificate records a certificate of c.ProductID for c.EvaluationID
// and returns it with ID and CreatedAt set (EndedOn, EndReason and
// RevocationDecision of c are ignored: a new certificate has not ended).
// In one transaction, so that a failed insert leaves the product's
// certificates (and the audit trail) as they were:
//
//   - the evaluation must be one of the product's (a fault naming
//     certificate.evaluation_id otherwise);
//   - c.IssuedOn must come after every certificate the product already has
//     (fault.Precondition otherwise): history is recorded in date order, so a
//     product never holds two certificates on one day;
//   - the certificate in force on c.IssuedOn, if any, ends that day as
//     superseded (a re-evaluation renews or downgrades the rating), and is
//     kept in the history;
//   - the audit records the new certificate and the one it superseded.
//
// A certificate in force whose revocation takes effect after c.IssuedOn is
// superseded all the same, from c.IssuedOn; its RevocationDecision is kept.
func (s *Store) CreateCertificate(ctx context.Context, c Certificate) (Certificate, error) {
	c.EndedOn, c.EndReason, c.RevocationDecision = date.Date{}, "", ""
	c.Version = 1 // the column's default
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		unit, err := lockProduct(ctx, tx, c.ProductID)
		if err != nil {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM evaluations WHERE id = $1 AND product_id = $2`, c.EvaluationID, c.ProductID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Invalid("certificate.evaluation_id", "product %d has no evaluation %d", c.ProductID, c.EvaluationID)
		}
		if err != nil {
			return err
		}
		var last date.Date
		if err := tx.QueryRowContext(ctx, `SELECT max(issued_on) FROM certificates WHERE product_id = $1`, c.ProductID).Scan(&last); err != nil {
			return err
		}
		if !last.IsZero() && !last.Before(c.IssuedOn) {
			return fault.Precondition("CERTIFICATE_OUT_OF_ORDER", "product", ProductName(c.ProductID),
				"product %d already has a certificate issued on %s; certificates are recorded in date order, so one issued on %s cannot be added",
				c.ProductID, last, c.IssuedOn)
		}
		changes, err := supersede(ctx, tx, c.ProductID, unit, c.IssuedOn)
		if err != nil {
			return err
		}
		var created db.Timestamp
		err = tx.QueryRowContext(ctx, `INSERT INTO certificates (product_id, evaluation_id, decision_number, issued_on, stars, valid_until)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
			c.ProductID, c.EvaluationID, c.DecisionNumber, c.IssuedOn, c.Stars, c.ValidUntil).Scan(&c.ID, &created)
		if err != nil {
			return fmt.Errorf("record certificate of product %d: %w", c.ProductID, err)
		}
		c.CreatedAt = created.T
		changes = append(changes, audit.Change{Resource: certificateName(c.ProductID, c.ID), Unit: unit, After: c})
		return audit.Record(ctx, tx, changes...)
	})
	if err != nil {
		return Certificate{}, err
	}
	return c, nil
}

// supersede ends the certificate of productID in force on `on` (if any)
// that day, and returns the audit changes of what it ended. The caller
// holds the product's lock (lockProduct).
func supersede(ctx context.Context, tx *sql.Tx, productID int64, unit string, on date.Date) ([]audit.Change, error) {
	inForce, err := scanCertificates(tx.QueryContext(ctx, `SELECT `+certificateColumns+` FROM certificates
		WHERE product_id = $2 AND `+inForceOn("", 1), on, productID))
	if err != nil {
		return nil, fmt.Errorf("read the certificate in force on %s: %w", on, err)
	}
	var changes []audit.Change
	for _, before := range inForce {
		after := before
		after.EndedOn, after.EndReason = on, EndSuperseded
		after.Version++
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET ended_on = $1, end_reason = $2, version = version + 1 WHERE id = $3`,
			after.EndedOn, after.EndReason, after.ID); err != nil {
			return nil, fmt.Errorf("end certificate %d on %s: %w", after.ID, on, err)
		}
		changes = append(changes, audit.Change{Resource: certificateName(productID, after.ID), Unit: unit, Before: before, After: after})
	}
	return changes, nil
}

// lockProduct makes the writes of one product's certificates, and its
// reviews, run one at a time until tx ends, and returns the product's unit
// for their audit rows: a certificate is decided from the ones it reads (the
// latest, the one in force), and two racing under READ COMMITTED could both
// find none in force and leave two in force; an audit row's Before must be
// what the write replaced. A no-op update takes the product's row lock on
// PostgreSQL (SELECT ... FOR UPDATE is not SQLite's); SQLite already
// serialises writers (BEGIN IMMEDIATE). fault.NotFound if the product does
// not exist.
func lockProduct(ctx context.Context, tx *sql.Tx, id int64) (unit string, err error) {
	err = tx.QueryRowContext(ctx, `UPDATE products SET name = name WHERE id = $1 RETURNING unit_code`, id).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return "", productNotFound(id)
	}
	if err != nil {
		return "", fmt.Errorf("lock product %d: %w", id, err)
	}
	return unit, nil
}

// RevokeCertificate records that certificate id of productID no longer holds
// from revokedOn, by decision (thu hồi), and returns it; its audit row holds
// the certificate before and after. revokedOn must fall within the
// certificate's validity, [IssuedOn, ValidUntil), and the certificate must
// not have ended already (superseded or revoked): fault.Precondition
// otherwise. A sentEtag other than the certificate's current one is refused
// first (etag.Mismatch); empty, it is no condition. It takes the product's
// lock, so of two revocations racing, the second finds the certificate
// ended, or its etag stale.
func (s *Store) RevokeCertificate(ctx context.Context, productID, id int64, revokedOn date.Date, decision, sentEtag string) (Certificate, error) {
	var c Certificate
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		unit, err := lockProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		before, err := scanCertificate(tx.QueryRowContext(ctx,
			`SELECT `+certificateColumns+` FROM certificates WHERE id = $1 AND product_id = $2`, id, productID))
		if errors.Is(err, sql.ErrNoRows) {
			return fault.NotFound("certificate", certificateName(productID, id), "product %d has no certificate %d", productID, id)
		}
		if err != nil {
			return err
		}
		if err := etag.Check(sentEtag, before.Version, "certificate", certificateName(productID, id)); err != nil {
			return err
		}
		if !before.EndedOn.IsZero() {
			return fault.Precondition("CERTIFICATE_ENDED", "certificate", certificateName(productID, id),
				"certificate %d was already %s from %s", id, before.EndReason, before.EndedOn)
		}
		if !before.InForceOn(revokedOn) {
			return fault.Precondition("REVOCATION_OUTSIDE_VALIDITY", "certificate", certificateName(productID, id),
				"certificate %d holds from %s until %s (exclusive); it cannot be revoked from %s", id, before.IssuedOn, before.ValidUntil, revokedOn)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE certificates SET ended_on = $1, end_reason = $2, revocation_decision = $3,
			version = version + 1 WHERE id = $4`, revokedOn, EndRevoked, decision, id); err != nil {
			return fmt.Errorf("revoke certificate %d: %w", id, err)
		}
		c = before
		c.EndedOn, c.EndReason, c.RevocationDecision = revokedOn, EndRevoked, decision
		c.Version++
		return audit.Record(ctx, tx, audit.Change{Resource: certificateName(productID, id), Unit: unit, Before: before, After: c})
	})
	if err != nil {
		return Certificate{}, err
	}
	return c, nil
}
