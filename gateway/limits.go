package gateway

import (
	"flag"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/ratelimit"
)

// Body limits per route. Each is at most the MaxRecvMsgSize of the service
// behind the route (see maxRequestBytes in services/*): a JSON body is
// never smaller than the protobuf message it decodes to, so a body the
// gateway accepts is one the service reads, and a body too large is
// answered 413 here rather than RESOURCE_EXHAUSTED (429) by the service.
const (
	// oneRecordBodyBytes holds any single record (the largest, an
	// assessment with every indicator and a long note, is some 30 KB).
	oneRecordBodyBytes = 1 << 20
	// fundingBatchBodyBytes holds 1,000 plans or disbursements.
	fundingBatchBodyBytes = 4 << 20
)

// bodyLimits are the routes whose requests exceed one record: the
// registry's and the criteria service's bulk requests (a province's units,
// a decision of many changes, 20,000 assessments) take up to maxBodyBytes,
// the funding batches less; every other route takes oneRecordBodyBytes.
var bodyLimits = map[string]int64{
	"/v1/units:import":              maxBodyBytes,
	"/v1/decisions":                 maxBodyBytes,
	"/v1/unitChanges":               maxBodyBytes,
	"/v1/assessments:batchCreate":   maxBodyBytes,
	"/v1/plans:batchCreate":         fundingBatchBodyBytes,
	"/v1/disbursements:batchCreate": fundingBatchBodyBytes,
}

// limitBodies applies limitBody with the limit of the request's route.
func limitBodies(next http.Handler) http.Handler {
	byRoute := make(map[string]http.Handler, len(bodyLimits)+len(importKinds))
	for path, limit := range bodyLimits {
		byRoute[path] = limitBody(limit, next)
	}
	for kind := range importKinds {
		// The file, and the headers of a multipart form around it.
		byRoute["/v1/imports/"+kind] = limitBody(importFileBytes+1<<20, next)
	}
	other := limitBody(oneRecordBodyBytes, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := byRoute[r.URL.Path]; ok {
			h.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

// rateScope is the gateway's scope of rate-limit counts: REST requests,
// apart from the calls each service counts.
const rateScope = "gateway"

// clientAddr is the IP address the request came from (without the port).
// Behind a reverse proxy it is the proxy's: forwarded headers are not
// trusted, since any client can write them.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// tooManyRequests answers 429 with Retry-After, the body shaped like every
// other error (RESOURCE_EXHAUSTED).
func tooManyRequests(w http.ResponseWriter, d ratelimit.Decision) {
	setRetryAfter(w, d.RetryAfter)
	writeStatus(w, http.StatusTooManyRequests, codes.ResourceExhausted, "too many requests; retry later")
}

func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(ratelimit.RetryAfterSeconds(d), 10))
}

// forwardRetryInfo gives a service's refusal that says when to retry (its
// own rate limit: RESOURCE_EXHAUSTED with a google.rpc.RetryInfo) the
// Retry-After header of the gateway's own 429s.
func forwardRetryInfo(w http.ResponseWriter, err error) {
	st, ok := status.FromError(err)
	if !ok {
		return
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			setRetryAfter(w, ri.GetRetryDelay().AsDuration())
			return
		}
	}
}

// ServerOptions are the limits of the HTTP server in front of the
// gateway's handler: without them a client sending a byte a second, or
// keeping idle connections open, holds a connection (and its goroutine)
// for ever.
type ServerOptions struct {
	// ReadHeaderTimeout bounds reading the request line and headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the headers to the end
	// of the answer: reading the body, the services' work and sending.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection without a request for so long.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes int
}

// DefaultServerOptions suit an office on a slow link:
//   - reading: a 32 MiB unit import over a 2 Mbit/s uplink takes about two
//     minutes;
//   - writing: a province's workbook is computed from every service and
//     then downloaded, and the clock also runs while the body is read, so
//     five minutes;
//   - headers: a bearer token is about 1 KB; 64 KiB leaves room for any
//     browser's cookies and still refuses megabytes of headers.
func DefaultServerOptions() ServerOptions {
	return ServerOptions{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// RegisterFlags defines --http-read-timeout, --http-write-timeout,
// --http-idle-timeout and --http-max-header-bytes on fs, defaulting to o's
// values and writing into o.
func (o *ServerOptions) RegisterFlags(fs *flag.FlagSet) {
	fs.DurationVar(&o.ReadTimeout, "http-read-timeout", o.ReadTimeout, "longest time to read one HTTP request, body included (a large import over a slow link)")
	fs.DurationVar(&o.WriteTimeout, "http-write-timeout", o.WriteTimeout, "longest time from the end of a request's headers to the end of its answer (a workbook download)")
	fs.DurationVar(&o.IdleTimeout, "http-idle-timeout", o.IdleTimeout, "how long an idle keep-alive connection stays open")
	fs.IntVar(&o.MaxHeaderBytes, "http-max-header-bytes", o.MaxHeaderBytes, "largest request line and headers, in bytes")
}

// Server is an http.Server serving h with o's limits; errorLog (optional)
// receives the server's own errors.
func (o ServerOptions) Server(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}
