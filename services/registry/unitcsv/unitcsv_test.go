package unitcsv

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestParse(t *testing.T) {
	// Column order differs from the documented one, the header has Excel's BOM,
	// and the name arrives decomposed (NFD), as macOS writes it.
	in := "\ufeffvalid_from,code,name,type,parent_code,region\n" +
		"2008-01-01,19,Tỉnh Thái Nguyên,province,,TDMNPB\n" +
		"2008-01-01,170, Huyện Võ Nhai ,DISTRICT,19,\n" +
		"2008-01-01,100," + norm.NFD.String("Xã La Hiên") + ",COMMUNE,170,tdmnpb\n"
	rows, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d", len(rows))
	}
	r := rows[2]
	if r.Line != 4 || r.Code != "100" || r.Name != "Xã La Hiên" || r.Type != "COMMUNE" || r.ParentCode != "170" ||
		r.ValidFrom.String() != "2008-01-01" || r.Region != "TDMNPB" {
		t.Fatalf("row = %+v", r)
	}
	if rows[1].Name != "Huyện Võ Nhai" {
		t.Fatalf("name not trimmed: %q", rows[1].Name)
	}
}

func TestParseErrors(t *testing.T) {
	const header = "code,name,type,parent_code,valid_from\n"
	for _, tc := range []struct {
		name, in string
		line     int
		column   string
	}{
		{"empty", "", 1, ""},
		{"no rows", header, 2, ""},
		{"missing column", "code,name,type,parent_code\n", 1, "valid_from"},
		{"unknown column", "code,name,type,parent_code,valid_from,color\n", 1, "color"},
		{"bad code", header + "19a,Tỉnh,PROVINCE,,2008-01-01\n", 2, "code"},
		{"bad type", header + "19,Tỉnh,CITY,,2008-01-01\n", 2, "type"},
		{"bad date", header + "19,Tỉnh,PROVINCE,,2008-02-30\n", 2, "valid_from"},
		{"short row", header + "19,Tỉnh,PROVINCE,\n", 2, ""},
		{"bad quote", header + "19,\"Tỉnh,PROVINCE,,2008-01-01\n", 2, ""},
		{"bad group", "code,name,type,parent_code,valid_from,commune_group\n100,Xã A,COMMUNE,170,2026-02-15,4\n", 2, "commune_group"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Line != tc.line || e.Column != tc.column {
				t.Fatalf("error at line %d column %q (%v), want line %d column %q", e.Line, e.Column, e, tc.line, tc.column)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("code,name,type,parent_code,valid_from\n19,Tỉnh Thái Nguyên,PROVINCE,,2008-01-01\n")
	f.Add("valid_from,code,name,type,parent_code,region,commune_group\n2026-02-15,100,Xã A,COMMUNE,19,TDMNPB,3\n")
	f.Add("\ufeffcode,name,type,parent_code,valid_from\n\"1\",\"a\"\"b\",village,2,2020-02-29\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Parse(strings.NewReader(in))
		if err != nil {
			if rows != nil {
				t.Fatal("rows returned with an error")
			}
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error %v is not a positioned *Error", err)
			}
			return
		}
		for _, r := range rows {
			if !codeRE.MatchString(r.Code) || !types[r.Type] || r.ValidFrom.IsZero() || r.Name == "" ||
				!utf8.ValidString(r.Name) || !norm.NFC.IsNormalString(r.Name) {
				t.Fatalf("accepted a bad row: %+v", r)
			}
		}
	})
}
