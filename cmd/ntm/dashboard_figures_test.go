package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// viNum writes a figure as the page does in Vietnamese (vi-VN, at most two
// decimals): 15.6 is "15,6". The figures these tests read are below 1,000.
func viNum(f float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64), ".", ",", 1)
}

// childAggregate is the part of a unit's aggregate a drill-down row shows.
type childAggregate struct {
	Communes     int
	AverageMet   float64
	Recognitions []struct {
		Level              string
		Units, Denominator int
	}
}

// childFiguresMatch checks that the row of child in the list of units under
// the page's unit shows the child's own aggregate on asOf.
func childFiguresMatch(t *testing.T, tab context.Context, base, child, asOf string) {
	t.Helper()
	var agg childAggregate
	getJSON(t, base+"/v1/units/"+child+"/aggregate?as_of="+asOf, http.StatusOK, &agg)
	standard := ""
	for _, r := range agg.Recognitions {
		if r.Level == "STANDARD" {
			standard = fmt.Sprintf("%d/%d", r.Units, r.Denominator)
		}
	}
	row := `tr[data-child="` + child + `"] `
	for css, want := range map[string]string{
		".child-communes": strconv.Itoa(agg.Communes),
		".child-average":  viNum(agg.AverageMet),
		".child-standard": standard,
	} {
		if got := textOf(t, tab, row+css); got != want || want == "" {
			t.Errorf("%s of unit %s on %s: %q on the page, the API's %q", css, child, asOf, got, want)
		}
	}
}

// listedProduct is the part of a listed product the OCOP page shows.
type listedProduct struct {
	ID, DisplayName, UnitCode, CertifiedUntil string
	CertifiedStars                            int
}

// ocopListsMatch checks the OCOP page of unit on day: its table of expiring
// certificates lists the products the API filters as expiring within the
// summary's window, and each product's unit is named as on that day.
func ocopListsMatch(t *testing.T, tab context.Context, base, unit, day string) (expiring []listedProduct) {
	t.Helper()
	var summary struct{ Expiring, ExpiringWithinDays int }
	getJSON(t, base+"/v1/units/"+unit+"/ocopSummary?as_of="+day, http.StatusOK, &summary)
	var exp, all struct{ Products []listedProduct }
	getJSON(t, fmt.Sprintf("%s/v1/products?unit_code=%s&as_of=%s&expiring_within_days=%d", base, unit, day, summary.ExpiringWithinDays), http.StatusOK, &exp)
	if len(exp.Products) != summary.Expiring || summary.Expiring == 0 {
		t.Fatalf("%d products listed as expiring on %s, the summary counts %d (the demo has one)", len(exp.Products), day, summary.Expiring)
	}
	for _, p := range exp.Products {
		row := `tr[data-expiring="` + p.ID + `"] `
		if got := textOf(t, tab, row+"a"); got != p.DisplayName {
			t.Errorf("expiring product %s: %q on the page", p.DisplayName, got)
		}
		ymd := strings.Split(p.CertifiedUntil, "-")
		if len(ymd) != 3 {
			t.Fatalf("%s expires %q, want YYYY-MM-DD", p.DisplayName, p.CertifiedUntil)
		}
		if got, want := textOf(t, tab, row+"td:last-child"), ymd[2]+"/"+ymd[1]+"/"+ymd[0]; got != want {
			t.Errorf("%s expires %q on the page, the API's %q", p.DisplayName, got, want)
		}
	}
	getJSON(t, base+"/v1/products?unit_code="+unit+"&as_of="+day, http.StatusOK, &all)
	for _, p := range all.Products {
		var u struct{ DisplayName string }
		getJSON(t, base+"/v1/units/"+p.UnitCode+"?as_of="+day, http.StatusOK, &u)
		if got := textOf(t, tab, `tr[data-product="`+p.ID+`"] .unit`); got != u.DisplayName {
			t.Errorf("unit of %s: %q on the page, the registry's %q (%s)", p.DisplayName, got, u.DisplayName, p.UnitCode)
		}
	}
	return exp.Products
}

// nextStarShown checks that the product page on day shows what the latest
// evaluation lacks for the next star as the API reads it back.
func nextStarShown(t *testing.T, tab context.Context, base, product, day string) {
	t.Helper()
	var p struct {
		Evaluations []struct {
			ID       string
			NextStar struct {
				Stars        int
				PointsNeeded float64
				Open         []struct{ CriterionCode string }
			}
		}
	}
	getJSON(t, base+"/v1/products/"+product+"?as_of="+day, http.StatusOK, &p)
	if len(p.Evaluations) == 0 || p.Evaluations[len(p.Evaluations)-1].NextStar.Stars == 0 {
		t.Fatalf("product %s: %+v, want an evaluation below 5 stars read back with its next star", product, p)
	}
	e := p.Evaluations[len(p.Evaluations)-1]
	li := `li[data-evaluation="` + e.ID + `"] .next-star `
	want := fmt.Sprintf("Còn thiếu để đạt %d sao: %s điểm", e.NextStar.Stars, viNum(e.NextStar.PointsNeeded))
	if got := textOf(t, tab, li+"p"); got != want {
		t.Errorf("next star of evaluation %s: %q on the page, want %q", e.ID, got, want)
	}
	if got := textOf(t, tab, li+"tbody tr:first-child th"); !strings.HasPrefix(got, e.NextStar.Open[0].CriterionCode+". ") {
		t.Errorf("first open line %q on the page, the API's %s", got, e.NextStar.Open[0].CriterionCode)
	}
}
