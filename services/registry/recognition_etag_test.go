package registry_test

import (
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/restheader"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// wantStale checks a refusal for a stale etag: ABORTED, reason ETAG_MISMATCH.
func wantStale(t *testing.T, what string, err error) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.Aborted {
		t.Fatalf("%s: %v, want Aborted", what, err)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == etag.MismatchReason {
			return
		}
	}
	t.Errorf("%s: details %v, want reason %s", what, st.Details(), etag.MismatchReason)
}

// A recognition carries its etag wherever it is answered; a revocation sent
// with a stale one, as the field or as If-Match metadata, is ABORTED and
// changes nothing, and one sent with the current one changes the etag.
func TestRevocationWithAStaleEtagIsAborted(t *testing.T) {
	onBackends(t, func(t *testing.T, b backend) {
		e := start(t, b)
		ctx := e.as(provinceOfficer)
		r, err := e.recognise(ctx, "100")
		if err != nil || r.GetEtag() == "" {
			t.Fatalf("recognition %v, %v; want an etag", r, err)
		}
		listed := func(asOf string) *registryv1.Recognition {
			t.Helper()
			list, err := e.reg.ListRecognitions(ctx, &registryv1.ListRecognitionsRequest{Parent: "100", AsOf: asOf})
			if err != nil || len(list.GetRecognitions()) != 1 {
				t.Fatalf("recognitions as of %s: %v, %v; want one", asOf, list, err)
			}
			return list.GetRecognitions()[0].GetRecognition()
		}
		if got := listed("2020-01-01").GetEtag(); got != r.GetEtag() {
			t.Errorf("listed etag %s, created %s", got, r.GetEtag())
		}

		revoke := &registryv1.RevokeRecognitionRequest{UnitCode: "100", Id: recognitionID(t, r), RevokedOn: "2023-01-01",
			RevocationDecision: "99/QĐ-UBND", Etag: `"` + r.GetEtag() + `"`}
		_, err = e.reg.RevokeRecognition(ctx, revoke)
		wantStale(t, "revocation with a stale etag field", err)
		revoke.Etag = ""
		_, err = e.reg.RevokeRecognition(metadata.AppendToOutgoingContext(ctx, restheader.IfMatch, "*"), revoke)
		wantStale(t, "revocation with a stale If-Match", err)
		if got := listed("2024-01-01"); got.GetRevokedOn() != "" || got.GetEtag() != r.GetEtag() {
			t.Fatalf("refused revocations changed the recognition: %v", got)
		}

		revoked, err := e.reg.RevokeRecognition(metadata.AppendToOutgoingContext(ctx, restheader.IfMatch, r.GetEtag()), revoke)
		if err != nil || revoked.GetRevokedOn() != "2023-01-01" || revoked.GetEtag() == r.GetEtag() {
			t.Fatalf("revocation with the current etag = %v, %v", revoked, err)
		}
		if got := listed("2020-01-01").GetEtag(); got != revoked.GetEtag() {
			t.Errorf("listed etag %s, revocation answered %s", got, revoked.GetEtag())
		}
		revoke.Etag = r.GetEtag()
		_, err = e.reg.RevokeRecognition(ctx, revoke)
		wantStale(t, "second revocation with the first one's etag", err)
	})
}
