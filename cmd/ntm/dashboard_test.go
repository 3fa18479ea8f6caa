package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The dashboard in a real browser against `ntm up --demo`: the overview's
// figures are the API's, a drill-down reaches a commune, the report's
// workbook downloads, and a commune officer's form shows the API's refusal
// beside the field. Each page is kept as a screenshot under .bin/screenshots.
func TestDashboard(t *testing.T) {
	tokens, err := signDemoTokens(testKeys)
	if err != nil {
		t.Fatal(err)
	}
	tab := newBrowser(t)
	s := startTestSuite(t, upConfig{demoTokens: tokens.forDashboard()})
	base := s.httpURL
	problems := watchConsole(tab)
	const asOf = "2020-10-31"

	t.Run("overview shows the API's figures", func(t *testing.T) {
		// Not signed in: the page asks for a token and offers the demo's.
		do(t, tab, "open the overview", chromedp.Navigate(base+"/#/unit/19?as_of="+asOf))
		if got := textOf(t, tab, `button[data-demo="0"]`); got != "Quản trị (demo)" {
			t.Errorf("first demo button %q, want Quản trị (demo)", got)
		}
		if got := textOf(t, tab, `button[data-demo="1"]`); got != "Cán bộ xã Võ Nhai (demo)" {
			t.Errorf("second demo button %q, want Cán bộ xã Võ Nhai (demo)", got)
		}
		screenshot(t, tab, "signin")
		do(t, tab, "sign in as the demo admin", chromedp.Click(chromedp.CSS(`button[data-demo="0"]`)))

		var agg struct {
			CriteriaSet string
			Criteria    []struct {
				Code             string
				Met, Denominator int
			}
		}
		getJSON(t, base+"/v1/units/19/aggregate?as_of="+asOf, http.StatusOK, &agg)
		code := criterionCode(t, base, agg.CriteriaSet, "Transport")
		want := ""
		for _, c := range agg.Criteria {
			if c.Code == code {
				want = fmt.Sprintf("%d/%d xã đạt", c.Met, c.Denominator)
			}
		}
		if got := textOf(t, tab, `tr[data-criterion="`+code+`"] .met`); got != want || want == "" {
			t.Errorf("Transport (criterion %s) on the page: %q, the API: %q", code, got, want)
		}
		if got := textOf(t, tab, "h1"); got != "Tỉnh Thái Nguyên" {
			t.Errorf("title %q", got)
		}
		chartsDrawn(t, tab)
		screenshot(t, tab, "overview")

		// From the keyboard: the skip link leads to the content, the page stays.
		do(t, tab, "follow the skip link", chromedp.Focus(chromedp.CSS("#skip-link")), chromedp.KeyEvent("\r"))
		c, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		focused, err := chromedp.Run(c, chromedp.Evaluate[string]("document.activeElement.id + ' ' + location.hash"))
		if want := "main #/unit/19?as_of=" + asOf; err != nil || focused != want {
			t.Errorf("after the skip link: focus and hash %q (%v), want %q", focused, err, want)
		}

		// In English, and back.
		do(t, tab, "switch to English", chromedp.Click(chromedp.CSS("#lang")))
		waitText(t, tab, `tr[data-criterion="`+code+`"] .met`, strings.Replace(want, "xã đạt", "communes", 1))
		screenshot(t, tab, "overview-en")
		do(t, tab, "switch to Vietnamese", chromedp.Click(chromedp.CSS("#lang")))
		waitText(t, tab, `tr[data-criterion="`+code+`"] .met`, want)
	})

	t.Run("drill-down reaches a commune", func(t *testing.T) {
		var districts, children unitList
		getJSON(t, base+"/v1/units?parent=19&type=DISTRICT&as_of="+asOf, http.StatusOK, &districts)
		district := districts.Units[0]
		// Each unit under the province shows its own figures beside its name.
		for _, d := range districts.Units {
			childFiguresMatch(t, tab, base, d.Code, asOf)
		}
		do(t, tab, "open a district", chromedp.Click(chromedp.CSS(`a[data-unit="`+district.Code+`"]`)))
		waitText(t, tab, "h1", district.DisplayName)
		// A screen reader follows the link to the new page's heading, and the tab says where it is.
		c, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		where, err := chromedp.Run(c, chromedp.Evaluate[string]("document.activeElement.tagName + ' ' + document.title"))
		if want := "H1 " + district.DisplayName + " – Nông thôn mới – OCOP"; err != nil || where != want {
			t.Errorf("after the link: focus and title %q (%v), want %q", where, err, want)
		}
		screenshot(t, tab, "district")
		getJSON(t, base+"/v1/units?parent="+district.Code+"&type=COMMUNE&as_of="+asOf, http.StatusOK, &children)
		commune := children.Units[0]
		childFiguresMatch(t, tab, base, commune.Code, asOf)
		do(t, tab, "open a commune", chromedp.Click(chromedp.CSS(`a[data-unit="`+commune.Code+`"]`)))
		waitText(t, tab, "h1", commune.DisplayName)
		var score struct{ MetCount, CriteriaCount int }
		getJSON(t, base+"/v1/units/"+commune.Code+"/score?as_of="+asOf, http.StatusOK, &score)
		if got, want := textOf(t, tab, "#met-count .stat-value"), fmt.Sprintf("Đạt %d/%d tiêu chí", score.MetCount, score.CriteriaCount); got != want {
			t.Errorf("commune score %q, the API's %q", got, want)
		}
		chartsDrawn(t, tab)
		screenshot(t, tab, "commune")
	})

	t.Run("OCOP and funding", func(t *testing.T) {
		const day = "2026-07-09"
		var summary struct{ CertifiedTotal int }
		getJSON(t, base+"/v1/units/19/ocopSummary?as_of="+day, http.StatusOK, &summary)
		do(t, tab, "open OCOP", chromedp.Navigate(base+"/#/ocop/19?as_of="+day))
		if got := textOf(t, tab, "#certified-total .stat-value"); got != fmt.Sprint(summary.CertifiedTotal) {
			t.Errorf("certified OCOP products %q, the API's %d", got, summary.CertifiedTotal)
		}
		expiring := ocopListsMatch(t, tab, base, "19", day)
		screenshot(t, tab, "ocop")
		do(t, tab, "open an expiring product", chromedp.Click(chromedp.CSS(`tr[data-expiring="`+expiring[0].ID+`"] a`)))
		nextStarShown(t, tab, base, expiring[0].ID, day)
		screenshot(t, tab, "product")
		do(t, tab, "open funding", chromedp.Navigate(base+"/#/funding/19?from=2016-01-01&to=2020-12-31&as_of=2020-12-31"))
		textOf(t, tab, "table td.num")
		chartsDrawn(t, tab)
		screenshot(t, tab, "funding")
	})

	t.Run("the report's Excel download starts", func(t *testing.T) {
		dir := t.TempDir()
		do(t, tab, "open the report", chromedp.Navigate(base+"/#/report/19?period=2020"),
			chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
					Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
				return err
			}))
		textOf(t, tab, "#download")
		screenshot(t, tab, "report")
		do(t, tab, "download", chromedp.Click(chromedp.CSS("#download")))
		path := waitForFile(t, dir, ".xlsx")
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("%s: %v, %d bytes, want an .xlsx (zip)", path, err, len(b))
		}
		if name := filepath.Base(path); !strings.HasPrefix(name, "bao-cao-ntm-19-2020") {
			t.Errorf("downloaded %s, want the name the API gives", name)
		}
	})

	t.Run("a commune officer's form shows the API's refusal", func(t *testing.T) {
		day := time.Now().In(vietnam).Format(time.DateOnly)
		set, indicator := percentIndicator(t, base, day)
		body := fmt.Sprintf(`{"assessedOn": %q, "author": "x", "criteriaSet": %q, "values": [{"indicatorCode": %q, "number": 150}]}`, day, set, indicator)
		var refusal struct {
			Details []struct {
				FieldViolations []struct{ Field, Description string }
			}
		}
		call(t, http.MethodPost, base+"/v1/units/"+demoCommune+"/assessments", tokenOf(t, demoOfficer), body, http.StatusBadRequest, &refusal)
		want := refusal.Details[1].FieldViolations[0].Description

		do(t, tab, "sign out", chromedp.Click(chromedp.CSS("#signout")))
		do(t, tab, "sign in as the officer", chromedp.Navigate(base+"/#/assess/"+demoCommune), chromedp.Click(chromedp.CSS(`button[data-demo="1"]`)))
		input := "#ind-" + strings.NewReplacer(".", "-").Replace(indicator)
		do(t, tab, "enter a bad value", chromedp.SendKeys(chromedp.CSS(input), "150"), chromedp.Click(chromedp.CSS(`form.assessment button[type="submit"]`)))
		if got := textOf(t, tab, input+"-err"); got != want {
			t.Errorf("beside %s: %q, the API's refusal %q", input, got, want)
		}
		screenshot(t, tab, "assess-refused")
		do(t, tab, "open a neighbour's form", chromedp.Navigate(base+"/#/assess/"+demoNeighbour))
		textOf(t, tab, "#read-only")
	})

	t.Run("fits a phone's screen", func(t *testing.T) {
		do(t, tab, "open the overview on a phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), chromedp.Navigate(base+"/#/unit/19?as_of="+asOf))
		textOf(t, tab, "tr[data-criterion] .met")
		c, cancel := context.WithTimeout(tab, 10*time.Second)
		defer cancel()
		width, err := chromedp.Run(c, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		if err != nil || width > 375 {
			t.Errorf("page width %d (%v) on a 375 px screen: it scrolls sideways", width, err)
		}
		screenshot(t, tab, "overview-phone")
	})

	for _, p := range problems() {
		t.Errorf("browser console: %s", p)
	}
}

// watchConsole collects the page's uncaught exceptions and console errors
// (a CSP violation is one); problems returns them. Failed requests are the
// API's refusals the pages show, not problems.
func watchConsole(ctx context.Context) (problems func() []string) {
	var mu sync.Mutex
	var seen []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException) && !strings.Contains(m.Text, "Failed to load resource") {
				mu.Lock()
				seen = append(seen, string(m.Type)+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// chartsDrawn fails t unless every chart of the page has been drawn (an
// SVG in each chart's box).
func chartsDrawn(t *testing.T, ctx context.Context) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got, err := chromedp.Run(c, chromedp.Evaluate[[]int]("[document.querySelectorAll('.chart').length, document.querySelectorAll('.chart svg').length]"))
	if err != nil || len(got) != 2 || got[0] == 0 || got[0] != got[1] {
		t.Errorf("charts drawn (boxes, SVGs): %v (%v), want as many SVGs as boxes", got, err)
	}
}

// waitText waits until the element css selects reads want.
func waitText(t *testing.T, ctx context.Context, css, want string) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for {
		got := textOf(t, ctx, css)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s reads %q, want %q", css, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForFile waits until dir holds a complete file ending in ext.
func waitForFile(t *testing.T, dir, ext string) string {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ext) {
				if info, err := e.Info(); err == nil && info.Size() > 0 {
					return filepath.Join(dir, e.Name())
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s file downloaded into %s", ext, dir)
	return ""
}

// criterionSets is the part of GET /v1/criteriaSets these tests read.
type criterionSets struct {
	CriteriaSets []struct {
		ID, UnitType, ProvinceCode, ValidFrom, ValidTo string
		Criteria                                       []struct {
			Code, DisplayNameEn string
			Indicators          []struct{ Code, Kind string }
		}
	}
}

// criterionCode is the code of the criterion named en in English in set.
func criterionCode(t *testing.T, base, set, en string) string {
	t.Helper()
	var sets criterionSets
	getJSON(t, base+"/v1/criteriaSets", http.StatusOK, &sets)
	for _, s := range sets.CriteriaSets {
		for _, c := range s.Criteria {
			if s.ID == set && c.DisplayNameEn == en {
				return c.Code
			}
		}
	}
	t.Fatalf("set %s has no criterion %q", set, en)
	return ""
}

// percentIndicator is the commune set in force on day and its first
// percentage indicator, which refuses 150.
func percentIndicator(t *testing.T, base, day string) (set, indicator string) {
	t.Helper()
	var sets criterionSets
	getJSON(t, base+"/v1/criteriaSets", http.StatusOK, &sets)
	for _, s := range sets.CriteriaSets {
		if s.UnitType != "COMMUNE" || s.ProvinceCode != "" || s.ValidFrom > day || (s.ValidTo != "" && day >= s.ValidTo) {
			continue
		}
		for _, c := range s.Criteria {
			for _, ind := range c.Indicators {
				if ind.Kind == "PERCENT" {
					return s.ID, ind.Code
				}
			}
		}
	}
	t.Fatalf("no commune set with a percentage indicator in force on %s", day)
	return "", ""
}

// vietnam is Vietnam's time (UTC+7 all year), whose date the page takes for today.
var vietnam = time.FixedZone("ICT", 7*60*60)
