package main

import (
	"context"
	"flag"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	operationv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/operation/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// fileKind is a kind of spreadsheet the suite imports and offers a
// template of: the service that owns it, the flags of its own, and its
// two calls.
type fileKind struct {
	service, addr string
	// flags adds the kind's own flags, of `ntm import` when importing,
	// else of `ntm template`.
	flags      func(fs *flag.FlagSet, o *fileOptions, importing bool)
	importFile func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error)
	template   func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error)
}

// fileOptions are the flags of `ntm import` and `ntm template`.
type fileOptions struct {
	dryRun, atomic          bool
	requestID, output, addr string
	unit, asOf              string
	// The kinds' own.
	criteriaSet, author         string
	decisionNumber, allocatedOn string
	catalog, period             string
	year                        int
}

func (o fileOptions) atomicFlag() *bool { return proto.Bool(o.atomic) }

// yearFlag is the year of the rows, of a kind's template.
func yearFlag(what string) func(fs *flag.FlagSet, o *fileOptions, importing bool) {
	return func(fs *flag.FlagSet, o *fileOptions, importing bool) {
		if !importing {
			fs.IntVar(&o.year, "year", 0, what)
		}
	}
}

var fileKinds = map[string]fileKind{
	"units": {service: "registry", addr: defaultRegistryAddr,
		flags: func(fs *flag.FlagSet, o *fileOptions, importing bool) {
			// The flag `ntm import units` has always taken, as --addr.
			fs.StringVar(&o.addr, "registry-addr", defaultRegistryAddr, "gRPC address of the registry service (as --addr)")
			if importing {
				fs.StringVar(&o.decisionNumber, "decision", "", "decision number recorded with the import (default \"import\")")
			}
		},
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return registryv1.NewRegistryServiceClient(conn).ImportUnitsFile(ctx, &registryv1.ImportUnitsFileRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag(), DecisionNumber: o.decisionNumber})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return registryv1.NewRegistryServiceClient(conn).GetUnitTemplate(ctx, &registryv1.GetUnitTemplateRequest{ParentCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"recognitions": {service: "registry", addr: defaultRegistryAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return registryv1.NewRegistryServiceClient(conn).ImportRecognitions(ctx, &registryv1.ImportRecognitionsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return registryv1.NewRegistryServiceClient(conn).GetRecognitionTemplate(ctx, &registryv1.GetRecognitionTemplateRequest{UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"assessments": {service: "criteria", addr: defaultCriteriaAddr,
		flags: func(fs *flag.FlagSet, o *fileOptions, importing bool) {
			fs.StringVar(&o.criteriaSet, "criteria-set", "", "criteria set (default: the one in force)")
			if importing {
				fs.StringVar(&o.author, "author", "", "author of rows that name none (default: the token's subject)")
			}
		},
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportAssessments(ctx, &criteriav1.ImportAssessmentsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag(), CriteriaSet: o.criteriaSet, Author: o.author})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetAssessmentTemplate(ctx, &criteriav1.GetAssessmentTemplateRequest{
				CriteriaSet: o.criteriaSet, UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"registrations": {service: "criteria", addr: defaultCriteriaAddr,
		flags: yearFlag("the year the rows register for (default next year)"),
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportRegistrations(ctx, &criteriav1.ImportRegistrationsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetRegistrationTemplate(ctx, &criteriav1.GetRegistrationTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
	"targets": {service: "criteria", addr: defaultCriteriaAddr,
		flags: func(fs *flag.FlagSet, o *fileOptions, importing bool) {
			if !importing {
				fs.StringVar(&o.period, "period", "", "a year or a phase (default next year)")
			}
		},
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return criteriav1.NewCriteriaServiceClient(conn).ImportTargets(ctx, &criteriav1.ImportTargetsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return criteriav1.NewCriteriaServiceClient(conn).GetTargetTemplate(ctx, &criteriav1.GetTargetTemplateRequest{
				UnitCode: o.unit, Period: o.period}, opts...)
		}},
	"producers": {service: "ocop", addr: defaultOcopAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducers(ctx, &ocopv1.ImportProducersRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetProducerTemplate(ctx, &ocopv1.GetProducerTemplateRequest{UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"products": {service: "ocop", addr: defaultOcopAddr,
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportProducts(ctx, &ocopv1.ImportProductsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetProductTemplate(ctx, &ocopv1.GetProductTemplateRequest{UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"evaluations": {service: "ocop", addr: defaultOcopAddr,
		flags: func(fs *flag.FlagSet, o *fileOptions, importing bool) {
			if !importing {
				fs.StringVar(&o.catalog, "catalog", "", "OCOP catalog whose scoring sheet the form follows (default: the one in force)")
			}
		},
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return ocopv1.NewOcopServiceClient(conn).ImportEvaluations(ctx, &ocopv1.ImportEvaluationsRequest{Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return ocopv1.NewOcopServiceClient(conn).GetEvaluationTemplate(ctx, &ocopv1.GetEvaluationTemplateRequest{
				Catalog: o.catalog, UnitCode: o.unit, AsOf: o.asOf}, opts...)
		}},
	"plans": {service: "funding", addr: defaultFundingAddr,
		flags: func(fs *flag.FlagSet, o *fileOptions, importing bool) {
			if importing {
				fs.StringVar(&o.allocatedOn, "allocated-on", "", "the allocation decision's date of rows that name none")
				fs.StringVar(&o.decisionNumber, "decision-number", "", "the decision number of rows that name none")
				return
			}
			fs.IntVar(&o.year, "year", 0, "the budget year of the rows")
		},
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportPlans(ctx, &fundingv1.ImportPlansRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag(), AllocatedOn: o.allocatedOn, DecisionNumber: o.decisionNumber})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return fundingv1.NewFundingServiceClient(conn).GetPlanTemplate(ctx, &fundingv1.GetPlanTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
	"disbursements": {service: "funding", addr: defaultFundingAddr,
		flags: yearFlag("the budget year of the plans the rows draw on"),
		importFile: func(ctx context.Context, conn *grpc.ClientConn, file []byte, o fileOptions) (*operationv1.Operation, error) {
			return fundingv1.NewFundingServiceClient(conn).ImportDisbursements(ctx, &fundingv1.ImportDisbursementsRequest{
				Content: file, DryRun: o.dryRun, Atomic: o.atomicFlag()})
		},
		template: func(ctx context.Context, conn *grpc.ClientConn, o fileOptions, opts ...grpc.CallOption) (*httpbody.HttpBody, error) {
			return fundingv1.NewFundingServiceClient(conn).GetDisbursementTemplate(ctx, &fundingv1.GetDisbursementTemplateRequest{
				UnitCode: o.unit, Year: int32(o.year), AsOf: o.asOf}, opts...)
		}},
}
