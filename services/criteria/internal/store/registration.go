package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ntmsuite/ntm/platform/audit"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
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
	Level          string          `json:"level"`
	Year           int             `json:"year"`
	RegisteredOn   string          `json:"registered_on"`
	DecisionNumber string          `json:"decision_number"`
	Note           string          `json:"note"`
	SetCode        string          `json:"set_code"`
	Gap            json.RawMessage `json:"gap"`
	CreatedAt      time.Time       `json:"created_at"`
}

const registrationColumns = `id, unit_code, unit_type, level, year, registered_on, decision_number, note, set_code, gap_json, created_at`

func scanRegistration(sc db.Scanner) (plan.Registration, error) {
	var r plan.Registration
	var unitType, level, gap string
	var created db.Timestamp
	if err := sc.Scan(&r.ID, &r.UnitCode, &unitType, &level, &r.Year, &r.RegisteredOn, &r.DecisionNumber, &r.Note,
		&r.SetCode, &gap, &created); err != nil {
		return r, err
	}
	r.CreatedAt = created.T
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
	gap, err := encodeGap(r.Gap)
	if err != nil {
		return plan.Registration{}, false, fmt.Errorf("registration of unit %s: gap: %w", r.UnitCode, err)
	}
	out := r
	created, err := s.createOnce(ctx, `INSERT INTO registrations
		(unit_code, unit_type, level, year, registered_on, decision_number, note, set_code, gap_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (unit_code, level, year) DO NOTHING RETURNING id, created_at`,
		[]any{r.UnitCode, r.UnitType.String(), r.Level.String(), r.Year, r.RegisteredOn, r.DecisionNumber, r.Note, r.SetCode, gap},
		func(id int64, at time.Time) audit.Change {
			out.ID, out.CreatedAt = id, at
			return audit.Change{Resource: out.Name(), Unit: out.UnitCode, After: auditedRegistration{
				ID: out.ID, UnitCode: out.UnitCode, UnitType: out.UnitType.String(), Level: out.Level.String(), Year: out.Year,
				RegisteredOn: out.RegisteredOn.String(), DecisionNumber: out.DecisionNumber, Note: out.Note, SetCode: out.SetCode,
				Gap: json.RawMessage(gap), CreatedAt: out.CreatedAt,
			}}
		},
		func(tx *sql.Tx) (err error) {
			out, err = scanRegistration(tx.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations
				WHERE unit_code = $1 AND level = $2 AND year = $3`, r.UnitCode, r.Level.String(), r.Year))
			return err
		})
	if err != nil {
		return plan.Registration{}, false, fmt.Errorf("record registration of unit %s for %s in %d: %w", r.UnitCode, r.Level, r.Year, err)
	}
	return out, created, nil
}

// RegistrationQuery selects a year's registrations of some units, a page at a time.
type RegistrationQuery struct {
	Year int
	// Units are the units asked for, by the day they registered on (one
	// entry a day): a registration is listed when its unit is among the
	// codes of its own registered_on.
	Units []UnitsOn
	After *RegistrationCursor // nil = first page
	Limit int                 // > 0
}

// UnitsOn are the codes of the units whose registrations of a day are asked for.
type UnitsOn struct {
	On    date.Date
	Codes []string
}

// RegistrationCursor is the last registration of a page, in the list's
// order: by unit code, then by id.
type RegistrationCursor struct {
	UnitCode string
	ID       int64
}

// ListRegistrations returns the registrations q selects, by unit code then
// id (the order they were recorded in).
func (s *Store) ListRegistrations(ctx context.Context, q RegistrationQuery) ([]plan.Registration, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("store: list limit %d must be positive", q.Limit)
	}
	after := RegistrationCursor{}
	if q.After != nil {
		after = *q.After
	}
	// Each day's chunks of sorted codes come in list order, so a day is done
	// once it gives a page; a row is of one day and one chunk, so the page is
	// the first rows of what the days give together.
	var out []plan.Registration
	for _, day := range q.Units {
		codes := slices.Sorted(slices.Values(day.Codes))
		codes = slices.DeleteFunc(codes, func(c string) bool { return c < after.UnitCode })
		var ofDay []plan.Registration
		for _, chunk := range db.Chunks(codes, db.InChunk) {
			rows, err := db.QueryIn(ctx, s.db, `SELECT `+registrationColumns+` FROM registrations
				WHERE year = $1 AND registered_on = $2 AND (unit_code > $3 OR (unit_code = $3 AND id > $4)) AND unit_code IN ({in})
				ORDER BY unit_code, id LIMIT $5`, chunk, q.Year, day.On, after.UnitCode, after.ID, q.Limit-len(ofDay))
			page, err := db.ScanAll(rows, err, scanRegistration)
			if err != nil {
				return nil, err
			}
			if ofDay = append(ofDay, page...); len(ofDay) == q.Limit {
				break
			}
		}
		out = append(out, ofDay...)
	}
	slices.SortFunc(out, func(a, b plan.Registration) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(q.Limit, len(out))], nil
}

// RegistrationDay is a day registrations of a year were made on, and the
// types their units had that day.
type RegistrationDay struct {
	On    date.Date
	Types []registryv1.UnitType
}

// RegistrationDays are the days registrations for year were made on, in
// order, each with the types of the units registered that day: what a list
// of the year needs to look up, the map as it stood on each day.
func (s *Store) RegistrationDays(ctx context.Context, year int) ([]RegistrationDay, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT registered_on, unit_type FROM registrations WHERE year = $1
		ORDER BY registered_on, unit_type`, year)
	type dayType struct {
		on date.Date
		t  registryv1.UnitType
	}
	pairs, err := db.ScanAll(rows, err, func(sc db.Scanner) (dayType, error) {
		var p dayType
		var name string
		if err := sc.Scan(&p.on, &name); err != nil {
			return p, err
		}
		p.t, err = unitTypeText(name)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	var out []RegistrationDay
	for _, p := range pairs {
		if n := len(out); n > 0 && out[n-1].On.Equal(p.on) {
			out[n-1].Types = append(out[n-1].Types, p.t)
			continue
		}
		out = append(out, RegistrationDay{On: p.on, Types: []registryv1.UnitType{p.t}})
	}
	return out, nil
}
