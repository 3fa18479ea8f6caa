package catalog

// CouncilLevel is the administrative level of a council (hội đồng). The
// values are those of ntm.ocop.v1.CouncilLevel, so the server converts with a
// cast; the domain does not import the generated code.
type CouncilLevel int32

const (
	LevelUnspecified CouncilLevel = iota
	Commune
	District
	Province
	Central
)

var levelNames = [...]string{"COUNCIL_LEVEL_UNSPECIFIED", "COMMUNE", "DISTRICT", "PROVINCE", "CENTRAL"}

// String is the enum name ("PROVINCE"), as the data and the API write it.
func (l CouncilLevel) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "COUNCIL_LEVEL_UNSPECIFIED"
	}
	return levelNames[l]
}

// Council names the council in plain English for messages, without an
// article so a message can write "there is no district council" or "need
// the provincial council". From 2025-07-06 the commune level is its
// People's Committee, which checks dossiers but has no council.
func (l CouncilLevel) Council() string {
	switch l {
	case Commune:
		return "commune People's Committee"
	case District:
		return "district council"
	case Province:
		return "provincial council"
	case Central:
		return "central council"
	}
	return "unspecified council"
}

// ParseCouncilLevel reads an enum name; ok is false for anything else.
func ParseCouncilLevel(s string) (CouncilLevel, bool) {
	for i := Commune; i <= Central; i++ {
		if levelNames[i] == s {
			return i, true
		}
	}
	return LevelUnspecified, false
}

// ProducerKind is the legal form of a producer (chủ thể OCOP); the values are
// those of ntm.ocop.v1.ProducerKind.
type ProducerKind int32

const (
	KindUnspecified   ProducerKind = iota
	Enterprise                     // Doanh nghiệp
	Cooperative                    // Hợp tác xã
	CooperativeGroup               // Tổ hợp tác
	HouseholdBusiness              // Hộ sản xuất kinh doanh (có đăng ký kinh doanh)
)

var kindNames = [...]string{"PRODUCER_KIND_UNSPECIFIED", "ENTERPRISE", "COOPERATIVE", "COOPERATIVE_GROUP", "HOUSEHOLD_BUSINESS"}

// String is the enum name ("COOPERATIVE").
func (k ProducerKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "PRODUCER_KIND_UNSPECIFIED"
	}
	return kindNames[k]
}
