package store

import "fmt"

// The resource names of faults and of the audit trail are the API's (see
// ocop_service.proto), so that an admin asks for a resource's history by
// the name a client sees.

// ProducerName and ProductName are also what the server answers with.
func ProducerName(id int64) string { return fmt.Sprintf("producers/%d", id) }

func ProductName(id int64) string { return fmt.Sprintf("products/%d", id) }

func registrationName(productID int64, year int) string {
	return fmt.Sprintf("products/%d/registrations/%d", productID, year)
}

func evaluationName(productID, id int64) string {
	return fmt.Sprintf("products/%d/evaluations/%d", productID, id)
}

func certificateName(productID, id int64) string {
	return fmt.Sprintf("products/%d/certificates/%d", productID, id)
}
