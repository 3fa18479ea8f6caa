package workbook

import (
	"fmt"
	"strconv"

	"github.com/ntmsuite/ntm/platform/period"
	fundingv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/funding/v1"
	reportv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/report/v1"
	"github.com/ntmsuite/ntm/services/report/internal/vn"
)

// Sheet names of the report workbook, one per section.
const (
	SheetRecognitions  = "Công nhận"
	SheetRegistrations = "Đăng ký"
	SheetTargets       = "Kế hoạch và kết quả"
	SheetCriteria      = "Tiêu chí"
	SheetOcop          = "OCOP"
	SheetFunding       = "Nguồn vốn"
)

// Report lays the report out as a workbook, one sheet per section.
func Report(r *reportv1.Report) ([]byte, error) {
	p, err := period.Parse(r.GetPeriod())
	if err != nil {
		return nil, fmt.Errorf("workbook: the report's period: %w", err)
	}
	head := heading(r, p)
	b := newBook()
	recognitionSheet(b, r, head)
	registrationSheet(b, r, head)
	targetSheet(b, r, head)
	criteriaSheets(b, r.GetCriteria().GetAggregate(), head, r.GetCriteria().GetBasis().GetNote())
	ocopSheet(b, r, head)
	fundingSheet(b, r, head)
	return b.bytes()
}

// heading is the lines every sheet of a report opens with after its
// table's name: the report's title, the unit, the period in words ("6
// tháng đầu năm 2020") and the date counted on.
func heading(r *reportv1.Report, p period.Period) []string {
	return []string{
		r.GetTitle(),
		"Đơn vị: " + r.GetDisplayName() + " (mã " + r.GetUnitCode() + "). Kỳ báo cáo: " + vn.Period(p) + " (từ ngày " +
			vn.Date(r.GetPeriodFrom()) + " đến ngày " + vn.Date(r.GetPeriodTo()) + "). Số liệu tính đến ngày " + vn.Date(r.GetAsOf()) + ".",
	}
}

func withNote(lines []string, note string) []string {
	return append(lines, "Cách tính: "+note)
}

func recognitionSheet(b *book, r *reportv1.Report, head []string) {
	sec := r.GetRecognitions()
	s := b.newSheet(SheetRecognitions, []float64{5, 12, 40, 14, 18, 16, 18, 24, 30}, "Biểu 01. Kết quả công nhận đạt chuẩn nông thôn mới", withNote(head, sec.GetBasis().GetNote())...)
	s.header("TT", "Cấp đơn vị", "Mức công nhận", "Mã mức", "Trong kỳ", "Lũy kế", "Trong đó: đơn vị cũ (xã đã lên phường, thị trấn hoặc sáp nhập; thôn đã sáp nhập; huyện đã kết thúc hoạt động)", "Tổng số đơn vị", "Tỷ lệ (%)")
	names := map[string]string{}
	n := 0
	for _, group := range []struct {
		unitType string
		counts   []*reportv1.LevelCount
	}{{"COMMUNE", sec.GetCommunes()}, {"VILLAGE", sec.GetVillages()}, {"DISTRICT", sec.GetDistricts()}} {
		for _, c := range group.counts {
			n++
			names[group.unitType+" "+c.GetLevel()] = c.GetDisplayName()
			s.tableRow(integer(n), text(unitTypeNames[group.unitType]), text(orCode(c.GetDisplayName(), c.GetLevel())), text(c.GetLevel()),
				integer(c.GetInPeriod()), integer(c.GetCumulative()), integer(c.GetFormerUnits()), integer(c.GetDenominator()), percent(c.GetPercent()))
		}
	}
	s.caption("Các quyết định công nhận trong kỳ")
	s.header("TT", "Mã đơn vị", "Tên đơn vị", "Cấp",
		"Mức công nhận", "Số quyết định", "Ngày hiệu lực", "Bộ tiêu chí",
		"Lý do công nhận khi chưa đủ điều kiện")
	for i, d := range sec.GetDecided() {
		s.tableRow(integer(i+1), text(d.GetUnitCode()), text(d.GetDisplayName()), text(unitTypeNames[d.GetUnitType()]),
			text(orCode(names[d.GetUnitType()+" "+d.GetLevel()], d.GetLevel())), text(d.GetDecisionNumber()), text(vn.Date(d.GetEffectiveDate())),
			text(d.GetCriteriaSet()), text(d.GetOverrideReason()))
	}
}

func registrationSheet(b *book, r *reportv1.Report, head []string) {
	sec := r.GetRegistrations()
	s := b.newSheet(SheetRegistrations, []float64{5, 12, 30, 14, 30, 14, 11, 16, 12, 14, 10, 10, 45}, "Biểu 02. Kết quả thực hiện đăng ký đạt chuẩn nông thôn mới", withNote(head, sec.GetBasis().GetNote())...)
	s.header("TT", "Cấp đơn vị", "Mức đăng ký", "Mã mức", "Số đơn vị đăng ký", "Số đơn vị đạt", "Tỷ lệ đạt (%)")
	titles := map[string]string{} // level titles by unit type and level, for the rows below
	for i, t := range sec.GetByLevel() {
		titles[t.GetUnitType()+" "+t.GetLevel()] = t.GetDisplayName()
		rate := 0.0
		if t.GetRegistered() > 0 {
			rate = vn.Round2(100 * float64(t.GetReached()) / float64(t.GetRegistered()))
		}
		s.tableRow(integer(i+1), text(unitTypeNames[t.GetUnitType()]), text(orCode(t.GetDisplayName(), t.GetLevel())), text(t.GetLevel()),
			integer(t.GetRegistered()), integer(t.GetReached()), percent(rate))
	}
	s.caption("Chi tiết các đơn vị đăng ký")
	s.header("TT", "Năm đăng ký", "Cấp", "Mã đơn vị", "Tên đơn vị",
		"Mức đăng ký", "Kết quả", "Số quyết định công nhận", "Ngày công nhận",
		"Ngày đánh giá gần nhất", "Số tiêu chí đạt", "Tổng số tiêu chí",
		"Tiêu chí còn thiếu")
	for i, o := range sec.GetRows() {
		result, met, count := "Chưa đạt", empty(), empty()
		if o.GetReached() {
			result = "Đạt"
		} else {
			met, count = integer(o.GetCriteriaMet()), integer(o.GetCriteriaCount())
		}
		missing := ""
		for j, m := range o.GetMissing() {
			if j > 0 {
				missing += "; "
			}
			missing += m
		}
		s.tableRow(integer(i+1), year(o.GetYear()), text(unitTypeNames[o.GetUnitType()]), text(o.GetUnitCode()), text(o.GetDisplayName()),
			text(orCode(titles[o.GetUnitType()+" "+o.GetLevel()], o.GetLevel())), text(result),
			text(o.GetRecognitionDecision()), text(vn.Date(o.GetRecognisedOn())), text(vn.Date(o.GetAssessedOn())), met, count, text(missing))
	}
}

func targetSheet(b *book, r *reportv1.Report, head []string) {
	sec := r.GetTargets()
	s := b.newSheet(SheetTargets, []float64{5, 40, 24, 12, 11, 11, 11, 12, 14, 14, 12, 40, 40}, "Biểu 03. Kết quả thực hiện các chỉ tiêu kế hoạch", withNote(head, sec.GetBasis().GetNote())...)
	s.header("TT", "Chỉ tiêu", "Mã chỉ tiêu", "ĐVT", "Kỳ kế hoạch", "Kế hoạch", "Thực hiện", "Tỷ lệ so với kế hoạch (%)", "Đánh giá", "Dự ước (số ước tính, chưa phải kết quả)", "Ngày dự ước", "Nhận xét", "Nhận xét về dự ước")
	for i, t := range sec.GetRows() {
		figure := figure
		if t.GetValueUnit() == "%" {
			figure = percent
		}
		result, pct := empty(), empty()
		if t.GetHasResult() {
			result, pct = figure(t.GetResult()), percent(t.GetPercentOfPlan())
		}
		est := empty()
		if t.GetHasEstimate() {
			est = figure(t.GetEstimate())
			est.st = map[style]style{styleFigure: styleEstimate, stylePercent: styleEstimatePercent}[est.st]
		}
		s.tableRow(integer(i+1), text(t.GetDisplayName()), text(t.GetKind()), text(t.GetValueUnit()), text(t.GetPeriod()), figure(t.GetTarget()),
			result, pct, text(verdicts[t.GetStatus()]), est, text(vn.Date(t.GetEstimatedOn())), text(t.GetSummary()), text(t.GetEstimateSummary()))
	}
	s.note("Ghi chú: cột Dự ước là số ước tính đến cuối năm (in nghiêng), không phải kết quả thực hiện.")
}

func ocopSheet(b *book, r *reportv1.Report, head []string) {
	sec := r.GetOcop()
	s := b.newSheet(SheetOcop, []float64{5, 60, 10, 14}, "Biểu 05. Kết quả thực hiện Chương trình mỗi xã một sản phẩm (OCOP)", withNote(head, sec.GetBasis().GetNote())...)
	s.header("TT", "Nội dung", "Hạng sao", "Số sản phẩm")
	n := 0
	row := func(what string, stars value, count int32) {
		n++
		s.tableRow(integer(n), text(what), stars, integer(count))
	}
	row("Sản phẩm đăng ký tham gia", empty(), sec.GetRegistered())
	row("Đủ điều kiện tham gia đánh giá", empty(), sec.GetEligible())
	row("Chưa đủ điều kiện (đề nghị hoàn thiện hồ sơ)", empty(), sec.GetNotEligible())
	for _, t := range sec.GetEvaluated() {
		row("Sản phẩm được đánh giá, phân hạng", integer(t.GetStars()), t.GetProducts())
	}
	for _, t := range sec.GetCertifiedInPeriod() {
		row("Sản phẩm được công nhận trong kỳ", integer(t.GetStars()), t.GetProducts())
	}
	row("Tổng số sản phẩm được công nhận trong kỳ (từ 3 sao)", empty(), sec.GetCertifiedInPeriodTotal())
	for _, t := range sec.GetCertified() {
		row("Sản phẩm còn hiệu lực chứng nhận", integer(t.GetStars()), t.GetProducts())
	}
	row("Tổng số sản phẩm còn hiệu lực chứng nhận (từ 3 sao)", empty(), sec.GetCertifiedTotal())
	row("Sản phẩm đề nghị Trung ương đánh giá, phân hạng 5 sao", empty(), sec.GetProposedCentral())
}

func fundingSheet(b *book, r *reportv1.Report, head []string) {
	sec := r.GetFunding()
	sum := sec.GetSummary()
	s := b.newSheet(SheetFunding, []float64{5, 22, 40, 20, 20, 12, 14, 14, 10}, "Biểu 06. Kết quả huy động, phân bổ và giải ngân nguồn vốn", withNote(head, sec.GetBasis().GetNote())...)
	s.header("TT", "Mã nguồn vốn", "Nguồn vốn", "Kế hoạch vốn (đồng)", "Đã giải ngân (đồng)", "Tỷ lệ giải ngân (%)", "Hiện vật: kế hoạch", "Hiện vật: đã giao", "Đơn vị hiện vật")
	s.tableRow(append([]value{text(""), text(""), text("Tổng cộng (tiền)")}, progress(sum.GetTotal())...)...)
	for i, src := range sum.GetBySource() {
		vals := append([]value{integer(i + 1), text(src.GetSource()), text(src.GetDisplayName())}, progress(src.GetProgress())...)
		if src.GetQuantityUnit() != "" {
			vals = append(vals, quantity(src.GetPlannedQuantity()), quantity(src.GetDisbursedQuantity()), text(src.GetQuantityUnit()))
		}
		s.tableRow(vals...)
	}
	s.tableRow(text(""), text(""), text("Tổng nguồn lực huy động (tiền đã giải ngân và giá trị hiện vật, đồng)"), empty(), integer(sum.GetMobilisedVnd()))
	s.caption("Theo nội dung đầu tư")
	s.header("TT", "Mã nội dung", "Nội dung đầu tư", "Kế hoạch vốn (đồng)",
		"Đã giải ngân (đồng)", "Tỷ lệ giải ngân (%)")
	for i, p := range sum.GetByPurpose() {
		s.tableRow(append([]value{integer(i + 1), text(p.GetPurpose()), text(p.GetDisplayName())}, progress(p.GetProgress())...)...)
	}
	s.caption("Theo năm kế hoạch")
	s.header("TT", "Năm", "Kế hoạch vốn (đồng)", "Đã giải ngân (đồng)", "Tỷ lệ giải ngân (%)")
	for i, y := range sum.GetByYear() {
		s.tableRow(append([]value{integer(i + 1), year(y.GetYear())}, progress(y.GetProgress())...)...)
	}
	s.caption("Theo đơn vị")
	s.header("TT", "Mã đơn vị", "Tên đơn vị", "Kế hoạch vốn (đồng)",
		"Đã giải ngân (đồng)", "Tỷ lệ giải ngân (%)")
	for i, u := range sum.GetByUnit() {
		s.tableRow(append([]value{integer(i + 1), text(u.GetUnitCode()), text(u.GetDisplayName())}, progress(u.GetProgress())...)...)
	}
}

// progress is planned money, disbursed money and the share disbursed.
func progress(p *fundingv1.Progress) []value {
	return []value{integer(p.GetPlannedVnd()), integer(p.GetDisbursedVnd()), percent(p.GetDisbursedPercent())}
}

// quantity stores an amount of goods ("220.5" tonnes) as a number; text
// that is not one stays text.
func quantity(s string) value {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return text(s)
	}
	return decimal(x)
}
