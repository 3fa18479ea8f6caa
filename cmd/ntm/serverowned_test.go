package main

import (
	"net/http"
	"testing"
)

// Fields the server owns (names, ids, computed totals and stars, validity
// dates, what ended a certificate) are output only: a client that sends them
// is not believed, and what is stored and answered is what the server
// decided. This is the "server-owned fields" point of the security checklist
// (docs/SECURITY.md).
func TestClientsCannotSetServerOwnedFields(t *testing.T) {
	base := startTestSuite(t, upConfig{}).httpURL

	var producer struct{ Name, Id string }
	postJSON(t, base+"/v1/producers", `{"name":"producers/424242","id":"424242","displayName":"HTX Chè Bình Long","kind":"COOPERATIVE","unitCode":"06008","registeredOn":"2019-03-01"}`, http.StatusCreated, &producer)
	if producer.Id == "424242" || producer.Name != "producers/"+producer.Id {
		t.Errorf("producer sent as producers/424242 answered %+v: the client chose its id", producer)
	}

	var product struct{ Id string }
	postJSON(t, base+"/v1/products", `{"displayName":"Chè xanh Bình Long","producerId":`+producer.Id+`,"productGroup":"BEVERAGE"}`, http.StatusCreated, &product)
	p := base + "/v1/products/" + product.Id
	postJSON(t, p+"/registrations", `{"year":2024,"registeredOn":"2024-03-01"}`, http.StatusCreated, nil)

	// 76 points by the provincial council: 4 stars, whatever the client says.
	var evaluation struct {
		Id    string
		Total float64
		Stars int
	}
	postJSON(t, p+"/evaluations", `{"year":2024,"evaluatedOn":"2024-05-20","councilLevel":"PROVINCE","total":100,"stars":5,"scores":`+sheet(5, 4, 4, 5, 4, 5, 6, 6, 6, 4, 4, 8, 8, 5, 2)+`}`, http.StatusCreated, &evaluation)
	if evaluation.Total != 76 || evaluation.Stars != 4 {
		t.Errorf("evaluation sent as 100 points and 5 stars: %v points, %d stars; want 76 and 4", evaluation.Total, evaluation.Stars)
	}

	var certificate struct {
		Stars               int
		ValidUntil, EndedOn string
	}
	postJSON(t, p+"/certificates", `{"evaluationId":`+evaluation.Id+`,"decisionNumber":"1234/QĐ-UBND","issuedOn":"2024-06-01","stars":5,"validUntil":"2099-01-01","endedOn":"2024-07-01"}`, http.StatusCreated, &certificate)
	if certificate.Stars != 4 || certificate.ValidUntil != "2027-06-01" || certificate.EndedOn != "" {
		t.Errorf("certificate sent as 5 stars valid until 2099 and ended 2024-07-01: %+v; want 4 stars until 2027-06-01, not ended", certificate)
	}
}
