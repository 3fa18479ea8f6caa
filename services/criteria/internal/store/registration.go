package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	"github.com/ntmsuite/ntm/services/criteria/internal/plan"
)

// planGapJSON is a registration's gap as the gap_json column keeps it.
type planGapJSON struct {
	Assessment string        `json:"assessment"`
	AssessedOn date.Date     `json:"assessed_on"`
	Met        int           `json:"met"`
	Count      int           `json:"count"`
	Missing    []missingJSON `json:"missing"`
}

type missingJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func encodeGap(g plan.Gap) (string, error) {
	j := planGapJSON{Assessment: g.Assessment, AssessedOn: g.AssessedOn, Met: g.Met, Count: g.Count, Missing: make([]missingJSON, len(g.Missing))}
	for i, m := range g.Missing {
		j.Missing[i] = missingJSON(m)
	}
	return marshal(j)
}

func decodeGap(s string) (plan.Gap, error) {
	var j planGapJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return plan.Gap{}, err
	}
	g := plan.Gap{Assessment: j.Assessment, AssessedOn: j.AssessedOn, Met: j.Met, Count: j.Count}
	for _, m := range j.Missing {
		g.Missing = append(g.Missing, plan.Criterion(m))
	}
	return g, nil
}

// auditedRegistration is a registration as the trail keeps it: the row as
// stored, its gap verbatim.
type auditedRegistration struct {
	ID             int64           `json:"id"`
	UnitCode       string          `json:"unit_code"`
	UnitType       string          `json:"unit_type"`
	UnitPath       string          `json:"unit_path"`
	Level          string          `json:"level"`
	Year           int             `json:"year"`
	RegisteredOn   string          `json:"registered_on"`
	DecisionNumber string          `json:"decision_number"`
	Note           string          `json:"note"`
	SetCode        string          `json:"set_code"`
	Gap            json.RawMessage `json:"gap"`
	CreatedAt      time.Time       `json:"created_at"`
}

const registrationColumns = `id, unit_code, unit_type, unit_path, level, year, registered_on, decision_number, note, set_code, gap_json, created_at`

// A registration's UnitPath is stored as "/06002/170/19/", each code between
// slashes, so that "made by P or under it" is unit_path LIKE '%/P/%' at any
// depth of P.
const pathSep = "/"

func encodePath(path []string) (string, error) {
	if len(path) == 0 {
		return "", errors.New("no unit path")
	}
	for _, c := range path {
		if c == "" || strings.Contains(c, pathSep) {
			return "", fmt.Errorf("unit path %q: code %q cannot be stored between %q", path, c, pathSep)
		}
	}
	return pathSep + strings.Join(path, pathSep) + pathSep, nil
}

func decodePath(s string) []string { return strings.Split(strings.Trim(s, pathSep), pathSep) }

// pathPattern is the LIKE pattern (escaped with \) of the stored paths holding unit.
func pathPattern(unit string) string {
	return "%" + pathSep + likeEscaper.Replace(unit) + pathSep + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func scanRegistration(sc db.Scanner) (plan.Registration, error) {
	var r plan.Registration
	var unitType, path, level, gap string
	var created db.Timestamp
	if err := sc.Scan(&r.ID, &r.UnitCode, &unitType, &path, &level, &r.Year, &r.RegisteredOn, &r.DecisionNumber, &r.Note,
		&r.SetCode, &gap, &created); err != nil {
		return r, err
	}
	r.CreatedAt, r.UnitPath = created.T, decodePath(path)
	var err error
	if r.UnitType, err = unitTypeText(unitType); err != nil {
		return r, fmt.Errorf("registration %d: %w", r.ID, err)
	}
	if r.Level, err = levelText(level); err != nil {
		return r, fmt.Errorf("registration %d: %w", r.ID, err)
	}
	if r.Gap, err = decodeGap(gap); err != nil {
		return r, fmt.Errorf("registration %d: gap: %w", r.ID, err)
	}
	return r, nil
}

// CreateRegistration records r (its ID and CreatedAt are set by the
// database) with its audit entry, and returns it with created true. If r's
// unit is already registered for its level and year, nothing is written and
// the registration on file is returned with created false.
func (s *Store) CreateRegistration(ctx context.Context, r plan.Registration) (plan.Registration, bool, error) {
	out, created, err := s.CreateRegistrations(ctx, []plan.Registration{r}, true)
	if err != nil {
		return plan.Registration{}, false, err
	}
	return out[0], created[0], nil
}

// CreateRegistrations records rs in one transaction as CreateRegistration
// records one, and returns each as on file with whether it was written;
// with keep false nothing stays written (see createEachOnce).
func (s *Store) CreateRegistrations(ctx context.Context, rs []plan.Registration, keep bool) ([]plan.Registration, []bool, error) {
	out := slices.Clone(rs)
	created, err := s.createEachOnce(ctx, len(rs), keep, func(tx *sql.Tx, i int) (bool, error) {
		r := rs[i]
		gap, err := encodeGap(r.Gap)
		if err != nil {
			return false, fmt.Errorf("registration of unit %s: gap: %w", r.UnitCode, err)
		}
		path, err := encodePath(r.UnitPath)
		if err != nil {
			return false, fmt.Errorf("registration of unit %s: %w", r.UnitCode, err)
		}
		created, err := createOnceIn(ctx, tx, `INSERT INTO registrations
			(unit_code, unit_type, unit_path, level, year, registered_on, decision_number, note, set_code, gap_json)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (unit_code, level, year) DO NOTHING RETURNING id, created_at`,
			[]any{r.UnitCode, r.UnitType.String(), path, r.Level.String(), r.Year, r.RegisteredOn, r.DecisionNumber, r.Note, r.SetCode, gap},
			func(id int64, at time.Time) audit.Change {
				o := &out[i]
				o.ID, o.CreatedAt = id, at
				return audit.Change{Resource: o.Name(), Unit: o.UnitCode, After: auditedRegistration{
					ID: o.ID, UnitCode: o.UnitCode, UnitType: o.UnitType.String(), UnitPath: path, Level: o.Level.String(), Year: o.Year,
					RegisteredOn: o.RegisteredOn.String(), DecisionNumber: o.DecisionNumber, Note: o.Note, SetCode: o.SetCode,
					Gap: json.RawMessage(gap), CreatedAt: o.CreatedAt,
				}}
			},
			func(tx *sql.Tx) (err error) {
				out[i], err = scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations
					WHERE unit_code = $1 AND level = $2 AND year = $3`, r.UnitCode, r.Level.String(), r.Year))
				return err
			})
		if err != nil {
			return false, fmt.Errorf("record registration of unit %s for %s in %d: %w", r.UnitCode, r.Level, r.Year, err)
		}
		return created, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, created, nil
}

// RegistrationQuery selects a year's registrations under a unit, a page at a time.
type RegistrationQuery struct {
	Year int
	// Parent is the unit whose list is asked for: the registrations made by
	// it or by a unit under it on the day each was made (their UnitPath holds
	// it); "" for the whole country.
	Parent string
	// AsOf leaves out registrations made after it: the list as known then.
	AsOf  date.Date
	After *RegistrationCursor // nil = first page
	Limit int                 // > 0
}

// RegistrationCursor is the last registration of a page, in the list's
// order: by unit code, then by id.
type RegistrationCursor struct {
	UnitCode string
	ID       int64
}

// ListRegistrations returns the registrations q selects, by unit code then
// id (the order they were recorded in), in one query. The path is matched
// anywhere ('%/170/%'), which no index serves: the query walks the year's
// registrations in list order and stops once the page is full.
func (s *Store) ListRegistrations(ctx context.Context, q RegistrationQuery) ([]plan.Registration, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("store: list limit %d must be positive", q.Limit)
	}
	if q.AsOf.IsZero() {
		return nil, errors.New("store: a list of registrations needs the day it is as of")
	}
	after := RegistrationCursor{}
	if q.After != nil {
		after = *q.After
	}
	under := "%"
	if q.Parent != "" {
		under = pathPattern(q.Parent)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+registrationColumns+` FROM registrations
		WHERE year = $1 AND registered_on <= $2 AND unit_path LIKE $3 ESCAPE '\'
			AND (unit_code > $4 OR (unit_code = $4 AND id > $5))
		ORDER BY unit_code, id LIMIT $6`, q.Year, q.AsOf, under, after.UnitCode, after.ID, q.Limit)
	return db.ScanAll(rows, err, scanRegistration)
}

// AnyRegistrationUnder reports whether any registration, of any year, was
// made by unit or by a unit under it on the day it was made: a unit gone
// from the map is still a parent to list registrations under when it is.
func (s *Store) AnyRegistrationUnder(ctx context.Context, unit string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM registrations WHERE unit_path LIKE $1 ESCAPE '\' LIMIT 1`, pathPattern(unit)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
