package main

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ntmsuite/ntm/cmd/ntm/internal/demo"
)

// ntm up gives the registry a connection to the criteria service, opened on
// ":0" like every port here: over REST a recognition is checked against its
// set (a level out of order is 400 naming the field), a retry of a demo
// decision answers its record with 200, and another decision of a level in
// force is 409 naming that record.
func TestRecognitionsAreCheckedOverREST(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL
	token := tokenOf(t, demoAdmin)
	recs, err := demo.Recognitions()
	if err != nil {
		t.Fatal(err)
	}
	first := recs[0]
	url := base + "/v1/units/" + first.GetUnitCode() + "/recognitions"
	body, err := protojson.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var retried struct{ Name, UnitType string }
	call(t, http.MethodPost, url, token, string(body), http.StatusOK, &retried)
	if retried.Name == "" || retried.UnitType != "COMMUNE" {
		t.Errorf("retry of %s = %+v, want the demo's record", first.GetDecisionNumber(), retried)
	}
	_, refused := call(t, http.MethodPost, url, token, fmt.Sprintf(
		`{"level": "MODEL", "decisionNumber": "9/QĐ-UBND", "effectiveDate": %q, "criteriaSet": %q}`, first.GetEffectiveDate(), first.GetCriteriaSet()),
		http.StatusBadRequest, nil)
	if !bytes.Contains(refused, []byte(`"recognition.level"`)) {
		t.Errorf("MODEL out of order: %s, want a violation of recognition.level", refused)
	}
	_, conflict := call(t, http.MethodPost, url, token, fmt.Sprintf(
		`{"level": %q, "decisionNumber": "9/QĐ-UBND", "effectiveDate": %q, "criteriaSet": %q}`, first.GetLevel(), first.GetEffectiveDate(), first.GetCriteriaSet()),
		http.StatusConflict, nil)
	if !bytes.Contains(conflict, []byte(retried.Name)) {
		t.Errorf("a second %s in force: %s, want it to name %s", first.GetLevel(), conflict, retried.Name)
	}
}
