package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ntmsuite/ntm/platform/auth"
	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/grpcserver"
	"github.com/ntmsuite/ntm/platform/request"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
	"github.com/ntmsuite/ntm/services/criteria/internal/statusindex"
	"github.com/ntmsuite/ntm/services/criteria/internal/store"
	"github.com/ntmsuite/ntm/services/registry/registryclient"
)

const (
	defaultPageSize = 50
	maxPageSize     = 500
	// maxViolations bounds the errors one batch reports: enough to fix a
	// spreadsheet in one pass, not a megabyte of details.
	maxViolations = 100
	// registryLookups is how many registry calls a batch makes at once.
	registryLookups = 16
)

// listingMinUnits is how many units of one date make a batch list the map
// of that date (registryclient.Client.Units, about a dozen calls of a
// thousand units) rather than make two calls per unit; tests lower it.
var listingMinUnits = 500

// CreateAssessment checks the unit of the path first; a body naming another
// unit is then refused as invalid, so the path's unit is the one written.
func (s *Server) CreateAssessment(ctx context.Context, req *criteriav1.CreateAssessmentRequest) (*criteriav1.Assessment, error) {
	if err := s.guard.Unit(ctx, auth.Write, req.GetUnitCode()); err != nil {
		return nil, err
	}
	out, err := s.create(ctx, []*criteriav1.Assessment{req.GetAssessment()}, req.GetUnitCode(), func(int) string { return "assessment." })
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// BatchCreateAssessments checks every unit of the batch before it reads or
// scores anything: one unit outside the caller's scope refuses it all.
func (s *Server) BatchCreateAssessments(ctx context.Context, req *criteriav1.BatchCreateAssessmentsRequest) (*criteriav1.BatchCreateAssessmentsResponse, error) {
	units := make([]string, len(req.GetAssessments()))
	for i, a := range req.GetAssessments() {
		units[i] = a.GetUnitCode()
	}
	if err := s.guard.Units(ctx, auth.Write, units...); err != nil {
		return nil, err
	}
	out, err := s.create(ctx, req.GetAssessments(), "", func(i int) string { return fmt.Sprintf("assessments[%d].", i) })
	if err != nil {
		return nil, err
	}
	return &criteriav1.BatchCreateAssessmentsResponse{Assessments: out}, nil
}

// create checks and scores every assessment, reporting every bad one at
// once, then records them all in one transaction or none.
func (s *Server) create(ctx context.Context, in []*criteriav1.Assessment, pathUnit string, prefix func(int) string) ([]*criteriav1.Assessment, error) {
	rows, bad, err := s.check(ctx, in, pathUnit, prefix)
	if err != nil {
		return nil, err
	}
	var vs []fault.Violation
	for _, b := range bad {
		vs = append(vs, b...)
	}
	if len(vs) > 0 {
		return nil, fault.Invalids(vs[:min(len(vs), maxViolations)]...)
	}
	saved, err := s.record(ctx, rows)
	if err != nil {
		return nil, err
	}
	grpcserver.SetCreated(ctx)
	out := make([]*criteriav1.Assessment, len(saved))
	for i, a := range saved {
		out[i] = assessmentToProto(a)
	}
	return out, nil
}

// check reads, looks up and scores every assessment. bad[i] holds the
// violations of in[i] (in field order, whichever check found them) and
// rows[i] its scored row when it has none; err is a failure that is not
// the input's (the registry down).
func (s *Server) check(ctx context.Context, in []*criteriav1.Assessment, pathUnit string, prefix func(int) string) (rows []store.Assessment, bad [][]fault.Violation, err error) {
	c, err := s.prepare(ctx, in, pathUnit, prefix)
	if err != nil {
		return nil, nil, err
	}
	rows, bad = make([]store.Assessment, len(in)), make([][]fault.Violation, len(in))
	for i := range in {
		if rows[i], bad[i], err = c.row(i); err != nil {
			return nil, nil, err
		}
	}
	return rows, bad, nil
}

// checker scores assessments one by one, once their heads are read and
// their units looked up for all of them at once (the registry is asked
// for the map of a date once per batch, not once per row).
type checker struct {
	s      *Server
	in     []*criteriav1.Assessment
	heads  []head
	bad    [][]fault.Violation // of the heads
	units  map[unitKey]lookupUnit
	prefix func(int) string
}

// prepare reads every head and looks up the units they name.
func (s *Server) prepare(ctx context.Context, in []*criteriav1.Assessment, pathUnit string, prefix func(int) string) (*checker, error) {
	today := date.Today()
	c := &checker{s: s, in: in, heads: make([]head, len(in)), bad: make([][]fault.Violation, len(in)), prefix: prefix}
	for i, a := range in {
		h, err := readHead(a, pathUnit, prefix(i), today)
		if err != nil {
			if c.bad[i] = appendViolations(nil, err); c.bad[i] == nil {
				return nil, err
			}
			continue
		}
		c.heads[i] = h
	}
	var err error
	c.units, err = s.lookupUnits(ctx, c.heads)
	return c, err
}

// row scores in[i]: its row, or its violations; err is a failure that is
// not the input's.
func (c *checker) row(i int) (store.Assessment, []fault.Violation, error) {
	if c.bad[i] != nil {
		return store.Assessment{}, c.bad[i], nil
	}
	h := c.heads[i]
	row, err := c.s.score(c.in[i], h, c.units[unitKey{h.unit, h.on}], c.prefix(i))
	if err != nil {
		vs := appendViolations(nil, err)
		if vs == nil {
			return store.Assessment{}, nil, err
		}
		return store.Assessment{}, vs, nil
	}
	return row, nil, nil
}

// record stores checked rows in one transaction, then tells the cache and
// the index of the write.
func (s *Server) record(ctx context.Context, rows []store.Assessment) ([]store.Assessment, error) {
	saved, err := s.store.Create(ctx, rows)
	return s.recorded(ctx, saved, err)
}

// recordEach is record for rows checked as they are written (an import).
func (s *Server) recordEach(ctx context.Context, next func() (store.Assessment, bool, error)) ([]store.Assessment, error) {
	saved, err := s.store.CreateEach(ctx, next)
	return s.recorded(ctx, saved, err)
}

// recorded tells the cache and the index of saved, just committed.
func (s *Server) recorded(ctx context.Context, saved []store.Assessment, err error) ([]store.Assessment, error) {
	if err != nil || len(saved) == 0 {
		return saved, err
	}
	states := make([]statusindex.Row, len(saved))
	for i, a := range saved {
		states[i] = store.StateOf(a)
	}
	gen, bumped := s.changed(ctx)
	s.index.wrote(states, gen, bumped)
	return saved, nil
}

// appendViolations adds err's bad fields to vs; it returns nil when err is
// not bad input, which the caller then returns as it is.
func appendViolations(vs []fault.Violation, err error) []fault.Violation {
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.KindInvalid {
		return nil
	}
	return append(vs, f.Violations...)
}

// head is what an assessment says before the registry and the catalog are asked.
type head struct {
	unit   string
	on     date.Date
	prefix string
}

func readHead(a *criteriav1.Assessment, pathUnit, prefix string, today date.Date) (head, error) {
	h := head{unit: cmp.Or(pathUnit, a.GetUnitCode()), prefix: prefix}
	var vs []fault.Violation
	switch {
	case h.unit == "":
		vs = append(vs, fault.Violation{Field: prefix + "unit_code", Description: "required"})
	case pathUnit != "" && a.GetUnitCode() != "" && a.GetUnitCode() != pathUnit:
		vs = append(vs, fault.Violation{Field: prefix + "unit_code", Description: fmt.Sprintf("is %s but the path names unit %s", a.GetUnitCode(), pathUnit)})
	}
	on, err := request.Date(a.GetAssessedOn(), prefix+"assessed_on")
	switch {
	case err != nil:
		vs = appendViolations(vs, err)
	case on.After(today):
		vs = append(vs, fault.Violation{Field: prefix + "assessed_on", Description: fmt.Sprintf("%s is in the future: an assessment records a state already reached", on)})
	}
	if len(a.GetValues()) == 0 && len(a.GetVerdicts()) == 0 {
		vs = append(vs, fault.Violation{Field: prefix + "values", Description: "give indicator values or criterion verdicts (or both)"})
	}
	if len(vs) > 0 {
		return head{}, fault.Invalids(vs...)
	}
	h.on = on
	return h, nil
}

type unitKey struct {
	code string
	on   date.Date
}

// lookupUnit is the registry's answer for one unit and date; found is
// false when the unit does not exist then (the zero value).
type lookupUnit struct {
	unit  registryclient.Unit
	found bool
}

// lookupUnits asks the registry once for every distinct unit and date of a
// batch, a few at a time: a batch of a province's communes repeats no call.
// A date with many units takes the registry's listing of the map on that
// date instead (a dozen calls for the country's 10,000 communes rather than
// two per commune); units it leaves out are asked one by one.
func (s *Server) lookupUnits(ctx context.Context, heads []head) (map[unitKey]lookupUnit, error) {
	out := make(map[unitKey]lookupUnit)
	byDate := make(map[date.Date]map[string]bool)
	for _, h := range heads {
		if h.unit == "" {
			continue
		}
		if byDate[h.on] == nil {
			byDate[h.on] = make(map[string]bool)
		}
		byDate[h.on][h.unit] = true
	}
	if len(byDate) == 0 {
		return out, nil
	}
	gen := s.registryGeneration(ctx)
	var ask []unitKey
	for on, codes := range byDate {
		listed := map[string]registryclient.Unit{}
		if len(codes) >= listingMinUnits {
			var err error
			if listed, err = s.listedUnits(ctx, gen, on); err != nil {
				return nil, err
			}
		}
		for code := range codes {
			if u, ok := listed[code]; ok {
				out[unitKey{code, on}] = lookupUnit{unit: u, found: true}
			} else {
				ask = append(ask, unitKey{code, on})
			}
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	reg := s.registryAt(gen)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(registryLookups)
	for _, k := range ask {
		g.Go(func() error {
			u, err := reg.Unit(gctx, k.code, k.on)
			if errors.Is(err, registryclient.ErrUnitNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			out[k] = lookupUnit{unit: u, found: true}
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// score chooses the assessment's set (the one for the unit's type), checks
// the unit and the values against it and decides each criterion.
func (s *Server) score(a *criteriav1.Assessment, h head, u lookupUnit, prefix string) (store.Assessment, error) {
	if !u.found {
		return store.Assessment{}, fault.Invalid(prefix+"unit_code", "unit %s does not exist on %s", h.unit, h.on)
	}
	t, err := assessedType(u.unit, prefix+"unit_code", h.on)
	if err != nil {
		return store.Assessment{}, err
	}
	set, err := s.setFor(u.unit, t, a.GetCriteriaSet(), prefix+"criteria_set", h.on, prefix+"assessed_on")
	if err != nil {
		return store.Assessment{}, err
	}
	if !set.Valid.Contains(h.on) {
		return store.Assessment{}, fault.Invalid(prefix+"assessed_on", "%s is outside criteria set %s, valid %s", h.on, set.Code, dateRange(set.Valid))
	}
	in := inputFromProto(a, prefix)
	res, err := scoring.Score(set, scoring.Context{Region: u.unit.Region, CommuneGroup: u.unit.CommuneGroup, Year: h.on.Year()}, in)
	if err != nil {
		return store.Assessment{}, err
	}
	return store.Assessment{
		UnitCode: h.unit, AssessedOn: h.on, SetCode: set.Code,
		Author: a.GetAuthor(), Note: a.GetNote(), EvidenceRef: a.GetEvidenceRef(),
		Values: in.Values, Verdicts: in.Verdicts, Result: res,
	}, nil
}

func (s *Server) ListAssessments(ctx context.Context, req *criteriav1.ListAssessmentsRequest) (*criteriav1.ListAssessmentsResponse, error) {
	// No unit filter is the whole country.
	if err := s.guard.Unit(ctx, auth.Read, cmp.Or(req.GetUnitCode(), auth.CountryCode)); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(cmp.Or(req.GetAsOf(), pageTokenDate(req.GetPageToken())), "as_of")
	if err != nil {
		return nil, err
	}
	q := store.ListQuery{UnitCode: req.GetUnitCode(), AsOf: asOf, Limit: request.PageSize(req.GetPageSize(), defaultPageSize, maxPageSize)}
	if q.After, err = decodePageToken(req.GetPageToken(), q); err != nil {
		return nil, err
	}
	// One more than a page says whether another page follows.
	q.Limit++
	rows, err := s.store.List(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &criteriav1.ListAssessmentsResponse{}
	if len(rows) == q.Limit {
		rows = rows[:q.Limit-1]
		last := rows[len(rows)-1]
		resp.NextPageToken = encodePageToken(store.Cursor{AssessedOn: last.AssessedOn, ID: last.ID}, q)
	}
	for _, a := range rows {
		resp.Assessments = append(resp.Assessments, assessmentToProto(a))
	}
	return resp, nil
}

func (s *Server) GetScore(ctx context.Context, req *criteriav1.GetScoreRequest) (*criteriav1.Score, error) {
	if err := s.guard.Unit(ctx, auth.Read, req.GetUnitCode()); err != nil {
		return nil, err
	}
	asOf, err := request.AsOf(req.GetAsOf(), "as_of")
	if err != nil {
		return nil, err
	}
	u, err := s.unitAt(ctx, req.GetUnitCode(), asOf)
	if err != nil {
		return nil, err
	}
	t, err := assessedType(u, "unit_code", asOf)
	if err != nil {
		return nil, err
	}
	set, err := s.setFor(u, t, req.GetCriteriaSet(), "criteria_set", asOf, "as_of")
	if err != nil {
		return nil, err
	}
	a, err := s.store.Latest(ctx, u.Code, set.Code, asOf)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fault.NotFound("score", "units/"+u.Code+"/score", "unit %s has no assessment under criteria set %s on or before %s", u.Code, set.Code, asOf)
	}
	if err != nil {
		return nil, err
	}
	return scoreToProto(a), nil
}
