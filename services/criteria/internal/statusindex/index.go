// Package statusindex holds, in memory, the compact state of every recorded
// assessment (its statuses and met count, by unit, criteria set and date),
// so that an aggregate of the whole country is rolled up without reading
// the database. It is pure: the criteria service loads it from its store at
// start and feeds it the rows written since (package server); the store
// stays the record, and a recomputation from it must always agree.
package statusindex

import (
	"cmp"
	"slices"
	"sort"
	"sync"

	"github.com/ntmsuite/ntm/platform/date"
	"github.com/ntmsuite/ntm/services/criteria/internal/scoring"
)

// Row is one recorded assessment as the index keeps it.
type Row struct {
	ID       int64
	Unit     string
	Set      string
	On       date.Date
	Statuses []scoring.Status
	Met      int
}

// Index is safe for concurrent use: many readers, one Add at a time.
type Index struct {
	mu sync.RWMutex
	// slots numbers the units the index has seen (added or resolved), in
	// the order it saw them; a number is never reused.
	slots map[string]int32
	// sets holds, per set and by unit slot, the unit's assessments under
	// the set. Per set first: an aggregate reads 10,000 units of one set,
	// and reads them from one array in the order the registry lists them,
	// the order in which they were loaded.
	sets map[string][]unitEntries
	// lastID is the highest id added: rows are fed in id order (see Add).
	lastID int64
	// own are the ids AddOwn added above lastID, which Add skips.
	own map[int64]bool
}

// unitEntries are a unit's assessments under one set, ordered by (date,
// id) as the store orders "latest", and a copy of the last of them: an
// aggregate as of a date after it, the usual one, reads the copy without
// following a pointer to the list.
type unitEntries struct {
	last entry
	all  []entry
}

type entry struct {
	id       int64
	on       day
	statuses []scoring.Status
	met      int
	metBits  uint64
	// maxID is the highest id of this entry and those before it: the
	// version of the unit's figures on any date from on (see Latest).
	maxID int64
}

// day is a date as days since 1970-01-01: entries are searched by date
// 10,000 times per aggregate, and comparing two integers is cheapest.
type day int32

func dayOf(d date.Date) day { return day(d.Time().Unix() / 86400) }

func New() *Index {
	return &Index{slots: make(map[string]int32), sets: make(map[string][]unitEntries), own: make(map[int64]bool)}
}

// Units are unit codes resolved to the index's slots, for Latest and
// First. Resolving looks each code up in a map, which an aggregate of the
// country would otherwise pay 10,000 times per read, each a few cache
// misses: callers keep the Units of a list they read again (the communes
// of a unit on a date, per registry generation).
type Units struct {
	codes []string
	slots []int32
}

// Codes are the codes resolved, in order.
func (u Units) Codes() []string { return u.codes }

// Resolve resolves codes, giving a slot to those the index has not seen
// (their assessments, when they come, go there). codes must not be
// modified afterwards.
func (x *Index) Resolve(codes []string) Units {
	u := Units{codes: codes, slots: make([]int32, len(codes))}
	x.mu.RLock()
	missing := false
	for i, c := range codes {
		s, ok := x.slots[c]
		u.slots[i], missing = s, missing || !ok
	}
	x.mu.RUnlock()
	if missing {
		x.mu.Lock()
		for i, c := range codes {
			u.slots[i] = x.slotLocked(c)
		}
		x.mu.Unlock()
	}
	return u
}

func (x *Index) slotLocked(code string) int32 {
	s, ok := x.slots[code]
	if !ok {
		s = int32(len(x.slots))
		x.slots[code] = s
	}
	return s
}

// LastID is the highest id added, 0 for none: the rows written since are
// those with a higher id.
func (x *Index) LastID() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.lastID
}

// Add adds rows, which must have ids above LastID in increasing order (as
// the store lists them since LastID): the store commits ids in order
// (db.OrderIDs), so a row with a lower id can never appear later. A row
// already held is skipped, so a batch may be fed twice.
func (x *Index) Add(rows []Row) {
	x.mu.Lock()
	defer x.mu.Unlock()
	touched := make(map[unitKey]bool)
	for _, r := range rows {
		if r.ID <= x.lastID {
			continue
		}
		x.lastID = r.ID
		if x.own[r.ID] {
			delete(x.own, r.ID)
			continue
		}
		x.insertLocked(r, touched)
	}
	x.sortLocked(touched)
}

// AddOwn adds rows this process has just committed, before it reads them
// back with the rows of other writers: another writer's rows may have lower
// ids and not be read yet, so LastID stays, and Add skips these rows when
// it gets to them.
func (x *Index) AddOwn(rows []Row) {
	x.mu.Lock()
	defer x.mu.Unlock()
	touched := make(map[unitKey]bool)
	for _, r := range rows {
		if r.ID <= x.lastID || x.own[r.ID] {
			continue
		}
		x.own[r.ID] = true
		x.insertLocked(r, touched)
	}
	x.sortLocked(touched)
}

type unitKey struct {
	set  string
	slot int32
}

func (x *Index) insertLocked(r Row, touched map[unitKey]bool) {
	slot := x.slotLocked(r.Unit)
	units := x.sets[r.Set]
	if int(slot) >= len(units) {
		units = slices.Grow(units, int(slot)+1-len(units))[:slot+1]
		x.sets[r.Set] = units
	}
	u := &units[slot]
	u.all = append(u.all, entry{id: r.ID, on: dayOf(r.On), statuses: r.Statuses, met: r.Met, metBits: scoring.MetBits(r.Statuses)})
	touched[unitKey{r.Set, slot}] = true
}

// sortLocked puts the touched units' entries back in (date, id) order and
// recomputes their running highest id and their copy of the last.
func (x *Index) sortLocked(touched map[unitKey]bool) {
	for k := range touched {
		u := &x.sets[k.set][k.slot]
		es := u.all
		// Nearly always appended in order already; a back-dated assessment
		// moves back to its place.
		slices.SortStableFunc(es, func(a, b entry) int {
			return cmp.Or(cmp.Compare(a.on, b.on), cmp.Compare(a.id, b.id))
		})
		var top int64
		for i := range es {
			top = max(top, es[i].id)
			es[i].maxID = top
		}
		u.last = es[len(es)-1]
	}
}

// entriesOf are the entries of the unit in slot among units (those of a
// set), nil when it has none.
func entriesOf(units []unitEntries, slot int32) *unitEntries {
	if int(slot) >= len(units) || len(units[slot].all) == 0 {
		return nil
	}
	return &units[slot]
}

// Latest returns, aligned with units, the state of each unit's latest
// assessment under set on or before asOf (Statuses nil when it has none),
// as store.LatestStates does, and the version of these figures: the
// highest id of any assessment of these units under set dated on or before
// asOf. Any later write that could change the states (an assessment of one
// of them dated on or before asOf) takes a higher id, so equal versions mean
// equal states; writes to other units or of later dates leave it as it is.
// The states share their Statuses with the index: they must not be modified.
func (x *Index) Latest(set string, asOf date.Date, units Units) ([]scoring.CommuneState, int64) {
	return x.LatestInto(nil, set, asOf, units)
}

// LatestInto is Latest writing the states into buf, reallocated only when
// it is too short: the country's states are half a megabyte, and an
// aggregate needs them only until it has counted them.
func (x *Index) LatestInto(buf []scoring.CommuneState, set string, asOf date.Date, units Units) ([]scoring.CommuneState, int64) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := slices.Grow(buf[:0], len(units.slots))[:len(units.slots)]
	var version int64
	until := dayOf(asOf)
	entries := x.sets[set]
	for i, slot := range units.slots {
		out[i] = scoring.CommuneState{Code: units.codes[i]}
		u := entriesOf(entries, slot)
		if u == nil {
			continue
		}
		e := &u.last
		if e.on > until {
			// The first entry dated after asOf; the one before it is the latest.
			n := sort.Search(len(u.all), func(j int) bool { return u.all[j].on > until })
			if n == 0 {
				continue
			}
			e = &u.all[n-1]
		}
		out[i].Statuses, out[i].MetCount, out[i].Met = e.statuses, e.met, e.metBits
		version = max(version, e.maxID)
	}
	return out, version
}

// First returns, aligned with units, the state of each unit's earliest
// assessment under set dated from from to to inclusive (Statuses nil when
// it has none), and its date: the start of a period when a unit had no
// assessment before it. The states share their Statuses with the index.
func (x *Index) First(set string, from, to date.Date, units Units) ([]scoring.CommuneState, []date.Date) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]scoring.CommuneState, len(units.slots))
	on := make([]date.Date, len(units.slots))
	since, until := dayOf(from), dayOf(to)
	entries := x.sets[set]
	for i, slot := range units.slots {
		out[i].Code = units.codes[i]
		u := entriesOf(entries, slot)
		if u == nil {
			continue
		}
		es := u.all
		n := sort.Search(len(es), func(j int) bool { return es[j].on >= since })
		if n == len(es) || es[n].on > until {
			continue
		}
		out[i].Statuses, out[i].MetCount = es[n].statuses, es[n].met
		on[i] = from.AddDays(int(es[n].on - since))
	}
	return out, on
}
