package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// logBuffer is a log sink the suite's goroutines write to concurrently.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Logs never hold a bearer token, accepted or refused, whatever the level:
// a token in a log file is a credential anyone reading the logs can use.
// This is the log scan of the personal-data point of the security checklist
// (docs/SECURITY.md).
func TestLogsHoldNoTokens(t *testing.T) {
	var logs logBuffer
	s, stop := startLoggingSuite(t, upConfig{}, debugJSON(&logs))
	t.Cleanup(stop)
	admin := tokenOf(t, demoAdmin)
	call(t, http.MethodGet, s.httpURL+"/v1/units/19", admin, "", http.StatusOK, nil)
	call(t, http.MethodPost, s.httpURL+"/v1/units/06005/assessments", admin, `{"assessment":{}}`, http.StatusBadRequest, nil)
	forged := admin[:len(admin)-4] + "AAAA"
	call(t, http.MethodGet, s.httpURL+"/v1/units/19", forged, "", http.StatusUnauthorized, nil)
	stop()

	got := logs.String()
	if len(got) == 0 {
		t.Fatal("the suite logged nothing: the scan would prove nothing")
	}
	for what, secret := range map[string]string{"an accepted token": admin, "a refused token": forged, "a token's signature": admin[len(admin)-20:]} {
		if strings.Contains(got, secret) {
			t.Errorf("the logs hold %s", what)
		}
	}
}
