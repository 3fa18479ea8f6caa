package workbook

import (
	"strings"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// unitTypeNames are the levels of government as tables name them.
var unitTypeNames = map[string]string{
	registryv1.UnitType_PROVINCE.String(): "Tỉnh",
	registryv1.UnitType_DISTRICT.String(): "Huyện",
	registryv1.UnitType_COMMUNE.String():  "Xã",
	registryv1.UnitType_WARD.String():     "Phường",
	registryv1.UnitType_TOWNSHIP.String(): "Thị trấn",
	registryv1.UnitType_VILLAGE.String():  "Thôn",
}

// verdicts word a target's status in its table.
var verdicts = map[string]string{
	"ABOVE_PLAN":   "Vượt kế hoạch",
	"MET":          "Đạt kế hoạch",
	"BELOW_PLAN":   "Chưa đạt kế hoạch",
	"NOT_COMPUTED": "Chưa tính được",
}

// orCode is name, or code when there is no name.
func orCode(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// bandWords words a band of criteria met as its label is written in the
// catalog (report.yaml): "<5" is "Dưới 5 tiêu chí", "15-18" is "Từ 15 đến
// 18 tiêu chí", "19" is "19 tiêu chí".
func bandWords(label string) string {
	if below, ok := strings.CutPrefix(label, "<"); ok {
		return "Dưới " + below + " tiêu chí"
	}
	if from, to, ok := strings.Cut(label, "-"); ok {
		return "Từ " + from + " đến " + to + " tiêu chí"
	}
	return label + " tiêu chí"
}
