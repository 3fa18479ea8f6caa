package restheader

// IfMatch is the request metadata that carries a client's If-Match header
// (AIP-154): the gateway forwards the header under it, a gRPC client may
// send it directly, and the services take it as the request's `etag`.
const IfMatch = "if-match"
