// Package compose writes the periodic NTM report (báo cáo 6 tháng, năm,
// giai đoạn) from what the registry, criteria, OCOP and funding services
// answered. It does no I/O: every figure and sentence of the report is
// decided here, from the answers gathered in Inputs, so that it is tested on
// hand-built answers.
package compose

import (
	"time"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/period"
	criteriav1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/criteria/v1"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	ocopv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/ocop/v1"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// CountryName is how a report of the whole country names it.
const CountryName = "Cả nước"

// countReported is the counting rule of every figure of recognitions: the
// way provincial reports count, former units kept.
const countReported = "reported"

// Inputs are the other services' answers a report is composed from, each
// asked as of AsOf with the caller's token.
type Inputs struct {
	// UnitCode is the reported unit, auth.CountryCode for the whole country; Unit
	// is it on AsOf (nil for the country).
	UnitCode string
	Unit     *registryv1.Unit
	Period   period.Period
	AsOf     date.Date
	// Recognitions are those in force on AsOf of the unit and of the units
	// under it, former units included (ListRecognitions include_former).
	Recognitions []*registryv1.RecognitionInForce
	// Aggregate is the criteria aggregate of the unit on AsOf in count mode
	// "reported".
	Aggregate *criteriav1.Aggregate
	// Sets are the criteria sets the aggregate and the registrations name, by id.
	Sets map[string]*criteriav1.CriteriaSet
	// Registrations are those of the period's years up to AsOf's year.
	Registrations []*criteriav1.Registration
	// UnitNames are the names of the registered units.
	UnitNames map[string]string
	// Scores are the scores on AsOf of the registered units that did not
	// reach their level (see Unreached); a unit without one was never
	// assessed under the set.
	Scores map[ScoreKey]*criteriav1.Score
	// Targets are the unit's targets of TargetPeriod(Period) known on AsOf:
	// decided on or before it, or with no decision date.
	Targets []*criteriav1.Target
	// Estimates are the unit's estimates for the last year of the period in
	// force on AsOf.
	Estimates   []*criteriav1.Estimate
	TargetKinds []*criteriav1.TargetKind
	// Ocop holds one summary per year of the period up to AsOf's year, in
	// order, each as of the year's end or AsOf, whichever comes first.
	Ocop    []*ocopv1.OcopSummary
	Funding *fundingv1.FundingSummary
	// ComputedAt is when the answers were gathered.
	ComputedAt time.Time
}

// Title is the report's title in the words of the offices.
func Title(p period.Period) string {
	return "Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới " + vn.Period(p)
}

// TargetPeriod is the period whose targets a report of p is measured
// against: a six-month report against its year's plan, a year or a phase
// against its own.
func TargetPeriod(p period.Period) period.Period { return p.YearPeriod() }

// Compose writes the report.
func Compose(in *Inputs) *reportv1.Report {
	return &reportv1.Report{
		UnitCode:      in.UnitCode,
		DisplayName:   in.unitName(),
		Period:        in.Period.String(),
		PeriodFrom:    in.Period.From.String(),
		PeriodTo:      in.Period.To.String(),
		AsOf:          in.AsOf.String(),
		Title:         Title(in.Period),
		Recognitions:  in.recognitionSection(),
		Registrations: in.registrationSection(),
		Targets:       in.targetSection(),
		Criteria:      in.criteriaSection(),
		Ocop:          in.ocopSection(),
		Funding:       in.fundingSection(),
		ComputedAt:    in.ComputedAt.UTC().Format(time.RFC3339),
	}
}

func (in *Inputs) unitName() string {
	if in.Unit == nil {
		return CountryName
	}
	return in.Unit.GetDisplayName()
}

// basis is the common part of a section's basis: the date counted on and
// the report's period.
func (in *Inputs) basis(note string) *reportv1.Basis {
	return &reportv1.Basis{AsOf: in.AsOf.String(), From: in.Period.From.String(), To: in.Period.To.String(), Note: note}
}

func (in *Inputs) criteriaSection() *reportv1.CriteriaSection {
	agg := in.Aggregate
	b := in.basis("Số xã đạt từng tiêu chí, bình quân tiêu chí/xã và số xã theo nhóm tiêu chí theo lần đánh giá gần nhất đến ngày " +
		vn.Date(agg.GetAsOf()) + ", bộ tiêu chí " + agg.GetCriteriaSet() + "; tỷ lệ tính trên số xã của ngày đó. " + reportedNote)
	b.CriteriaSet, b.CountMode = agg.GetCriteriaSet(), agg.GetCountMode()
	return &reportv1.CriteriaSection{Basis: b, Aggregate: agg}
}

func (in *Inputs) fundingSection() *reportv1.FundingSection {
	b := in.basis("Kế hoạch vốn " + vn.Years(in.Period) + " đã giao đến ngày " + vn.Date(in.AsOf.String()) +
		"; giải ngân có ngày trong kỳ, đến ngày đó. Tiền tính bằng đồng; hàng hóa (xi măng) theo đơn vị của nó.")
	return &reportv1.FundingSection{Basis: b, Summary: in.Funding}
}

// reportedNote says how recognitions are counted in every section.
const reportedNote = "Số xã đạt chuẩn tính cả các xã đã lên phường, thị trấn hoặc sáp nhập nếu được công nhận khi còn là xã; " +
	"số huyện, số thôn đạt chuẩn tính cả huyện đã kết thúc hoạt động, thôn đã sáp nhập hoặc giải thể nếu được công nhận trước đó."
