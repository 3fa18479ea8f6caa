package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// postJSON posts body and decodes the answer into out, failing unless the
// status is want.
func postJSON(t *testing.T, url, body string, want int, out any) []byte {
	t.Helper()
	_, b := call(t, http.MethodPost, url, tokenOf(t, demoAdmin), body, want, out)
	return b
}

// sheet is an OCOP_2023 scoring sheet (the shipped synthetic lines) whose
// lines get points in order; the rest get 0.
func sheet(points ...float64) string {
	codes := []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4"}
	var parts []string
	for i, p := range points {
		parts = append(parts, fmt.Sprintf(`{"criterionCode":%q,"points":%g}`, codes[i], p))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

type ocopSummary struct {
	Producers, Products, Registered, Eligible, CertifiedTotal, Expiring int
	Certified                                                           []struct{ Stars, Products int }
}

// A product through its cycle over REST: producer, product, registration,
// a provincial evaluation (76 points: 4 stars), its certificate; the
// commune's summary (Bình Long, without demo producers) counts it while the
// certificate holds and not after its 36 months. Bad input names the field
// and writes nothing.
func TestOcopCycleAndSummary(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var producer struct{ Id string }
	postJSON(t, base+"/v1/producers", `{"displayName":"HTX Chè Bình Long","kind":"COOPERATIVE","unitCode":"06008","registeredOn":"2019-03-01"}`, http.StatusCreated, &producer)
	var product struct{ Id string }
	postJSON(t, base+"/v1/products", `{"displayName":"Chè xanh Bình Long","producerId":`+producer.Id+`,"productGroup":"BEVERAGE"}`, http.StatusCreated, &product)
	p := base + "/v1/products/" + product.Id
	postJSON(t, p+"/registrations", `{"year":2024,"registeredOn":"2024-03-01"}`, http.StatusCreated, nil)
	postJSON(t, p+"/registrations/2024:review", `{"eligibility":"ELIGIBLE","reviewedOn":"2024-04-01"}`, http.StatusOK, nil)

	for _, tc := range []struct{ path, body, field string }{
		{"/v1/producers", `{"displayName":"HTX","kind":"COOPERATIVE","unitCode":"170","registeredOn":"2019-03-01"}`, "producer.unit_code"},   // a district
		{"/v1/producers", `{"displayName":"HTX","kind":"COOPERATIVE","unitCode":"06101","registeredOn":"2019-03-01"}`, "producer.unit_code"}, // created in 2025
		{p + "/evaluations", `{"year":2024,"evaluatedOn":"2024-05-10","councilLevel":"PROVINCE","scores":` + sheet(7) + `}`, "evaluation.scores[0].points"},
		{p + "/evaluations", `{"year":2024,"evaluatedOn":"2024-05-10","councilLevel":"PROVINCE","scores":[{"criterionCode":"Z9","points":1}]}`, "evaluation.scores[0].criterion_code"},
		{p + "/registrations", `{"year":2018,"registeredOn":"2018-05-01"}`, "registration.registered_on"}, // before the producer joined
	} {
		url := tc.path
		if strings.HasPrefix(url, "/") {
			url = base + url
		}
		b := postJSON(t, url, tc.body, http.StatusBadRequest, nil)
		if !bytes.Contains(b, []byte(fmt.Sprintf("%q", tc.field))) {
			t.Errorf("POST %s %s: %s, want a violation of %s", tc.path, tc.body, b, tc.field)
		}
	}

	// A township (thị trấn) hosts producers too, until it became part of a commune in 2025.
	postJSON(t, base+"/v1/producers", `{"displayName":"Cơ sở Bánh chưng Đình Cả","kind":"HOUSEHOLD_BUSINESS","unitCode":"06001","registeredOn":"2021-01-05"}`, http.StatusCreated, nil)

	// 95 points by the provincial council: 5 stars, which only the central council certifies.
	var five struct{ Id string }
	postJSON(t, p+"/evaluations", `{"year":2024,"evaluatedOn":"2024-05-10","councilLevel":"PROVINCE","scores":`+sheet(6, 4, 5, 6, 5, 6, 8, 7, 8, 5, 5, 10, 10, 8, 2)+`}`, http.StatusCreated, &five)
	if b := postJSON(t, p+"/certificates", `{"evaluationId":`+five.Id+`,"decisionNumber":"1/QĐ-UBND","issuedOn":"2024-06-01"}`, http.StatusBadRequest, nil); !bytes.Contains(b, []byte("certificate.evaluation_id")) {
		t.Errorf("5 stars by a provincial council: %s", b)
	}
	var four struct {
		Id    string
		Total float64
		Stars int
	}
	postJSON(t, p+"/evaluations", `{"year":2024,"evaluatedOn":"2024-05-20","councilLevel":"PROVINCE","scores":`+sheet(5, 4, 4, 5, 4, 5, 6, 6, 6, 4, 4, 8, 8, 5, 2)+`}`, http.StatusCreated, &four)
	if four.Total != 76 || four.Stars != 4 {
		t.Fatalf("evaluation: %v points, %d stars; want 76 and 4", four.Total, four.Stars)
	}
	postJSON(t, p+"/certificates", `{"evaluationId":`+four.Id+`,"decisionNumber":"1234/QĐ-UBND","issuedOn":"2024-06-01"}`, http.StatusCreated, nil)

	var s ocopSummary
	getJSON(t, base+"/v1/units/06008/ocopSummary?as_of=2024-12-31", http.StatusOK, &s)
	if s.Producers != 1 || s.Products != 1 || s.Registered != 1 || s.Eligible != 1 || s.CertifiedTotal != 1 || s.Certified[1].Stars != 4 || s.Certified[1].Products != 1 {
		t.Errorf("summary 2024-12-31 = %+v, want 1 producer, 1 product registered and eligible, one 4-star certificate", s)
	}
	// Valid 36 months: until 2027-06-01; expiring within 90 days on 2027-03-15.
	getJSON(t, base+"/v1/units/06008/ocopSummary?as_of=2027-03-15", http.StatusOK, &s)
	if s.CertifiedTotal != 1 || s.Expiring != 1 {
		t.Errorf("summary 2027-03-15: certified %d, expiring %d; want 1 and 1", s.CertifiedTotal, s.Expiring)
	}
	getJSON(t, base+"/v1/units/06008/ocopSummary?as_of=2027-06-01", http.StatusOK, &s)
	if s.CertifiedTotal != 0 {
		t.Errorf("summary 2027-06-01 (expired): certified %d, want 0", s.CertifiedTotal)
	}
}

// The demo province's OCOP figures, counted by hand from ocop.json: five
// producers, seven products; certificates of Chè xanh La Hiên (4★, 2020 expired
// 2023-10-20, again from 2024-06-15), Gạo Bao thai (3★ 2021, renewed by the
// district 2024-09-05), Thịt trâu sấy (4★ 2023-07-10 until 2026-07-10) and
// Tương nếp Nam Tiến (3★ from 2025-10-20).
func TestDemoOcopSummaryMatchesHandCount(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	type full struct {
		ocopSummary
		NotEligible               int
		Evaluated, NewlyCertified []struct{ Stars, Products int }
	}
	stars := func(ts []struct{ Stars, Products int }) map[int]int {
		m := map[int]int{}
		for _, s := range ts {
			if s.Products > 0 {
				m[s.Stars] = s.Products
			}
		}
		return m
	}
	var s full
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2024-12-31", http.StatusOK, &s)
	// Six products: La Hiên's three teas (the 2020 one proposed to the central council among them) and one each of Bảo Cường, Định Hóa and Tràng Xá.
	if s.Producers != 4 || s.Products != 6 || s.Registered != 3 || s.Eligible != 2 || s.NotEligible != 1 {
		t.Errorf("2024: %d producers, %d products, registered %d, eligible %d, not eligible %d; want 4, 6, 3, 2, 1",
			s.Producers, s.Products, s.Registered, s.Eligible, s.NotEligible)
	}
	if got := stars(s.Evaluated); len(got) != 2 || got[3] != 1 || got[4] != 1 {
		t.Errorf("2024 evaluated by stars = %v, want 3★ 1, 4★ 1", got)
	}
	if got := stars(s.NewlyCertified); len(got) != 2 || got[3] != 1 || got[4] != 1 {
		t.Errorf("2024 newly certified = %v, want 3★ 1, 4★ 1", got)
	}
	if got := stars(s.Certified); s.CertifiedTotal != 3 || got[3] != 1 || got[4] != 2 {
		t.Errorf("certified on 2024-12-31 = %v (total %d), want 3★ 1, 4★ 2", got, s.CertifiedTotal)
	}
	// The day before Thịt trâu sấy's certificate ends, and the day it does.
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2026-07-09", http.StatusOK, &s)
	if s.CertifiedTotal != 4 || s.Expiring != 1 {
		t.Errorf("2026-07-09: certified %d, expiring %d; want 4 and 1", s.CertifiedTotal, s.Expiring)
	}
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2026-07-10", http.StatusOK, &s)
	if got := stars(s.Certified); s.CertifiedTotal != 3 || got[3] != 2 || got[4] != 1 || s.Producers != 5 || s.Products != 8 {
		t.Errorf("2026-07-10: certified %v (total %d), %d producers, %d products; want 3★ 2, 4★ 1, 5, 8", got, s.CertifiedTotal, s.Producers, s.Products)
	}
}

// A producer of Xã Lâu Thượng (06003), which merged into the new Xã Võ Nhai
// (06101) on 2025-07-01, counts under Lâu Thượng before the merger and under
// Võ Nhai and the province after it.
func TestOcopProducerFollowsItsCommuneThroughAMerger(t *testing.T) {
	base := startTestSuite(t, upConfig{})
	var producer struct{ Id string }
	postJSON(t, base.httpURL+"/v1/producers", `{"displayName":"HTX Mật ong Lâu Thượng","kind":"COOPERATIVE","unitCode":"06003","registeredOn":"2021-03-01"}`, http.StatusCreated, &producer)
	postJSON(t, base.httpURL+"/v1/products", `{"displayName":"Mật ong Lâu Thượng","producerId":`+producer.Id+`,"productGroup":"FOOD"}`, http.StatusCreated, nil)
	for _, tc := range []struct {
		unit, asOf string
		producers  int
	}{
		{"06003", "2024-12-31", 1},
		{"06101", "2025-07-01", 1},
		{"19", "2024-12-31", 5}, // with the 4 demo producers of that day
		{"19", "2026-01-01", 6}, // and the demo's 2025 producer
	} {
		var s ocopSummary
		getJSON(t, base.httpURL+"/v1/units/"+tc.unit+"/ocopSummary?as_of="+tc.asOf, http.StatusOK, &s)
		if s.Producers != tc.producers {
			t.Errorf("producers under %s on %s = %d, want %d", tc.unit, tc.asOf, s.Producers, tc.producers)
		}
	}
	getJSON(t, base.httpURL+"/v1/units/06101/ocopSummary?as_of=2024-12-31", http.StatusNotFound, nil)
}
