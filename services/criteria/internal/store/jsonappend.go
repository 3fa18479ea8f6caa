package store

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// The JSON columns are written by hand, byte for byte as json.Marshal
// writes the shapes in json.go (encode_test.go holds them to it), because
// encoding an assessment by reflection took 35 µs: a third of a second of
// a country's import, and most of what it allocated.

// appendValues appends values as []valueJSON.
func appendValues(b []byte, values []scoring.IndicatorValue) ([]byte, error) {
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = appendString(b, v.Code)
		var err error
		if v.Value.IsFlag {
			b = append(b, `,"flag":`...)
			b = strconv.AppendBool(b, v.Value.Flag)
		} else {
			b = append(b, `,"number":`...)
			if b, err = appendFloat(b, v.Value.Number); err != nil {
				return nil, fmt.Errorf("indicator %s: %w", v.Code, err)
			}
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendVerdicts appends verdicts as []verdictJSON.
func appendVerdicts(b []byte, verdicts []scoring.Verdict) ([]byte, error) {
	b = append(b, '[')
	for i, v := range verdicts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"criterion":`...)
		b = appendString(b, v.Criterion)
		b = append(b, `,"status":`...)
		var err error
		if b, err = appendStatus(b, v.Status); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendResult appends res as resultJSON.
func appendResult(b []byte, res scoring.Result) ([]byte, error) {
	b = append(b, `{"criteria":[`...)
	var err error
	for i, c := range res.Criteria {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendCriterion(b, c); err != nil {
			return nil, fmt.Errorf("criterion %s: %w", c.Code, err)
		}
	}
	b = append(b, `],"met_count":`...)
	b = strconv.AppendInt(b, int64(res.MetCount), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(res.Total), 10)
	b = append(b, `,"all_met":`...)
	b = strconv.AppendBool(b, res.AllMet)
	b = append(b, `,"band":`...)
	b = appendString(b, res.Band)
	return append(b, '}'), nil
}

// appendCriterion appends c as criterionJSON.
func appendCriterion(b []byte, c scoring.CriterionResult) ([]byte, error) {
	b = append(b, `{"code":`...)
	b = appendString(b, c.Code)
	b = append(b, `,"name":`...)
	b = appendString(b, c.Name)
	b = append(b, `,"status":`...)
	var err error
	if b, err = appendStatus(b, c.Status); err != nil {
		return nil, err
	}
	b = append(b, `,"basis":`...)
	b = appendString(b, c.Basis)
	if len(c.Failing) > 0 {
		b = append(b, `,"failing":[`...)
		for i, g := range c.Failing {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendGap(b, g); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if len(c.Missing) > 0 {
		b = append(b, `,"missing":[`...)
		for i, m := range c.Missing {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendGap appends g as gapJSON.
func appendGap(b []byte, g scoring.Gap) ([]byte, error) {
	b = append(b, `{"indicator":`...)
	b = appendString(b, g.Indicator)
	b = append(b, `,"name":`...)
	b = appendString(b, g.Name)
	b = append(b, `,"op":`...)
	b = appendString(b, g.Op)
	b = append(b, `,"unit":`...)
	b = appendString(b, g.Unit)
	b = append(b, `,"threshold":`...)
	var err error
	if b, err = appendFloat(b, g.Threshold); err != nil {
		return nil, fmt.Errorf("indicator %s threshold: %w", g.Indicator, err)
	}
	b = append(b, `,"value":`...)
	if b, err = appendFloat(b, g.Value); err != nil {
		return nil, fmt.Errorf("indicator %s value: %w", g.Indicator, err)
	}
	b = append(b, `,"summary":`...)
	b = appendString(b, g.Summary)
	return append(b, '}'), nil
}

// appendStatus appends s by name, as statusJSON does.
func appendStatus(b []byte, s scoring.Status) ([]byte, error) {
	name, err := statusJSON(s).MarshalText()
	if err != nil {
		return nil, err
	}
	return appendString(b, string(name)), nil
}

// appendFloat appends f as encoding/json does: the shortest form that
// reads back as f, in exponent form below 1e-6 and from 1e21, with a
// one-digit negative exponent unpadded; NaN and infinities have none.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string as encoding/json does: HTML's
// <, > and & escaped, control characters as \u00XX (but \b \f \n \r \t),
// invalid UTF-8 as U+FFFD, and U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
