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

// IdempotencyKey is the request metadata a client may send a request id
// (AIP-155) in instead of the request's request_id field.
const IdempotencyKey = "idempotency-key"

// IdempotencyKeyBin is the binary form of IdempotencyKey, into which the
// gateway copies the client's Idempotency-Key header: an HTTP header may
// hold bytes gRPC's text metadata cannot carry, and the service, not the
// gateway's client, must be the one to refuse them (400 naming request_id).
const IdempotencyKeyBin = IdempotencyKey + "-bin"
