package unit

import (
	"fmt"
	"slices"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/platform/fault"
)

// State is the part of the map a change needs to see, read by the store inside
// the transaction that will write the plan.
type State interface {
	// Versions returns every version of code, oldest first (none if it never existed).
	Versions(code string) ([]Version, error)
	// ChildrenAt returns the units whose parent is code on d.
	ChildrenAt(code string, d date.Date) ([]Version, error)
	// ChildrenFrom returns every version whose parent is code and that is valid on d or later.
	ChildrenFrom(code string, d date.Date) ([]Version, error)
}

// Close ends the version of Code that started on From: it is valid until To
// (exclusive). When To is From, the version was opened that day by an
// earlier change of the same decision and never applied: it is withdrawn.
type Close struct {
	Code string
	From date.Date
	To   date.Date
}

// Withdraws reports whether c removes a version opened earlier in the same
// decision rather than closing it.
func (c Close) Withdraws() bool { return c.To == c.From }

// Plan is everything a change writes: versions to close, versions to open and
// lineage links. Applying it is the store's job, in one transaction.
type Plan struct {
	Close []Close
	Open  []Version
	Links []Link
}

// PlanChange checks c against the map in st and says what to write. Errors are
// *fault.Error naming the offending request field.
func PlanChange(c Change, st State) (Plan, error) {
	return PlanInDecision(c, st, nil)
}

// PlanInDecision plans c as a change of a decision whose earlier changes,
// with the ids in earlier, are already written to st. The versions they
// opened that day may change again (a commune moved out of an abolished
// district then absorbs its neighbours under a new name): one decision says
// everything that happens to a unit that day. Such a version is withdrawn
// and replaced, not closed, so the unit keeps one version from that day.
func PlanInDecision(c Change, st State, earlier []int64) (Plan, error) {
	if c.Effective.IsZero() {
		return Plan{}, fault.Invalid(c.EffectiveField, "is required")
	}
	p := &planner{c: c, st: st, d: c.Effective, earlier: earlier, created: map[string]Version{}, touched: map[string]bool{}}
	var err error
	switch c.Kind {
	case KindCreate:
		err = p.create(c.Create)
	case KindRename:
		err = p.rename(c.Rename)
	case KindReclassify:
		err = p.reclassify(c.Reclassify)
	case KindMerge:
		err = p.merge(c.Merge)
	case KindSplit:
		err = p.split(c.Split)
	case KindTransfer:
		err = p.transfer(c.Transfer)
	case KindAbolish:
		err = p.abolish(c.Abolish)
	default:
		err = fault.Invalid(c.Field+"kind", "unknown change kind %q", c.Kind)
	}
	if err != nil {
		return Plan{}, err
	}
	return p.plan, nil
}

type planner struct {
	c       Change
	st      State
	d       date.Date
	plan    Plan
	earlier []int64            // earlier changes of the same decision
	created map[string]Version // units this change creates, visible as parents
	touched map[string]bool    // units this change already closed or replaced
}

func (p *planner) field(name string) string { return p.c.Field + name }

// changedToday reports whether v was opened on the effective date by another
// decision: the unit cannot change again that day. A version opened by an
// earlier change of the same decision can.
func (p *planner) changedToday(v Version) bool {
	return v.Valid.From == p.d && !slices.Contains(p.earlier, v.ChangeID)
}

// live returns the current version of code, which must exist on the effective
// date, be its latest version, and have started before that date.
func (p *planner) live(code, field string) (Version, error) {
	if p.touched[code] {
		return Version{}, fault.Invalid(field, "unit %s is changed twice by this change", code)
	}
	vs, err := p.st.Versions(code)
	if err != nil {
		return Version{}, err
	}
	v, ok := At(vs, p.d)
	if !ok {
		return Version{}, fault.Invalid(field, "unit %s does not exist on %s", code, p.d)
	}
	if last := vs[len(vs)-1]; !last.Valid.To.IsZero() || last.Valid.From != v.Valid.From {
		return Version{}, fault.Precondition("UNIT_HAS_LATER_CHANGES", "unit", "units/"+code,
			"unit %s already has changes recorded after %s; record changes in date order", code, p.d)
	}
	if p.changedToday(v) {
		return Version{}, fault.Precondition("UNIT_CHANGED_SAME_DAY", "unit", "units/"+code,
			"unit %s already changes on %s by another decision; record everything that happens to it that day in one decision (POST /v1/decisions)", code, p.d)
	}
	return v, nil
}

// parentType checks that code can be a parent from the effective date on and returns its type.
func (p *planner) parentType(code, field string) (Type, error) {
	if v, ok := p.created[code]; ok {
		return v.Type, nil
	}
	if p.touched[code] {
		return 0, fault.Invalid(field, "unit %s ends or changes in this same change", code)
	}
	vs, err := p.st.Versions(code)
	if err != nil {
		return 0, err
	}
	v, ok := At(vs, p.d)
	if !ok {
		return 0, fault.Invalid(field, "parent unit %s does not exist on %s", code, p.d)
	}
	if !coversFrom(vs, p.d) {
		return 0, fault.Invalid(field, "parent unit %s ceases to exist after %s; a child cannot outlive its parent", code, p.d)
	}
	return v.Type, nil
}

// coversFrom reports whether versions cover every day from d on without a gap.
func coversFrom(vs []Version, d date.Date) bool {
	day := d
	for _, v := range vs {
		if v.Valid.To.IsZero() && !v.Valid.From.After(day) {
			return true
		}
		if v.Valid.Contains(day) {
			day = v.Valid.To
		}
	}
	return false
}

func (p *planner) checkParent(t Type, parentCode, field string) error {
	if t == Province {
		if parentCode != "" {
			return fault.Invalid(field, "a province has no parent")
		}
		return nil
	}
	if parentCode == "" {
		return fault.Invalid(field, "is required for a %s", t)
	}
	pt, err := p.parentType(parentCode, field)
	if err != nil {
		return err
	}
	if !t.CanBeChildOf(pt) {
		return fault.Invalid(field, "a %s cannot be under %s %s", t, pt, parentCode)
	}
	return nil
}

// replace closes v on the effective date and opens its successor version.
func (p *planner) replace(v Version, mutate func(*Version)) {
	p.plan.Close = append(p.plan.Close, Close{Code: v.Code, From: v.Valid.From, To: p.d})
	next := v
	next.Valid = date.Range{From: p.d}
	next.ChangeID = 0
	mutate(&next)
	p.plan.Open = append(p.plan.Open, next)
	p.touched[v.Code] = true
}

// end closes v on the effective date. A unit an earlier change of the
// decision created that day cannot end: it would never have existed, and
// its lineage would lead nowhere.
func (p *planner) end(v Version, field string) error {
	if v.Valid.From == p.d {
		vs, err := p.st.Versions(v.Code)
		if err != nil {
			return err
		}
		if vs[0].Valid.From == p.d {
			return fault.Invalid(field, "unit %s is created by this decision on %s and cannot end the day it begins", v.Code, p.d)
		}
	}
	p.plan.Close = append(p.plan.Close, Close{Code: v.Code, From: v.Valid.From, To: p.d})
	p.touched[v.Code] = true
	return nil
}

func (p *planner) create(specs []Spec) error {
	if len(specs) == 0 {
		return fault.Invalid(p.field("create.units"), "must list at least one unit")
	}
	ordered := slices.Clone(specs)
	slices.SortStableFunc(ordered, func(a, b Spec) int { return a.Type.rank() - b.Type.rank() })
	for _, s := range ordered {
		if err := p.createOne(s); err != nil {
			return err
		}
	}
	return nil
}

func (p *planner) createOne(s Spec) error {
	if !s.Type.Valid() {
		return fault.Invalid(s.Field+".type", "must be one of PROVINCE, DISTRICT, COMMUNE, WARD, TOWNSHIP, VILLAGE")
	}
	if _, dup := p.created[s.Code]; dup || p.touched[s.Code] {
		return fault.Invalid(s.Field+".code", "unit %s appears twice in this change", s.Code)
	}
	vs, err := p.st.Versions(s.Code)
	if err != nil {
		return err
	}
	mine := date.Range{From: p.d}
	for _, v := range vs {
		if v.Valid.Overlaps(mine) {
			return fault.Invalid(s.Field+".code", "unit %s already exists from %s%s; its validity would overlap one starting %s",
				s.Code, v.Valid.From, untilText(v.Valid.To), p.d)
		}
	}
	if s.CommuneGroup != "" && !s.Type.IsCommuneLevel() {
		return fault.Invalid(s.Field+".commune_group", "only commune-level units have a commune group")
	}
	if err := p.checkParent(s.Type, s.ParentCode, s.Field+".parent_code"); err != nil {
		return err
	}
	v := s.version(p.d)
	p.created[s.Code] = v
	p.plan.Open = append(p.plan.Open, v)
	return nil
}

func untilText(to date.Date) string {
	if to.IsZero() {
		return " on"
	}
	return fmt.Sprintf(" until %s", to)
}

func (p *planner) rename(r *Rename) error {
	v, err := p.live(r.Code, p.field("rename.code"))
	if err != nil {
		return err
	}
	if r.NewName == v.Name {
		return fault.Invalid(p.field("rename.new_display_name"), "is the current name of unit %s", r.Code)
	}
	p.replace(v, func(n *Version) { n.Name = r.NewName })
	return nil
}

func (p *planner) reclassify(r *Reclassify) error {
	v, err := p.live(r.Code, p.field("reclassify.code"))
	if err != nil {
		return err
	}
	next := v
	if r.NewType != 0 {
		next.Type = r.NewType
	}
	if r.NewName != "" {
		next.Name = r.NewName
	}
	if r.NewRegion != "" {
		next.Region = r.NewRegion
	}
	if r.NewCommuneGroup != "" {
		next.CommuneGroup = r.NewCommuneGroup
	}
	if next == v {
		return fault.Invalid(p.field("reclassify"), "changes nothing about unit %s", r.Code)
	}
	if next.Type != v.Type {
		if err := p.checkParent(next.Type, v.ParentCode, p.field("reclassify.new_type")); err != nil {
			return err
		}
		if err := p.checkChildrenFit(v.Code, next.Type, p.field("reclassify.new_type")); err != nil {
			return err
		}
		if err := p.noLaterChildren(v.Code); err != nil {
			return err
		}
	}
	if next.CommuneGroup != "" && !next.Type.IsCommuneLevel() {
		return fault.Invalid(p.field("reclassify.new_commune_group"), "only commune-level units have a commune group")
	}
	p.replace(v, func(n *Version) { *n = next; n.Valid = date.Range{From: p.d}; n.ChangeID = 0 })
	return nil
}

// noLaterChildren refuses to end or retype code when units are placed under it
// after the effective date: they would outlive their parent.
func (p *planner) noLaterChildren(code string) error {
	vs, err := p.st.ChildrenFrom(code, p.d)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Valid.From.After(p.d) {
			return fault.Precondition("UNIT_HAS_LATER_CHANGES", "unit", "units/"+code,
				"unit %s has %s under it from %s; record changes in date order", code, v.Code, v.Valid.From)
		}
	}
	return nil
}

func (p *planner) checkChildrenFit(code string, t Type, field string) error {
	children, err := p.st.ChildrenAt(code, p.d)
	if err != nil {
		return err
	}
	for _, ch := range children {
		if !ch.Type.CanBeChildOf(t) {
			return fault.Invalid(field, "unit %s has %s %s under it, which cannot be under a %s", code, ch.Type, ch.Code, t)
		}
	}
	return nil
}

// moveChildren reparents every child of code on the effective date to newParent.
func (p *planner) moveChildren(code, newParent string, newParentType Type, field string) error {
	children, err := p.st.ChildrenAt(code, p.d)
	if err != nil {
		return err
	}
	for _, ch := range children {
		if p.touched[ch.Code] {
			continue // ended or changed by this change already (e.g. merged away)
		}
		if !ch.Type.CanBeChildOf(newParentType) {
			return fault.Invalid(field, "%s %s under unit %s cannot move under a %s", ch.Type, ch.Code, code, newParentType)
		}
		if p.changedToday(ch) {
			return fault.Precondition("UNIT_CHANGED_SAME_DAY", "unit", "units/"+ch.Code,
				"unit %s (under %s) already changes on %s by another decision; record both changes in one decision (POST /v1/decisions)", ch.Code, code, p.d)
		}
		if !ch.Valid.To.IsZero() {
			return fault.Precondition("UNIT_HAS_LATER_CHANGES", "unit", "units/"+ch.Code,
				"unit %s (under %s) already has changes recorded after %s; record changes in date order", ch.Code, code, p.d)
		}
		p.replace(ch, func(n *Version) { n.ParentCode = newParent })
	}
	return nil
}

func (p *planner) merge(m *Merge) error {
	sources := make([]Version, len(m.Sources))
	for i, code := range m.Sources {
		v, err := p.live(code, fmt.Sprintf("%smerge.source_codes[%d]", p.c.Field, i))
		if err != nil {
			return err
		}
		if i > 0 && v.Type.rank() != sources[0].Type.rank() {
			return fault.Invalid(fmt.Sprintf("%smerge.source_codes[%d]", p.c.Field, i),
				"unit %s is a %s and cannot merge with %s %s", code, v.Type, sources[0].Type, sources[0].Code)
		}
		sources[i] = v
		p.touched[code] = true // guards against a code listed twice; cleared below
	}
	for _, s := range sources {
		delete(p.touched, s.Code)
	}

	var target Version
	switch {
	case m.NewUnit != nil:
		if m.NewUnit.Type.rank() != sources[0].Type.rank() {
			return fault.Invalid(m.NewUnit.Field+".type", "a merge of %s units cannot produce a %s", sources[0].Type, m.NewUnit.Type)
		}
		if err := p.createOne(*m.NewUnit); err != nil {
			return err
		}
		target = p.created[m.NewUnit.Code]
	default:
		i := slices.Index(m.Sources, m.AbsorbingCode)
		if i < 0 {
			return fault.Invalid(p.field("merge.absorbing_code"), "must be one of source_codes")
		}
		target = sources[i]
	}

	for i, s := range sources {
		if s.Code == target.Code {
			continue
		}
		if err := p.end(s, fmt.Sprintf("%smerge.source_codes[%d]", p.c.Field, i)); err != nil {
			return err
		}
		p.plan.Links = append(p.plan.Links, Link{From: s.Code, To: target.Code})
	}
	for _, s := range sources {
		if s.Code == target.Code {
			continue
		}
		if err := p.moveChildren(s.Code, target.Code, target.Type, p.field("merge")); err != nil {
			return err
		}
		if err := p.noLaterChildren(s.Code); err != nil {
			return err
		}
	}
	if m.NewUnit == nil && m.NewName != "" && m.NewName != target.Name {
		p.replace(target, func(n *Version) { n.Name = m.NewName })
	}
	return nil
}

func (p *planner) split(s *Split) error {
	src, err := p.live(s.Source, p.field("split.source_code"))
	if err != nil {
		return err
	}
	if len(s.NewUnits) == 0 {
		return fault.Invalid(p.field("split.new_units"), "must list at least one unit")
	}
	if !s.SourceContinues {
		if err := p.noLaterChildren(src.Code); err != nil {
			return err
		}
		children, err := p.st.ChildrenAt(src.Code, p.d)
		if err != nil {
			return err
		}
		if len(children) > 0 {
			return fault.Precondition("UNIT_HAS_CHILDREN", "unit", "units/"+src.Code,
				"unit %s still has %d units under it on %s; transfer them before it ends, or keep the source", src.Code, len(children), p.d)
		}
	}
	for _, n := range s.NewUnits {
		if n.Type.rank() != src.Type.rank() {
			return fault.Invalid(n.Field+".type", "a split of a %s cannot produce a %s", src.Type, n.Type)
		}
		if err := p.createOne(n); err != nil {
			return err
		}
		p.plan.Links = append(p.plan.Links, Link{From: src.Code, To: n.Code})
	}
	if !s.SourceContinues {
		return p.end(src, p.field("split.source_code"))
	}
	return nil
}

func (p *planner) transfer(t *Transfer) error {
	v, err := p.live(t.Code, p.field("transfer.code"))
	if err != nil {
		return err
	}
	if t.NewParent == v.ParentCode {
		return fault.Invalid(p.field("transfer.new_parent_code"), "unit %s is already under %s", t.Code, t.NewParent)
	}
	if err := p.checkParent(v.Type, t.NewParent, p.field("transfer.new_parent_code")); err != nil {
		return err
	}
	p.replace(v, func(n *Version) { n.ParentCode = t.NewParent })
	return nil
}

func (p *planner) abolish(a *Abolish) error {
	ended := make([]Version, len(a.Codes))
	for i, code := range a.Codes {
		v, err := p.live(code, fmt.Sprintf("%sabolish.codes[%d]", p.c.Field, i))
		if err != nil {
			return err
		}
		ended[i] = v
	}
	newParentField := p.field("abolish.children_new_parent_code")
	var newParentType Type
	if a.ChildrenNewParent != "" {
		if slices.Contains(a.Codes, a.ChildrenNewParent) {
			return fault.Invalid(newParentField, "unit %s is abolished by this change", a.ChildrenNewParent)
		}
		t, err := p.parentType(a.ChildrenNewParent, newParentField)
		if err != nil {
			return err
		}
		newParentType = t
	}
	for i, v := range ended {
		if err := p.end(v, fmt.Sprintf("%sabolish.codes[%d]", p.c.Field, i)); err != nil {
			return err
		}
	}
	for _, v := range ended {
		if err := p.noLaterChildren(v.Code); err != nil {
			return err
		}
		if a.ChildrenNewParent == "" {
			children, err := p.st.ChildrenAt(v.Code, p.d)
			if err != nil {
				return err
			}
			// Children abolished by this same change do not need a new parent.
			children = slices.DeleteFunc(children, func(ch Version) bool { return p.touched[ch.Code] })
			if len(children) > 0 {
				return fault.Precondition("UNIT_HAS_CHILDREN", "unit", "units/"+v.Code,
					"unit %s still has %d units under it on %s; set children_new_parent_code", v.Code, len(children), p.d)
			}
			continue
		}
		if err := p.moveChildren(v.Code, a.ChildrenNewParent, newParentType, newParentField); err != nil {
			return err
		}
	}
	for _, v := range ended {
		if h := heir(a, ended, v); h != "" {
			p.plan.Links = append(p.plan.Links, Link{From: v.Code, To: h})
		}
	}
	return nil
}

// heir is the unit that takes over v when a abolishes it, so that figures of v
// roll up to it in views of later dates: children_new_parent_code when set,
// else v's parent on the day (climbing past parents abolished by the same
// change), "" for a province.
func heir(a *Abolish, ended []Version, v Version) string {
	if a.ChildrenNewParent != "" {
		return a.ChildrenNewParent
	}
	h := v.ParentCode
	for {
		i := slices.IndexFunc(ended, func(e Version) bool { return e.Code == h })
		if i < 0 {
			return h
		}
		h = ended[i].ParentCode
	}
}
