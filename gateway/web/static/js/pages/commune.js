// A commune on a date: its score, what its failing criteria miss, its
// assessments across criteria sets and its lineage (mergers, reclassifications).
import { ApiError, all, get, identity } from '../api.js';
import { date, num, t } from '../i18n.js';
import { go, link } from '../router.js';
import { barOption, chart, fill, form, h, section, stat, table } from '../ui.js';
import { criteriaSet, criterionName, setName } from '../catalog.js';
import { breadcrumb } from './breadcrumb.js';

export async function communeView(main, unit, asOf) {
  const code = unit.code;
  const [score, history, lineage, crumbs] = await Promise.all([
    get(`/v1/units/${code}/score`, { as_of: asOf }).catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
    all(`/v1/units/${code}/assessments`, { as_of: asOf }, 'assessments'),
    get(`/v1/units/${code}/lineage`),
    breadcrumb(unit, asOf),
  ]);
  const set = score ? await criteriaSet(score.criteriaSet) : null;
  const id = identity();
  const own = id?.role === 'commune_officer' && id.unit === code;
  fill(main, 
    crumbs,
    h('h1', { text: unit.displayName }),
    form({ fields: [{ name: 'as_of', label: t('asOf'), type: 'date', value: asOf, required: true }], submit: t('show'), onSubmit: (v) => go('unit', code, v) }),
    own ? h('p', {}, h('a', { class: 'button', href: link('assess', code), text: t('navAssess') })) : null,
    id?.role === 'commune_officer' && !own ? h('p', { class: 'note', text: t('readOnly') }) : null,
    score ? scoreSection(score, set) : section(t('scoreTitle'), h('p', { text: t('noScore') })),
    score ? failingSection(score, set) : null,
    await historySection(history),
    lineageSection(lineage, await lineageNames(lineage)),
  );
}

// lineageNames names each unit the lineage links to, as it was named on
// the day it existed (the day before it merged in, or the day it began).
async function lineageNames(lineage) {
  const names = new Map();
  const links = [...lineage.predecessors.map((l) => [l.fromCode, dayBefore(l.effectiveDate)]), ...lineage.successors.map((l) => [l.toCode, l.effectiveDate])];
  await Promise.all(links.map(async ([code, day]) => {
    try {
      names.set(code, (await get(`/v1/units/${encodeURIComponent(code)}`, { as_of: day })).displayName);
    } catch {
      names.set(code, code);
    }
  }));
  return names;
}

function scoreSection(score, set) {
  return section(t('scoreTitle'),
    h('div', { class: 'stats' },
      stat(t('metCount'), t('scoreLine', { met: score.metCount, count: score.criteriaCount }), { id: 'met-count' }),
      stat(t('bandOf'), score.band),
      stat(t('assessedOn'), date(score.assessedOn)),
      stat(t('criteriaSet'), setName(set, score.criteriaSet))),
    table({
      head: [t('criterion'), t('verdict')],
      rows: score.criteria.map((c) => [`${c.code}. ${criterionName(set, c.code, c.displayName)}`, h('span', { class: `verdict verdict-${c.status}`, text: t(`status_${c.status}`) })]),
    }));
}

function failingSection(score, set) {
  const failing = score.criteria.filter((c) => c.status !== 'MET');
  if (!failing.length) return section(t('failingTitle'), h('p', { text: t('allMet') }));
  return section(t('failingTitle'), h('ul', { class: 'failing' }, failing.map((c) =>
    h('li', { 'data-criterion': c.code },
      h('strong', { text: `${c.code}. ${criterionName(set, c.code, c.displayName)}` }), ` – ${t(`status_${c.status}`)}`,
      c.failing.length || c.missing.length ? h('ul', {},
        c.failing.map((g) => h('li', {}, h('span', { class: 'tag', text: t('missingLabel') }), ' ', g.summary)),
        c.missing.length ? h('li', { text: t('noValue', { list: c.missing.join(', ') }) }) : null) : null))));
}

async function historySection(history) {
  const rows = [];
  for (const a of history) {
    const set = await criteriaSet(a.criteriaSet);
    rows.push([date(a.assessedOn), setName(set, a.criteriaSet), `${a.score.metCount}/${a.score.criteriaCount}`]);
  }
  const ordered = [...history].reverse();
  return section(t('historyTitle'),
    history.length > 1 ? chart({
      label: t('historyTitle'), height: 220,
      option: barOption({ categories: ordered.map((a) => date(a.assessedOn)), series: [{ name: t('metCount'), values: ordered.map((a) => a.score.metCount), label: (p) => `${ordered[p.dataIndex].score.metCount}/${ordered[p.dataIndex].score.criteriaCount}` }] }),
    }) : null,
    table({ head: [t('assessedOn'), t('criteriaSet'), t('metCount')], rows, numeric: [2] }));
}

function lineageSection(lineage, names) {
  const linkRow = (l, other) => [
    h('a', { href: link('unit', other, { as_of: other === l.fromCode ? dayBefore(l.effectiveDate) : l.effectiveDate }), text: `${names.get(other) || other} (${other})` }),
    t(`change_${l.changeKind}`), date(l.effectiveDate), l.decisionNumber];
  return section(t('lineageTitle'),
    table({
      caption: t('versions'),
      head: [t('unitName'), t('unitType'), t('validFrom'), t('validTo')],
      rows: lineage.versions.map((v) => [v.displayName, t(`type_${v.type}`), date(v.validFrom), v.validTo ? date(v.validTo) : t('untilNow')]),
    }),
    lineage.predecessors.length ? table({ caption: t('predecessors'), head: [t('unitName'), t('changeKind'), t('effectiveDate'), t('decision')], rows: lineage.predecessors.map((l) => linkRow(l, l.fromCode)) }) : null,
    lineage.successors.length ? table({ caption: t('successors'), head: [t('unitName'), t('changeKind'), t('effectiveDate'), t('decision')], rows: lineage.successors.map((l) => linkRow(l, l.toCode)) }) : null);
}

// dayBefore is the last day a predecessor existed: its page as it stood then.
function dayBefore(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
