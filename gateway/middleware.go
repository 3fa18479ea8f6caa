package gateway

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"google.golang.org/grpc/codes"
)

// recorder remembers the status written through it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// accessLog logs one line per request: at info for failures and writes, at
// debug for successful reads (GET and HEAD, which the API maps to its Get,
// List and Count calls only), which are the bulk of the traffic and say
// nothing the metrics do not. The services log their calls the same way
// (grpcserver's isRead).
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK // nothing written: net/http sends 200
		}
		level := slog.LevelInfo
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && rec.status < http.StatusBadRequest {
			level = slog.LevelDebug
		}
		// Nothing is built for a line the handler drops.
		if !logger.Enabled(r.Context(), level) {
			return
		}
		logger.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", RequestID(r.Context())),
			slog.String("client_request_id", ClientRequestID(r.Context())),
			slog.String("trace_id", traceID(r.Context())),
		)
	})
}

// recoverPanics turns a panic into a 500 google.rpc.Status. The stack goes to
// the log, never to the client.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // net/http's way of aborting a response on purpose
			}
			logger.LogAttrs(r.Context(), slog.LevelError, "panic serving HTTP request",
				slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())),
				slog.String("request_id", RequestID(r.Context())),
			)
			if rec.status != 0 {
				return // the response has started; the client sees it cut short
			}
			writeStatus(rec, http.StatusInternalServerError, codes.Internal, "internal error")
		}()
		next.ServeHTTP(rec, r)
	})
}

// limitBody refuses bodies over limit bytes: up front with 413 when the
// Content-Length says so, and otherwise (chunked bodies) by failing the read,
// which the mux answers as InvalidArgument.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			writeStatus(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument,
				fmt.Sprintf("request body larger than %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
