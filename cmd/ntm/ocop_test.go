package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// postJSON posts body and decodes the answer into out, failing unless the
// status is want.
func postJSON(t *testing.T, url, body string, want int, out any) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s %s = %d %s, want %d", url, body, resp.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("POST %s: %v in %s", url, err, b)
		}
	}
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
	Certified                                                         []struct{ Stars, Products int }
}

// A product through its cycle over REST: producer, product, registration,
// a provincial evaluation (76 points: 4 stars), its certificate; the
// province's summary counts it while the certificate holds and not after
// its 36 months. Bad input names the field and writes nothing.
func TestOcopCycleAndSummary(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	var producer struct{ Id string }
	postJSON(t, base+"/v1/producers", `{"displayName":"HTX Chè La Hiên","kind":"COOPERATIVE","unitCode":"06002","registeredOn":"2019-03-01"}`, http.StatusCreated, &producer)
	var product struct{ Id string }
	postJSON(t, base+"/v1/products", `{"displayName":"Chè xanh La Hiên","producerId":`+producer.Id+`,"productGroup":"BEVERAGE"}`, http.StatusCreated, &product)
	p := base + "/v1/products/" + product.Id
	postJSON(t, p+"/registrations", `{"year":2024,"registeredOn":"2024-03-01"}`, http.StatusCreated, nil)
	postJSON(t, p+"/registrations/2024:review", `{"eligibility":"ELIGIBLE","reviewedOn":"2024-04-01"}`, http.StatusOK, nil)

	for _, tc := range []struct{ path, body, field string }{
		{"/v1/producers", `{"displayName":"HTX","kind":"COOPERATIVE","unitCode":"170","registeredOn":"2019-03-01"}`, "producer.unit_code"}, // a district
		{"/v1/producers", `{"displayName":"HTX","kind":"COOPERATIVE","unitCode":"06101","registeredOn":"2019-03-01"}`, "producer.unit_code"}, // created in 2025
		{p + "/evaluations", `{"year":2024,"evaluatedOn":"2024-05-10","councilLevel":"PROVINCE","scores":` + sheet(7) + `}`, "evaluation.scores[0].points"},
		{p + "/evaluations", `{"year":2024,"evaluatedOn":"2024-05-10","councilLevel":"PROVINCE","scores":[{"criterionCode":"Z9","points":1}]}`, "evaluation.scores[0].criterion_code"},
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
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2024-12-31", http.StatusOK, &s)
	if s.Producers != 1 || s.Products != 1 || s.Registered != 1 || s.Eligible != 1 || s.CertifiedTotal != 1 || s.Certified[1].Stars != 4 || s.Certified[1].Products != 1 {
		t.Errorf("summary 2024-12-31 = %+v, want 1 producer, 1 product registered and eligible, one 4-star certificate", s)
	}
	// Valid 36 months: until 2027-06-01; expiring within 90 days on 2027-03-15.
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2027-03-15", http.StatusOK, &s)
	if s.CertifiedTotal != 1 || s.Expiring != 1 {
		t.Errorf("summary 2027-03-15: certified %d, expiring %d; want 1 and 1", s.CertifiedTotal, s.Expiring)
	}
	getJSON(t, base+"/v1/units/19/ocopSummary?as_of=2027-06-01", http.StatusOK, &s)
	if s.CertifiedTotal != 0 {
		t.Errorf("summary 2027-06-01 (expired): certified %d, want 0", s.CertifiedTotal)
	}
}
