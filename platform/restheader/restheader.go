// Package restheader names the gRPC response headers through which a
// handler tells the REST gateway how to answer: the services set them
// (platform/grpcserver) and the gateway reads them. It has no dependencies,
// so the gateway need not build the services' server code to know them.
package restheader

const (
	// HTTPCode chooses the REST status of a successful call (201 for a create).
	HTTPCode = "x-http-code"
	// FileName names the file a handler answering one returns, for the
	// gateway's Content-Disposition.
	FileName = "x-file-name"
)

// IdempotencyKey is the request metadata into which the gateway copies the
// client's Idempotency-Key header: the services take it as the request's
// request_id (AIP-155) when that field is empty.
const IdempotencyKey = "idempotency-key"
