// Package gateway is the REST front door of the NTM Suite: it translates
// HTTP/JSON requests into gRPC calls to the services (registry, and later
// criteria, ocop and funding) using the grpc-gateway handlers generated from
// the protos' google.api.http annotations.
//
// The gateway always talks to the services over real gRPC connections, never
// in-process, so every request passes through the services' interceptors
// (validation, logging, auth) exactly as a gRPC client's would.
//
// It also serves the dashboard (package web) at / and /static/: a page that
// reads this same REST API with the token its user signs in with.
package gateway
