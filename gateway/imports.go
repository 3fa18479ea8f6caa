package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// importsPath is where files are uploaded: POST /v1/imports/{kind} with
// the file as the body (or as the "file" part of a multipart form, as a
// browser sends it). The gateway serves it itself, as grpc-gateway binds
// no raw body to a bytes field.
const importsPath = "/v1/imports/{kind}"

// importFileBytes caps an uploaded file: the services refuse larger ones
// too (sheet.DefaultLimits). A multipart form may add some headers.
const importFileBytes = 25 << 20

// importKind is a kind of file: the service that imports it and its call,
// given the options every import takes.
type importKind struct {
	service string
	method  string
	call    func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, q url.Values) (*operationv1.Operation, error)
}

// importOptions are the query's dry_run (default false) and atomic
// (default true).
type importOptions struct {
	dryRun bool
	atomic *bool
}

// importKinds are the files the suite imports, by the {kind} of the path.
var importKinds = map[string]importKind{
	"units": {service: "registry", method: registryv1.RegistryService_ImportUnitsFile_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, q url.Values) (*operationv1.Operation, error) {
			return registryv1.NewRegistryServiceClient(conn).ImportUnitsFile(ctx, &registryv1.ImportUnitsFileRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomic, DecisionNumber: q.Get("decision_number")})
		}},
	"recognitions": {service: "registry", method: registryv1.RegistryService_ImportRecognitions_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return registryv1.NewRegistryServiceClient(conn).ImportRecognitions(ctx, &registryv1.ImportRecognitionsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"assessments": {service: "criteria", method: criteriav1.CriteriaService_ImportAssessments_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, q url.Values) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportAssessments(ctx, &criteriav1.ImportAssessmentsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomic, CriteriaSet: q.Get("criteria_set"), Author: q.Get("author")})
		}},
	"registrations": {service: "criteria", method: criteriav1.CriteriaService_ImportRegistrations_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"targets": {service: "criteria", method: criteriav1.CriteriaService_ImportTargets_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportTargets(ctx, &criteriav1.ImportTargetsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"plans": {service: "funding", method: fundingv1.FundingService_ImportPlans_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, q url.Values) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportPlans(ctx, &fundingv1.ImportPlansRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomic, AllocatedOn: q.Get("allocated_on"), DecisionNumber: q.Get("decision_number")})
		}},
	"disbursements": {service: "funding", method: fundingv1.FundingService_ImportDisbursements_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportDisbursements(ctx, &fundingv1.ImportDisbursementsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"producers": {service: "ocop", method: ocopv1.OcopService_ImportProducers_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducers(ctx, &ocopv1.ImportProducersRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"products": {service: "ocop", method: ocopv1.OcopService_ImportProducts_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducts(ctx, &ocopv1.ImportProductsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
	"evaluations": {service: "ocop", method: ocopv1.OcopService_ImportEvaluations_FullMethodName,
		call: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o importOptions, _ url.Values) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportEvaluations(ctx, &ocopv1.ImportEvaluationsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomic})
		}},
}

func readImportOptions(q url.Values) (importOptions, error) {
	dryRun, err := boolParam(q, "dry_run", false)
	if err != nil {
		return importOptions{}, err
	}
	atomic, err := boolParam(q, "atomic", true)
	return importOptions{dryRun: dryRun, atomic: proto.Bool(atomic)}, err
}

// serveImport answers POST /v1/imports/{kind} with the operation importing
// the file.
func (g *Gateway) serveImport(mux *runtime.ServeMux) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		_, out := runtime.MarshalerForRequest(mux, r)
		kind, ok := importKinds[params["kind"]]
		conn := g.connOf[kind.service]
		if !ok || conn == nil {
			runtime.HTTPError(r.Context(), mux, out, w, r, status.Errorf(codes.NotFound, "no import of %q: the kinds are %s", params["kind"], importKindNames()))
			return
		}
		ctx, err := runtime.AnnotateContext(r.Context(), mux, r, kind.method, runtime.WithHTTPPathPattern(importsPath))
		if err != nil {
			runtime.HTTPError(r.Context(), mux, out, w, r, err)
			return
		}
		op, err := startImport(ctx, r, kind, conn)
		switch {
		case errors.Is(err, errFileTooLarge):
			writeStatus(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, err.Error())
		case err != nil:
			runtime.HTTPError(ctx, mux, out, w, r, err)
		default:
			runtime.ForwardResponseMessage(ctx, mux, out, w, r, op)
		}
	}
}

// startImport sends the request's file and options to the kind's service.
func startImport(ctx context.Context, r *http.Request, kind importKind, conn *grpc.ClientConn) (*operationv1.Operation, error) {
	file, err := uploadedFile(r)
	if err != nil {
		return nil, err
	}
	o, err := readImportOptions(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return kind.call(ctx, conn, file, o, r.URL.Query())
}

func importKindNames() string {
	names := make([]string, 0, len(importKinds))
	for k := range importKinds {
		names = append(names, k)
	}
	return strings.Join(names, ", ")
}

var errFileTooLarge = fmt.Errorf("file: larger than %d MiB, the most an import takes", importFileBytes>>20)

// uploadedFile is the request's file: its body, or the part named "file"
// of a multipart form.
func uploadedFile(r *http.Request) ([]byte, error) {
	var body io.Reader = r.Body
	var tooLarge *http.MaxBytesError
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		f, _, err := r.FormFile("file")
		// The body's limit trips inside the form's parse when the file
		// part is too large (and no Content-Length refused it up front).
		if errors.As(err, &tooLarge) {
			return nil, errFileTooLarge
		}
		if err != nil {
			return nil, invalidFields(&errdetails.BadRequest_FieldViolation{Field: "file", Description: "a multipart upload needs the file in a part named \"file\": " + err.Error()}).Err()
		}
		defer f.Close()
		body = f
	}
	b, err := io.ReadAll(io.LimitReader(body, importFileBytes+1))
	switch {
	case errors.As(err, &tooLarge) || len(b) > importFileBytes:
		return nil, errFileTooLarge
	case err != nil:
		return nil, err
	case len(b) == 0:
		return nil, invalidFields(&errdetails.BadRequest_FieldViolation{Field: "file", Description: "the request has no file: send it as the body or as the \"file\" part of a form"}).Err()
	}
	return b, nil
}

// boolParam reads a true/false query parameter.
func boolParam(q url.Values, name string, unset bool) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return unset, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalidFields(&errdetails.BadRequest_FieldViolation{Field: name, Description: "must be true or false, not " + strconv.Quote(v)}).Err()
	}
	return b, nil
}
