package server_test

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ntmsuite/ntm/platform/etag"
	"github.com/ntmsuite/ntm/platform/restheader"
	auditv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/audit/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
)

// wantReason checks err's code and google.rpc.ErrorInfo reason.
func wantReason(t *testing.T, what string, err error, code codes.Code, reason string) *status.Status {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code {
		t.Fatalf("%s: %v, want %v", what, err, code)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == reason {
			return st
		}
	}
	t.Errorf("%s: details %v, want reason %s", what, st.Details(), reason)
	return st
}

// A review replaces an earlier one only by naming it with its etag: without
// one it is refused (it would silently overwrite a decision), with a stale
// one it is ABORTED, sent as the field or as If-Match metadata. The audit
// trail keeps the replaced review and the new one.
func TestReviewsNameTheReviewTheyReplace(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		a := e.api
		ctx := a.ctx
		tea := a.product(t, a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2019-03-01"), "Chè xanh La Hiên", "BEVERAGE")
		created, err := a.CreateRegistration(ctx, &ocopv1.CreateRegistrationRequest{ProductId: tea, Registration: &ocopv1.Registration{Year: 2024, RegisteredOn: "2024-03-01"}})
		if err != nil || created.GetEtag() == "" {
			t.Fatalf("registration %v, %v; want an etag", created, err)
		}
		first, err := a.ReviewRegistration(ctx, &ocopv1.ReviewRegistrationRequest{ProductId: tea, Year: 2024, Eligibility: notEligible,
			Reason: "Thiếu phiếu kiểm nghiệm", ReviewedOn: "2024-04-01"})
		if err != nil || first.GetEtag() == "" || first.GetEtag() == created.GetEtag() {
			t.Fatalf("first review %v, %v; want a new etag", first, err)
		}

		second := &ocopv1.ReviewRegistrationRequest{ProductId: tea, Year: 2024, Eligibility: eligible, ReviewedOn: "2024-05-01"}
		_, err = a.ReviewRegistration(ctx, second)
		st := wantReason(t, "second review without an etag", err, codes.FailedPrecondition, "ETAG_REQUIRED")
		if !strings.Contains(st.Message(), "etag") {
			t.Errorf("refusal %q does not say to send the etag", st.Message())
		}
		second.Etag = created.GetEtag()
		_, err = a.ReviewRegistration(ctx, second)
		wantReason(t, "second review with a stale etag", err, codes.Aborted, etag.MismatchReason)
		second.Etag = ""
		_, err = a.ReviewRegistration(metadata.AppendToOutgoingContext(ctx, restheader.IfMatch, created.GetEtag()), second)
		wantReason(t, "second review with a stale If-Match", err, codes.Aborted, etag.MismatchReason)

		replaced, err := a.ReviewRegistration(metadata.AppendToOutgoingContext(ctx, restheader.IfMatch, first.GetEtag()), second)
		if err != nil || replaced.GetEligibility() != eligible || replaced.GetEtag() == first.GetEtag() {
			t.Fatalf("second review with the current If-Match = %v, %v", replaced, err)
		}
		if got := a.get(t, tea, "").GetRegistrations(); len(got) != 1 || got[0].GetEtag() != replaced.GetEtag() || got[0].GetReviewedOn() != "2024-05-01" {
			t.Errorf("read back %v, want the second review with etag %s", got, replaced.GetEtag())
		}

		events := auditEvents(t, a, &auditv1.ListAuditEventsRequest{Resource: fmt.Sprintf("products/%d/registrations/2024", tea)})
		if len(events) != 3 {
			t.Fatalf("%d audit events of the registration, want created and two reviews", len(events))
		}
		wantFields(t, "replacing review before", jsonFields(t, events[2].GetBefore()),
			map[string]any{"Eligibility": "NOT_ELIGIBLE", "Reason": "Thiếu phiếu kiểm nghiệm", "ReviewedOn": "2024-04-01"})
		wantFields(t, "replacing review after", jsonFields(t, events[2].GetAfter()),
			map[string]any{"Eligibility": "ELIGIBLE", "Reason": "", "ReviewedOn": "2024-05-01"})
	})
}

// A certificate's etag changes when a later one supersedes it and when it
// is revoked; a revocation sent with a stale etag is ABORTED.
func TestRevocationWithAStaleEtagIsAborted(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		a := e.api
		product := a.product(t, a.producer(t, "HTX Chè La Hiên", ocopv1.ProducerKind_COOPERATIVE, "100", "2020-01-01"), "Chè xanh La Hiên", "BEVERAGE")
		c1 := a.certify(t, product, a.evaluate(t, product, 2024, "2024-05-10", byProvince, fill23(75)).GetId(), "2024-06-01")
		c2 := a.certify(t, product, a.evaluate(t, product, 2024, "2024-08-10", byProvince, fill23(85)).GetId(), "2024-09-01")
		if c1.GetEtag() == "" || c2.GetEtag() == "" {
			t.Fatalf("certificates without etags: %v, %v", c1, c2)
		}
		certs := a.get(t, product, "").GetCertificates()
		if len(certs) != 2 || certs[0].GetEtag() == c1.GetEtag() || certs[1].GetEtag() != c2.GetEtag() {
			t.Fatalf("etags read back %v; want the superseded one's changed, not the other's", certs)
		}

		revoke := &ocopv1.RevokeCertificateRequest{ProductId: product, Id: c1.GetId(), RevokedOn: "2024-10-01", DecisionNumber: "3/QĐ-UBND", Etag: c1.GetEtag()}
		_, err := a.RevokeCertificate(a.ctx, revoke)
		wantReason(t, "revoking a superseded certificate with its etag from before", err, codes.Aborted, etag.MismatchReason)

		revoke.Id, revoke.Etag = c2.GetId(), c2.GetEtag()
		revoked, err := a.RevokeCertificate(a.ctx, revoke)
		if err != nil || revoked.GetEndedOn() != "2024-10-01" || revoked.GetEtag() == c2.GetEtag() {
			t.Fatalf("revocation with the current etag = %v, %v", revoked, err)
		}
		if got := a.get(t, product, "").GetCertificates()[1]; got.GetEtag() != revoked.GetEtag() {
			t.Errorf("etag read back %s, answered %s", got.GetEtag(), revoked.GetEtag())
		}
		_, err = a.RevokeCertificate(a.ctx, revoke)
		wantReason(t, "revoking again with the etag from before", err, codes.Aborted, etag.MismatchReason)
	})
}
