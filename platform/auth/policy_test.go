package auth

import (
	"testing"

	"github.com/ntmsuite/ntm/platform/fault"
)

// The demo province: 19 Thái Nguyên, district 170 Võ Nhai with communes
// 06005 and 06006 and a village of 06005; 20 is another province.
var (
	commune   = Path{"06005", "170", "19"}
	neighbour = Path{"06006", "170", "19"}
	village   = Path{"0600501", "06005", "170", "19"}
	district  = Path{"170", "19"}
	province  = Path{"19"}
	elsewhere = Path{"08001", "200", "20"}
	country   = Path{"0"}
)

func TestAuthorizeRoleActionUnit(t *testing.T) {
	admin := Identity{Subject: "a", Role: Admin}
	system := Identity{Subject: "criteria", Role: System}
	provinceOfficer := Identity{Subject: "p", Role: ProvinceOfficer, Unit: "19"}
	districtOfficer := Identity{Subject: "d", Role: ProvinceOfficer, Unit: "170"}
	communeOfficer := Identity{Subject: "c", Role: CommuneOfficer, Unit: "06005"}
	viewer := Identity{Subject: "v", Role: Viewer}
	provinceViewer := Identity{Subject: "pv", Role: Viewer, Unit: "19"}
	callerPath := map[Identity]Path{communeOfficer: commune, provinceOfficer: province, districtOfficer: district, provinceViewer: province}
	targets := []Path{commune, neighbour, village, district, province, elsewhere, country}
	// One line per identity and action: the targets allowed, in the order of
	// `targets` (c n v d p e 0).
	for _, tc := range []struct {
		id    Identity
		a     Action
		allow string
	}{
		{admin, Write, "cnvdpe0"}, {admin, Read, "cnvdpe0"}, {admin, ReadAudit, "cnvdpe0"}, {admin, Decide, "cnvdpe0"},
		{system, Write, "cnvdpe0"}, {system, Read, "cnvdpe0"}, {system, ReadAudit, ""}, {system, Decide, "cnvdpe0"},
		{provinceOfficer, Write, "cnvdp"}, {provinceOfficer, Read, "cnvdp"}, {provinceOfficer, ReadAudit, ""}, {provinceOfficer, Decide, "cnvdp"},
		{districtOfficer, Write, "cnvd"}, {districtOfficer, Read, "cnvdp"}, {districtOfficer, ReadAudit, ""}, {districtOfficer, Decide, "cnvd"},
		{communeOfficer, Write, "cv"}, {communeOfficer, Read, "cnvdp"}, {communeOfficer, ReadAudit, ""}, {communeOfficer, Decide, ""},
		{viewer, Write, ""}, {viewer, Read, "cnvdpe0"}, {viewer, ReadAudit, ""}, {viewer, Decide, ""},
		{provinceViewer, Write, ""}, {provinceViewer, Read, "cnvdp"}, {provinceViewer, ReadAudit, ""}, {provinceViewer, Decide, ""},
	} {
		got := ""
		for i, target := range targets {
			err := Authorize(tc.id, tc.a, target, callerPath[tc.id])
			if err == nil {
				got += string("cnvdpe0"[i])
				continue
			}
			f, ok := fault.As(err)
			if !ok || f.Kind != fault.KindPermissionDenied || f.ResourceName != "units/"+target.Unit() {
				t.Errorf("%s %s %s: error %v, want PermissionDenied naming units/%s", tc.id.Role, tc.a, target.Unit(), err, target.Unit())
			}
		}
		if got != tc.allow {
			t.Errorf("%s (unit %q) may %s %q, want %q", tc.id.Role, tc.id.Unit, tc.a, got, tc.allow)
		}
	}
}

// A commune officer's reads reach their province only when the caller path
// handed in is really theirs.
func TestCommuneOfficerReadsNeedTheirOwnPath(t *testing.T) {
	officer := Identity{Subject: "c", Role: CommuneOfficer, Unit: "06005"}
	if err := Authorize(officer, Read, neighbour, elsewhere); err == nil {
		t.Error("read allowed with another unit's path")
	}
	if err := Authorize(Identity{Subject: "x", Role: "mayor"}, Read, commune, nil); err == nil {
		t.Error("an unknown role may read")
	}
}
