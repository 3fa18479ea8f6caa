package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/db"
)

// StarCounts counts products by stars: [s] is the number with s stars (1 to
// 5); [0] is unused.
type StarCounts [6]int

// Total is the number of products of every star.
func (c StarCounts) Total() int {
	n := 0
	for _, v := range c[1:] {
		n += v
	}
	return n
}

// GroupFacts are the counts of one product group.
type GroupFacts struct {
	ProductGroup string
	Products     int // as Facts.Products
	Registered   int // as Facts.Registered
	Certified    int // products with a certificate in force, as Facts.Certified
}

// Facts are the raw counts an OCOP summary of a set of units is made of, for
// a cycle year and as of a date. Every count is of products, not rows: a
// product evaluated or certified twice counts once, with its latest.
type Facts struct {
	// Producers registered on or before the date, and their products.
	Producers, Products int
	// Registrations for the year made on or before the date; Eligible and
	// NotEligible those reviewed by then (the rest were pending that day).
	Registered, Eligible, NotEligible int
	// Products evaluated for the year by then, by the stars of their latest
	// evaluation of the year.
	Evaluated StarCounts
	// Products certified in the calendar year (up to the date), by the stars
	// of their latest certificate issued in it. A certificate revoked or
	// superseded since still counts: it was issued.
	NewlyCertified StarCounts
	// Products with a certificate in force on the date, by its stars.
	Certified StarCounts
	// Certificates in force on the date whose ValidUntil is within the
	// given number of days of it (an end recorded for a later day does not
	// count: the day did not know it).
	Expiring int
	// Products proposed to the central council in the year by then (see
	// CentralProposal), each once however many of its sheets propose it.
	ProposedCentral int
	// Counts per product group, by group code, for the groups with products.
	Groups []GroupFacts
}

// CentralProposal says which evaluations propose a product to the central
// council: every evaluation by Level (the central council itself, as
// stored: "CENTRAL"), and one by any other council dated within a window at
// one of the window's stars, the stars only the central council certifies
// then. The windows come from the catalog's council rules.
type CentralProposal struct {
	Level   string
	Windows []StarWindow
}

// StarWindow is a range of evaluation dates (To zero: open) and stars.
type StarWindow struct {
	Valid date.Range
	Stars []int
}

// condition is the SQL condition that evaluation x proposes its product,
// with its arguments numbered from $first.
func (c CentralProposal) condition(first int) (string, []any) {
	var args []any
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(first+len(args)-1)
	}
	terms := []string{"x.council_level = " + param(c.Level)}
	for _, w := range c.Windows {
		if len(w.Stars) == 0 {
			continue
		}
		stars := make([]string, len(w.Stars))
		for i, st := range w.Stars {
			stars[i] = param(st)
		}
		term := "x.evaluated_on >= " + param(w.Valid.From)
		if !w.Valid.To.IsZero() {
			term += " AND x.evaluated_on < " + param(w.Valid.To)
		}
		terms = append(terms, "("+term+" AND x.stars IN ("+strings.Join(stars, ", ")+"))")
	}
	return strings.Join(terms, " OR "), args
}

// SummaryFacts counts, over the products located in unitCodes, what an OCOP
// summary for year as of asOf says (see Facts), ignoring anything recorded
// with a date after asOf. It runs a few aggregate queries, each binding the
// unit codes that hold a producer or a product as one list, on every call;
// the caller caches. expiringWithinDays is how far ahead of
// asOf a ValidUntil counts as expiring: with 30, a certificate valid until
// asOf+30 (its last day asOf+29) is expiring, one until asOf+31 is not.
// central says which evaluations propose a product to the central council.
func (s *Store) SummaryFacts(ctx context.Context, unitCodes []string, year int, asOf date.Date, expiringWithinDays int, central CentralProposal) (Facts, error) {
	if expiringWithinDays < 0 {
		return Facts{}, fmt.Errorf("store: expiring within %d days must not be negative", expiringWithinDays)
	}
	var f Facts
	groups := map[string]*GroupFacts{}
	group := func(code string) *GroupFacts {
		g := groups[code]
		if g == nil {
			g = &GroupFacts{ProductGroup: code}
			groups[code] = g
		}
		return g
	}
	q := factsQuery{s: s, year: year, asOf: asOf,
		yearStart: date.Of(year, time.January, 1), yearEnd: date.Of(year+1, time.January, 1),
		expiringBy: asOf.AddDays(expiringWithinDays), central: central}
	codes, err := s.located(ctx, unitCodes)
	if err != nil {
		return Facts{}, err
	}
	if err := q.count(ctx, codes, &f, group); err != nil {
		return Facts{}, err
	}
	for _, code := range slices.Sorted(maps.Keys(groups)) {
		f.Groups = append(f.Groups, *groups[code])
	}
	return f, nil
}

// locatedMinCodes is how many unit codes a summary binds before it first
// narrows them to those that hold a producer or a product (located).
const locatedMinCodes = 1000

// located narrows codes, when there are many, to those where a producer
// or a product is located: each statement of a summary binds its list and
// indexes it for IN, and a country's 10,000 codes, of which a few hundred
// hold anything, made that most of the summary's work. Counting over the
// narrowed list counts the same rows.
func (s *Store) located(ctx context.Context, codes []string) ([]string, error) {
	if len(codes) < locatedMinCodes {
		return codes, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT unit_code FROM producers UNION SELECT unit_code FROM products`)
	held := map[string]bool{}
	err = db.EachRow(rows, err, func(rows *sql.Rows) error {
		var code string
		err := rows.Scan(&code)
		held[code] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: units that hold producers: %w", err)
	}
	out := make([]string, 0, min(len(codes), len(held)))
	for _, c := range codes {
		if held[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// factsQuery holds what the statements of one SummaryFacts call bind.
type factsQuery struct {
	s                  *Store
	year               int
	asOf               date.Date
	yearStart, yearEnd date.Date
	expiringBy         date.Date
	central            CentralProposal
}

// latestPerProduct keeps, of the rows of from (aliases p for products and x
// for the dated table), each product's latest by (on, id), with columns.
func latestPerProduct(columns, from, on string) string {
	return `SELECT ` + columns + `, ROW_NUMBER() OVER (PARTITION BY p.id ORDER BY x.` + on + ` DESC, x.id DESC) AS n ` + from
}

// factsStatement is one aggregate query of SummaryFacts, scanned row by row.
type factsStatement struct {
	what  string
	query string
	args  []any
	scan  func(*sql.Rows) error
}

// count adds the counts of the units codes to f.
func (q factsQuery) count(ctx context.Context, codes []string, f *Facts, group func(string) *GroupFacts) error {
	stars := func(c *StarCounts) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var s, n int
			if err := rows.Scan(&s, &n); err != nil {
				return err
			}
			if s < 1 || s > 5 {
				return fmt.Errorf("%d stars in the database", s)
			}
			c[s] += n
			return nil
		}
	}
	proposes, proposalArgs := q.central.condition(3)
	g, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	for _, st := range []factsStatement{
		{"producers", `SELECT count(*) FROM producers WHERE registered_on <= $1 AND unit_code IN {list}`,
			[]any{q.asOf}, func(rows *sql.Rows) error {
				var n int
				err := rows.Scan(&n)
				f.Producers += n
				return err
			}},
		{"products", `SELECT p.product_group, count(*) FROM products p JOIN producers r ON r.id = p.producer_id
			WHERE r.registered_on <= $1 AND p.unit_code IN {list} GROUP BY p.product_group`,
			[]any{q.asOf}, func(rows *sql.Rows) error {
				var g string
				var n int
				err := rows.Scan(&g, &n)
				f.Products += n
				group(g).Products += n
				return err
			}},
		// A registration reviewed after asOf was still pending that day.
		{"registrations", `SELECT p.product_group, CASE WHEN x.reviewed_on <= $1 THEN x.eligibility ELSE '` + Pending + `' END, count(*)
			FROM registrations x JOIN products p ON p.id = x.product_id
			WHERE x.year = $2 AND x.registered_on <= $1 AND p.unit_code IN {list} GROUP BY 1, 2`,
			[]any{q.asOf, q.year}, func(rows *sql.Rows) error {
				var g, eligibility string
				var n int
				err := rows.Scan(&g, &eligibility, &n)
				f.Registered += n
				group(g).Registered += n
				switch eligibility {
				case Eligible:
					f.Eligible += n
				case NotEligible:
					f.NotEligible += n
				}
				return err
			}},
		{"evaluations", `SELECT stars, count(*) FROM (` + latestPerProduct("x.stars",
			`FROM evaluations x JOIN products p ON p.id = x.product_id
			WHERE x.year = $2 AND x.evaluated_on <= $1 AND p.unit_code IN {list}`, "evaluated_on") + `) latest
			WHERE n = 1 GROUP BY stars`,
			[]any{q.asOf, q.year}, stars(&f.Evaluated)},
		// Any sheet of the year that proposes counts, not only the latest:
		// a product proposed in May and re-scored lower in August was proposed.
		{"proposals to the central council", `SELECT count(DISTINCT x.product_id)
			FROM evaluations x JOIN products p ON p.id = x.product_id
			WHERE x.year = $2 AND x.evaluated_on <= $1 AND p.unit_code IN {list} AND (` + proposes + `)`,
			append([]any{q.asOf, q.year}, proposalArgs...), func(rows *sql.Rows) error {
				var n int
				err := rows.Scan(&n)
				f.ProposedCentral += n
				return err
			}},
		{"certificates issued", `SELECT stars, count(*) FROM (` + latestPerProduct("x.stars",
			`FROM certificates x JOIN products p ON p.id = x.product_id
			WHERE x.issued_on >= $2 AND x.issued_on < $3 AND x.issued_on <= $1 AND p.unit_code IN {list}`, "issued_on") + `) latest
			WHERE n = 1 GROUP BY stars`,
			[]any{q.asOf, q.yearStart, q.yearEnd}, stars(&f.NewlyCertified)},
		// Supersession leaves one certificate of a product in force on any
		// day; taking the latest keeps the count of products right even so.
		// Expiring is read as the day saw it: an end recorded for a later
		// day (a renewal, a revocation) was not known then, so a past
		// date's figure never changes.
		{"certificates in force", `SELECT product_group, stars, count(*),
				sum(CASE WHEN valid_until <= $2 THEN 1 ELSE 0 END)
			FROM (` + latestPerProduct("p.product_group, x.stars, x.valid_until, x.ended_on",
			`FROM certificates x JOIN products p ON p.id = x.product_id
			WHERE `+inForceOn("x.", 1)+` AND p.unit_code IN {list}`, "issued_on") + `) latest
			WHERE n = 1 GROUP BY product_group, stars`,
			[]any{q.asOf, q.expiringBy}, func(rows *sql.Rows) error {
				var g string
				var s, n, expiring int
				if err := rows.Scan(&g, &s, &n, &expiring); err != nil {
					return err
				}
				if s < 3 || s > 5 {
					return fmt.Errorf("a certificate of %d stars in the database", s)
				}
				f.Certified[s] += n
				group(g).Certified += n
				f.Expiring += expiring
				return nil
			}},
	} {
		// The statements read apart, each on a connection of its own (a
		// country's summary is seven scans of its 10,000 units); their
		// scans add to f one at a time.
		g.Go(func() error {
			if err := q.run(gctx, codes, st, &mu); err != nil {
				return fmt.Errorf("count %s: %w", st.what, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// run runs st and passes its rows to st.scan holding mu.
func (q factsQuery) run(ctx context.Context, codes []string, st factsStatement, mu *sync.Mutex) error {
	rows, err := q.s.db.QueryList(ctx, st.query, codes, st.args...)
	return db.EachRow(rows, err, func(rows *sql.Rows) error {
		mu.Lock()
		defer mu.Unlock()
		return st.scan(rows)
	})
}
