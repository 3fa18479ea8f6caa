package store

import (
	"encoding/json"
	"fmt"

	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// The JSON columns have shapes of their own rather than the scoring types:
// rows outlive Go field names, and statuses read as "MET", not 1.

type valueJSON struct {
	Code string `json:"code"`
	// Exactly one is set: a number, or a flag for a yes/no indicator.
	Number *float64 `json:"number,omitempty"`
	Flag   *bool    `json:"flag,omitempty"`
}

type verdictJSON struct {
	Criterion string     `json:"criterion"`
	Status    statusJSON `json:"status"`
}

type resultJSON struct {
	Criteria []criterionJSON `json:"criteria"`
	MetCount int             `json:"met_count"`
	Total    int             `json:"total"`
	AllMet   bool            `json:"all_met"`
	Band     string          `json:"band"`
}

type criterionJSON struct {
	Code    string     `json:"code"`
	Name    string     `json:"name"`
	Status  statusJSON `json:"status"`
	Basis   string     `json:"basis"`
	Failing []gapJSON  `json:"failing,omitempty"`
	Missing []string   `json:"missing,omitempty"`
}

type gapJSON struct {
	Indicator string  `json:"indicator"`
	Name      string  `json:"name"`
	Op        string  `json:"op"`
	Unit      string  `json:"unit"`
	Threshold float64 `json:"threshold"`
	Value     float64 `json:"value"`
	Summary   string  `json:"summary"`
}

// statusJSON is a status by name; an unknown one fails both ways, so a bad
// status is neither written nor read back as something else.
type statusJSON scoring.Status

func (s statusJSON) MarshalText() ([]byte, error) {
	for _, sc := range statusChars {
		if sc.status == scoring.Status(s) {
			return []byte(sc.status.String()), nil
		}
	}
	return nil, fmt.Errorf("invalid status %d", int(s))
}

func (s *statusJSON) UnmarshalText(b []byte) error {
	for _, sc := range statusChars {
		if sc.status.String() == string(b) {
			*s = statusJSON(sc.status)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q", b)
}

// row is an assessment's encoded columns.
type row struct {
	values, verdicts, result, statuses string
}

// encoder encodes the columns of one assessment after another into one
// scratch buffer, reused from row to row, and hashes them there for the
// audit trail: a country's import encodes 10,000 of them, and each
// column's bytes are then allocated once, at their size, rather than as
// an estimate, a copy, and a copy for each hash.
type encoder struct{ buf []byte }

func (e *encoder) encode(a Assessment) (row, digests, error) {
	var r row
	var err error
	if r.statuses, err = encodeStatuses(a.Result); err != nil {
		return r, digests{}, err
	}
	b := e.buf[:0]
	if b, err = appendValues(b, a.Values); err != nil {
		return r, digests{}, fmt.Errorf("values: %w", err)
	}
	values := len(b)
	if b, err = appendVerdicts(b, a.Verdicts); err != nil {
		return r, digests{}, fmt.Errorf("verdicts: %w", err)
	}
	verdicts := len(b)
	if b, err = appendResult(b, a.Result); err != nil {
		return r, digests{}, fmt.Errorf("result: %w", err)
	}
	e.buf = b
	d := digests{values: digest(b[:values]), verdicts: digest(b[values:verdicts]), result: digest(b[verdicts:])}
	// One string for the three columns, cut in three.
	all := string(b)
	r.values, r.verdicts, r.result = all[:values], all[values:verdicts], all[verdicts:]
	return r, d, nil
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// decode fills a's values, verdicts and result from r.
func (r row) decode(a *Assessment) error {
	var values []valueJSON
	var verdicts []verdictJSON
	var res resultJSON
	if err := json.Unmarshal([]byte(r.values), &values); err != nil {
		return fmt.Errorf("values: %w", err)
	}
	if err := json.Unmarshal([]byte(r.verdicts), &verdicts); err != nil {
		return fmt.Errorf("verdicts: %w", err)
	}
	if err := json.Unmarshal([]byte(r.result), &res); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	for _, v := range values {
		iv := scoring.IndicatorValue{Code: v.Code}
		switch {
		case v.Flag != nil:
			iv.Value = scoring.Value{Flag: *v.Flag, IsFlag: true}
		case v.Number != nil:
			iv.Value.Number = *v.Number
		default:
			return fmt.Errorf("value of %s has neither a number nor a flag", v.Code)
		}
		a.Values = append(a.Values, iv)
	}
	for _, v := range verdicts {
		a.Verdicts = append(a.Verdicts, scoring.Verdict{Criterion: v.Criterion, Status: scoring.Status(v.Status)})
	}
	a.Result = scoring.Result{MetCount: res.MetCount, Total: res.Total, AllMet: res.AllMet, Band: res.Band}
	for _, c := range res.Criteria {
		cr := scoring.CriterionResult{Code: c.Code, Name: c.Name, Status: scoring.Status(c.Status), Basis: c.Basis, Missing: c.Missing}
		for _, g := range c.Failing {
			cr.Failing = append(cr.Failing, scoring.Gap(g))
		}
		a.Result.Criteria = append(a.Result.Criteria, cr)
	}
	return nil
}
