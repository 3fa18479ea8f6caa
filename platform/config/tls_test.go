package config_test

import (
	"crypto/tls"
	"testing"

	"github.com/ntmsuite/ntm/platform/config"
	"github.com/ntmsuite/ntm/platform/tlstest"
)

// What each combination of files serves and dials with.
func TestTLSFiles(t *testing.T) {
	files := tlstest.New(t)
	other := tlstest.New(t)
	for _, tc := range []struct {
		name            string
		f               config.TLSFiles
		serve           tls.ClientAuthType // -1: plaintext
		dial, dialRoots bool
		dialCert        string
	}{
		{"nothing", config.TLSFiles{}, -1, false, false, ""},
		{"TLS", config.TLSFiles{Cert: files.Cert, Key: files.Key}, tls.NoClientCert, true, false, ""},
		{"mTLS", config.TLSFiles{Cert: files.Cert, Key: files.Key, CA: files.CA}, tls.RequireAndVerifyClientCert, true, true, files.Cert},
		{"mTLS, another client cert", config.TLSFiles{Cert: files.Cert, Key: files.Key, CA: files.CA, ClientCert: other.Cert, ClientKey: other.Key},
			tls.RequireAndVerifyClientCert, true, true, other.Cert},
	} {
		s, err := tc.f.Server()
		if err != nil {
			t.Fatalf("%s: Server: %v", tc.name, err)
		}
		switch {
		case tc.serve == -1 && s != nil, tc.serve != -1 && (s == nil || s.ClientAuth != tc.serve || len(s.Certificates) != 1):
			t.Errorf("%s: serves %+v, want client auth %v", tc.name, s, tc.serve)
		}
		c, err := tc.f.Client()
		if err != nil {
			t.Fatalf("%s: Client: %v", tc.name, err)
		}
		if (c != nil) != tc.dial || c != nil && (c.RootCAs != nil) != tc.dialRoots {
			t.Errorf("%s: dials %+v, want TLS %v with the CA %v", tc.name, c, tc.dial, tc.dialRoots)
		}
		if tc.dialCert != "" {
			want, err := tls.LoadX509KeyPair(tc.dialCert, map[string]string{files.Cert: files.Key, other.Cert: other.Key}[tc.dialCert])
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Certificates) != 1 || string(c.Certificates[0].Certificate[0]) != string(want.Certificate[0]) {
				t.Errorf("%s: presents another certificate than %s", tc.name, tc.dialCert)
			}
		}
	}
	for name, f := range map[string]config.TLSFiles{
		"CA without a certificate": {CA: files.CA},
		"cert without key":         {Cert: files.Cert},
		"key that is not a key":    {Cert: files.Cert, Key: files.CA},
		"CA that is not PEM":       {Cert: files.Cert, Key: files.Key, CA: files.Key + ".missing"},
	} {
		_, serr := f.Server()
		_, cerr := f.Client()
		if serr == nil && cerr == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
