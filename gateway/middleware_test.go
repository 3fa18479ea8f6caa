package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecoverPanics(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := withRequestID(recoverPanics(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internals")
	})))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/units", nil))

	if w.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, w.Body)
	}
	if body.Code != 13 {
		t.Errorf("code = %d, want 13 (Internal)", body.Code)
	}
	if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "goroutine") {
		t.Errorf("panic details reached the client: %s", w.Body)
	}
	if !strings.Contains(logs.String(), "secret internals") || !strings.Contains(logs.String(), w.Header().Get("X-Request-Id")) {
		t.Errorf("panic not logged with its request id: %s", logs.String())
	}
}

func TestLimitBody(t *testing.T) {
	const limit = 10
	readAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	h := limitBody(limit, readAll)

	t.Run("declared too large", func(t *testing.T) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", limit+1))))
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", w.Code)
		}
	})
	t.Run("undeclared too large", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", limit+1)))
		r.ContentLength = -1 // as for a chunked body
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest {
			t.Errorf("status = %d, want 400 from the failed read", w.Code)
		}
	})
	t.Run("within limit", func(t *testing.T) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", limit))))
		if w.Code != http.StatusOK {
			t.Errorf("status = %d, want 200", w.Code)
		}
	})
}

func TestAccessLog(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := withRequestID(accessLog(logger, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})))
	r := httptest.NewRequest(http.MethodPost, "/v1/units", nil)
	r.Header.Set("X-Request-Id", "abc")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log is not one JSON line: %v\n%s", err, logs.String())
	}
	for k, want := range map[string]any{"method": "POST", "path": "/v1/units", "status": float64(http.StatusTeapot),
		"request_id": w.Header().Get("X-Request-Id"), "client_request_id": "abc"} {
		if line[k] != want {
			t.Errorf("log %s = %v, want %v", k, line[k], want)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("log has no duration")
	}
}

// At the production level (info) a successful read is not logged; a failed
// read and every write are.
func TestAccessLogSkipsSuccessfulReads(t *testing.T) {
	for _, tc := range []struct {
		method string
		status int
		logged bool
	}{
		{http.MethodGet, http.StatusOK, false},
		{http.MethodHead, http.StatusOK, false},
		{http.MethodGet, http.StatusNotModified, false},
		{http.MethodGet, http.StatusNotFound, true},
		{http.MethodGet, http.StatusServiceUnavailable, true},
		{http.MethodPost, http.StatusCreated, true},
		{http.MethodPatch, http.StatusOK, true},
		{http.MethodDelete, http.StatusOK, true},
		{http.MethodPost, http.StatusBadRequest, true},
	} {
		var logs bytes.Buffer
		h := accessLog(slog.New(slog.NewJSONHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tc.status)
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, "/v1/units/19", nil))
		if got := logs.Len() > 0; got != tc.logged {
			t.Errorf("%s answered %d: logged = %v, want %v: %s", tc.method, tc.status, got, tc.logged, logs.String())
		}
	}
	// At debug level they are.
	var logs bytes.Buffer
	h := accessLog(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/units/19", nil))
	if !strings.Contains(logs.String(), `"level":"DEBUG","msg":"http request"`) {
		t.Errorf("a successful read at debug level logged %q", logs.String())
	}
}
