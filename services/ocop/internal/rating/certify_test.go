package rating

import (
	"testing"

	"github.com/ntmsuite/ntm/services/ocop/internal/catalog"
)

func TestCheckCertification(t *testing.T) {
	c := load(t)
	const (
		field   = "evaluation.council_level"
		under19 = "under the rules in force on 2020-05-10 (Decision 1048/QĐ-TTg)"
		under24 = "under the rules in force on 2024-05-10 (Decision 148/QĐ-TTg)"
	)
	points := map[int]float64{1: 20, 2: 40, 3: 60, 4: 80, 5: 95}
	tests := []struct {
		on    string
		level catalog.CouncilLevel
		stars int
		total float64 // 0: a total of the stars' band
		want  string  // "" = may certify; else the violation's description
	}{
		// 1048 (until 2023-02-23): province 3-4, central 5, the district only scores.
		{"2020-05-10", catalog.Province, 3, 0, ""},
		{"2020-05-10", catalog.Province, 4, 0, ""},
		{"2020-05-10", catalog.Central, 5, 0, ""},
		{"2020-05-10", catalog.District, 3, 0, "the district council cannot certify 3 stars " + under19 + ": 3 stars need the provincial council"},
		{"2020-05-10", catalog.District, 5, 0, "the district council cannot certify 5 stars " + under19 + ": 5 stars need the central council"},
		{"2020-05-10", catalog.Province, 5, 0, "the provincial council cannot certify 5 stars " + under19 + ": 5 stars need the central council"},
		{"2020-05-10", catalog.Central, 4, 0, "the central council cannot certify 4 stars " + under19 + ": 4 stars need the provincial council"},
		{"2020-05-10", catalog.Commune, 3, 0, "there is no commune People's Committee " + under19 + ": 3 stars need the provincial council"},
		// 148 (2023-02-24 .. 2025-07-05): district 3, province 4, central 5.
		{"2024-05-10", catalog.District, 3, 0, ""},
		{"2024-05-10", catalog.Province, 4, 0, ""},
		{"2024-05-10", catalog.Central, 5, 0, ""},
		{"2024-05-10", catalog.Province, 3, 0, "the provincial council cannot certify 3 stars " + under24 + ": 3 stars need the district council"},
		{"2024-05-10", catalog.Province, 5, 0, "the provincial council cannot certify 5 stars " + under24 + ": 5 stars need the central council"},
		{"2024-05-10", catalog.District, 4, 0, "the district council cannot certify 4 stars " + under24 + ": 4 stars need the provincial council"},
		// 1489 (from 2025-07-06): no district; the commune proposes; province 3-4; central 5 from 90 points.
		{"2025-08-01", catalog.Province, 3, 0, ""},
		{"2025-08-01", catalog.Province, 4, 0, ""},
		{"2025-08-01", catalog.Central, 5, 90, ""},
		{"2025-08-01", catalog.Central, 5, 89.99, "89.99 points are too few for the central council under the rules in force on 2025-08-01 (Decision 1489/QĐ-TTg): a product needs at least 90 points to be proposed"},
		{"2025-08-01", catalog.Commune, 3, 0, "the commune People's Committee cannot certify 3 stars under the rules in force on 2025-08-01 (Decision 1489/QĐ-TTg): 3 stars need the provincial council"},
		{"2025-08-01", catalog.District, 3, 0, "there is no district council under the rules in force on 2025-08-01 (Decision 1489/QĐ-TTg): 3 stars need the provincial council"},
		{"2025-08-01", catalog.Province, 5, 0, "the provincial council cannot certify 5 stars under the rules in force on 2025-08-01 (Decision 1489/QĐ-TTg): 5 stars need the central council"},
		// The days either side of each change.
		{"2023-02-23", catalog.District, 3, 0, "the district council cannot certify 3 stars under the rules in force on 2023-02-23 (Decision 1048/QĐ-TTg)"},
		{"2023-02-23", catalog.Province, 3, 0, ""},
		{"2023-02-24", catalog.District, 3, 0, ""},
		{"2023-02-24", catalog.Province, 3, 0, "the provincial council cannot certify 3 stars under the rules in force on 2023-02-24 (Decision 148/QĐ-TTg)"},
		{"2025-07-05", catalog.District, 3, 0, ""},
		{"2025-07-05", catalog.Province, 3, 0, "the provincial council cannot certify 3 stars under the rules in force on 2025-07-05 (Decision 148/QĐ-TTg)"},
		{"2025-07-06", catalog.District, 3, 0, "there is no district council under the rules in force on 2025-07-06 (Decision 1489/QĐ-TTg)"},
		{"2025-07-06", catalog.Province, 3, 0, ""},
		// Only 3 stars or more are certified; nothing before the first catalog.
		{"2024-05-10", catalog.District, 2, 0, "a 2-star product is not certified: OCOP certificates are for 3 stars or more"},
		{"2024-05-10", catalog.Province, 1, 0, "a 1-star product is not certified"},
		{"2024-05-10", catalog.Central, 6, 100, "no council certifies 6 stars under the rules in force on 2024-05-10 (Decision 148/QĐ-TTg)"},
		{"2019-08-20", catalog.Province, 3, 0, "no OCOP council rules are in force on 2019-08-20"},
	}
	for _, tt := range tests {
		total := tt.total
		if total == 0 {
			total = points[tt.stars]
		}
		err := CheckCertification(c, d(tt.on), tt.level, tt.stars, total, field)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s %s %d stars: %v", tt.on, tt.level, tt.stars, err)
			}
			continue
		}
		t.Run(tt.on+" "+tt.level.String(), func(t *testing.T) { wantInvalid(t, err, violation{field, tt.want}) })
	}
}
