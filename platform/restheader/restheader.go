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
