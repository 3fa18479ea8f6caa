package server

import (
	"fmt"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
	"github.com/ntmsuite/ntm/platform/request"
	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
	"github.com/ntmsuite/ntm/services/registry/internal/unit"
)

func toProto(v unit.Version) *registryv1.Unit {
	return &registryv1.Unit{
		Name: "units/" + v.Code, Code: v.Code, DisplayName: v.Name, Type: registryv1.UnitType(v.Type),
		ParentCode: v.ParentCode, Region: v.Region, CommuneGroup: v.CommuneGroup,
		ValidFrom: v.Valid.From.String(), ValidTo: v.Valid.To.String(),
	}
}

func linksToProto(ls []unit.LinkRecord) []*registryv1.LineageLink {
	out := make([]*registryv1.LineageLink, 0, len(ls))
	for _, l := range ls {
		out = append(out, &registryv1.LineageLink{FromCode: l.From, ToCode: l.To, Change: changeName(l.ChangeID),
			ChangeKind: string(l.Kind), EffectiveDate: l.Effective.String(), DecisionNumber: l.DecisionNumber})
	}
	return out
}

func requiredType(t registryv1.UnitType, field string) (unit.Type, error) {
	ut := unit.Type(t)
	if !ut.Valid() {
		return 0, fault.Invalid(field, "must be one of PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE")
	}
	return ut, nil
}

func optionalType(t registryv1.UnitType, field string) (unit.Type, error) {
	if t == registryv1.UnitType_UNIT_TYPE_UNSPECIFIED {
		return 0, nil
	}
	return requiredType(t, field)
}

func specFromProto(p *registryv1.UnitSpec, field string) (unit.Spec, error) {
	t, err := requiredType(p.GetType(), field+".type")
	if err != nil {
		return unit.Spec{}, err
	}
	return unit.Spec{Code: p.GetCode(), Name: p.GetDisplayName(), Type: t, ParentCode: p.GetParentCode(),
		Region: p.GetRegion(), CommuneGroup: p.GetCommuneGroup(), Field: field}, nil
}

func specsFromProto(ps []*registryv1.UnitSpec, field string) ([]unit.Spec, error) {
	out := make([]unit.Spec, len(ps))
	for i, p := range ps {
		s, err := specFromProto(p, fmt.Sprintf("%s[%d]", field, i))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// changeFromProto maps a UnitChange; prefix is its path in the request
// ("unit_change."). An empty effective date is left zero: a change of a
// decision takes the decision's (unit.CheckAlone refuses it otherwise).
func changeFromProto(p *registryv1.UnitChange, prefix string) (unit.Change, error) {
	var eff date.Date
	var err error
	if p.GetEffectiveDate() != "" {
		if eff, err = request.Date(p.GetEffectiveDate(), prefix+"effective_date"); err != nil {
			return unit.Change{}, err
		}
	}
	c := unit.Change{DecisionNumber: p.GetDecisionNumber(), Effective: eff, Note: p.GetNote(),
		Field: prefix, EffectiveField: prefix + "effective_date"}
	switch k := p.GetKind().(type) {
	case *registryv1.UnitChange_Create:
		c.Kind = unit.KindCreate
		c.Create, err = specsFromProto(k.Create.GetUnits(), prefix+"create.units")
	case *registryv1.UnitChange_Rename:
		c.Kind = unit.KindRename
		c.Rename = &unit.Rename{Code: k.Rename.GetCode(), NewName: k.Rename.GetNewDisplayName()}
	case *registryv1.UnitChange_Reclassify:
		c.Kind = unit.KindReclassify
		r := k.Reclassify
		var nt unit.Type
		if nt, err = optionalType(r.GetNewType(), prefix+"reclassify.new_type"); err == nil {
			c.Reclassify = &unit.Reclassify{Code: r.GetCode(), NewType: nt, NewName: r.GetNewDisplayName(),
				NewRegion: r.GetNewRegion(), NewCommuneGroup: r.GetNewCommuneGroup()}
		}
	case *registryv1.UnitChange_Merge:
		c.Kind = unit.KindMerge
		m := k.Merge
		c.Merge = &unit.Merge{Sources: m.GetSourceCodes(), AbsorbingCode: m.GetAbsorbingCode(), NewName: m.GetNewDisplayName()}
		if m.GetNewUnit() != nil {
			var s unit.Spec
			if s, err = specFromProto(m.GetNewUnit(), prefix+"merge.new_unit"); err == nil {
				c.Merge.NewUnit = &s
			}
		}
	case *registryv1.UnitChange_Split:
		c.Kind = unit.KindSplit
		sp := k.Split
		c.Split = &unit.Split{Source: sp.GetSourceCode(), SourceContinues: sp.GetSourceContinues()}
		c.Split.NewUnits, err = specsFromProto(sp.GetNewUnits(), prefix+"split.new_units")
	case *registryv1.UnitChange_Transfer:
		c.Kind = unit.KindTransfer
		c.Transfer = &unit.Transfer{Code: k.Transfer.GetCode(), NewParent: k.Transfer.GetNewParentCode()}
	case *registryv1.UnitChange_Abolish:
		c.Kind = unit.KindAbolish
		c.Abolish = &unit.Abolish{Codes: k.Abolish.GetCodes(), ChildrenNewParent: k.Abolish.GetChildrenNewParentCode()}
	default:
		return c, fault.Invalid(prefix+"kind", "one of create, rename, reclassify, merge, split, transfer, abolish is required")
	}
	return c, err
}

// importRow maps a row of an import; prefix is its path in the request
// ("units[3].", or "" for a row of a file).
func importRow(p *registryv1.ImportedUnit, prefix string) (unit.ImportRow, error) {
	from, err := request.Date(p.GetValidFrom(), prefix+"valid_from")
	if err != nil {
		return unit.ImportRow{}, err
	}
	sp, err := specFromProto(p.GetUnit(), prefix+"unit")
	return unit.ImportRow{Spec: sp, From: from}, err
}

// refusal is the error of an import some of whose rows were refused: the
// bad fields of every row together, or the first refusal of another kind.
func refusal(refused []error) error {
	var vs []fault.Violation
	for _, err := range refused {
		if err == nil {
			continue
		}
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.KindInvalid {
			return err
		}
		vs = append(vs, f.Violations...)
	}
	return fault.Invalids(vs...)
}
