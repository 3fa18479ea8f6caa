// A unit on a date: a commune's own page, or for a province or district
// the overview of its communes' criteria and the units under it (drill-down).
import { ApiError, all, get } from '../api.js';
import { num, t } from '../i18n.js';
import { go, link } from '../router.js';
import { barOption, chart, fill, form, h, section, stat, table, today } from '../ui.js';
import { criteriaSet, criterionName, setName } from '../catalog.js';
import { breadcrumb } from './breadcrumb.js';
import { communeView } from './commune.js';

const communeTypes = new Set(['COMMUNE', 'WARD', 'TOWNSHIP']);

export async function unitPage(main, code, query) {
  const asOf = query.get('as_of') || today();
  const unit = await get(`/v1/units/${encodeURIComponent(code)}`, { as_of: asOf });
  if (communeTypes.has(unit.type)) return communeView(main, unit, asOf);
  const countMode = query.get('count_mode') || 'current';
  const [agg, children, crumbs] = await Promise.all([
    get(`/v1/units/${encodeURIComponent(code)}/aggregate`, { as_of: asOf, count_mode: countMode }),
    all('/v1/units', { parent: code, as_of: asOf }, 'units'),
    breadcrumb(unit, asOf),
  ]);
  const [set, figures] = await Promise.all([criteriaSet(agg.criteriaSet), childFigures(children, asOf, countMode)]);
  fill(main, 
    crumbs,
    h('h1', { text: unit.displayName }),
    form({
      fields: [
        { name: 'as_of', label: t('asOf'), type: 'date', value: asOf, required: true },
        { name: 'count_mode', label: t('countMode'), value: countMode, options: ['current', 'reported'].map((m) => [m, t(`countMode_${m}`)]) },
      ],
      submit: t('show'),
      onSubmit: (v) => go('unit', code, v),
    }),
    h('div', { class: 'stats' },
      stat(t('criteriaSet'), setName(set, agg.criteriaSet), { id: 'criteria-set' }),
      stat(t('communes'), num(agg.communes), { id: 'communes' }),
      stat(t('assessedCommunes'), num(agg.assessedCommunes)),
      stat(t('averageLabel'), num(agg.averageMet), { id: 'average-met', title: t('averageMet', { n: num(agg.averageMet) }) })),
    criteriaSection(agg, set),
    bandsSection(agg),
    recognitionsSection(agg),
    childrenSection(children, figures, asOf),
  );
}

function criteriaSection(agg, set) {
  const names = agg.criteria.map((c) => `${c.code}. ${criterionName(set, c.code, c.displayName)}`);
  const rows = agg.criteria.map((c, i) => [names[i], h('span', { class: 'met', text: t('xaDat', { met: num(c.met), den: num(c.denominator) }) }), num(c.percent)]);
  const data = table({ head: [t('criterion'), t('communesMet'), t('percent')], rows, numeric: [1, 2], rowAttrs: (i) => ({ 'data-criterion': agg.criteria[i].code }) });
  return section(t('criteriaTitle'),
    chart({
      label: t('criteriaTitle'),
      height: Math.max(240, agg.criteria.length * 30),
      option: barOption({
        categories: names, horizontal: true, max: agg.communes || undefined,
        series: [{ name: t('communesMet'), values: agg.criteria.map((c) => c.met), label: (p) => `${agg.criteria[p.dataIndex].met}/${agg.criteria[p.dataIndex].denominator}` }],
      }),
    }),
    data);
}

function bandsSection(agg) {
  const bands = agg.bands || [];
  return section(t('bandsTitle'),
    chart({
      label: t('bandsTitle'), height: 220,
      option: barOption({ categories: bands.map((b) => b.label), series: [{ name: t('communes'), values: bands.map((b) => b.communes), label: '{c}' }] }),
      data: table({ head: [t('band'), t('communes')], rows: bands.map((b) => [b.label, num(b.communes)]), numeric: [1] }),
    }),
    h('ul', { class: 'below' }, (agg.below || []).map((b) => h('li', { 'data-below': b.criteria }, `${t('below', { n: b.criteria })}: `, h('strong', { text: num(b.communes) })))));
}

function recognitionsSection(agg) {
  const rows = [...(agg.recognitions || []), ...(agg.villageRecognitions || []), ...(agg.districtRecognitions || [])]
    .map((r) => [r.displayName, `${num(r.units)}/${num(r.denominator)}`, num(r.percent), num(r.formerCommunes)]);
  return section(t('recognitionsTitle'),
    h('p', { class: 'note' }, `${t('countMode')}: ${t(`countMode_${agg.countMode || 'current'}`)}`),
    table({ head: [t('level'), t('units'), t('percent'), t('formerUnits')], rows, numeric: [1, 2, 3] }));
}

// childFigures are the aggregates of each child on the date, asked all at
// once (a province has a few dozen children at most); null for a child the
// API does not aggregate (a ward or township is not assessed as a commune).
async function childFigures(children, asOf, countMode) {
  const answers = await Promise.allSettled(children.map((u) =>
    get(`/v1/units/${encodeURIComponent(u.code)}/aggregate`, { as_of: asOf, count_mode: countMode })));
  return answers.map((a) => {
    if (a.status === 'fulfilled') return a.value;
    if (a.reason instanceof ApiError && a.reason.status === 400) return null;
    throw a.reason;
  });
}

// childrenSection lists the units under the unit, each with its own
// figures beside its name and a link down to it.
function childrenSection(children, figures, asOf) {
  if (!children.length) return section(t('childrenTitle'), h('p', { text: t('noChildren') }));
  const cell = (cls, text) => h('span', { class: cls, text });
  return section(t('childrenTitle'), table({
    head: [t('unitName'), t('unitType'), t('communes'), t('averageLabel'), t('standardCommunes')],
    rows: children.map((u, i) => {
      const agg = figures[i];
      const standard = agg?.recognitions?.find((r) => r.level === 'STANDARD');
      return [
        h('a', { href: link('unit', u.code, { as_of: asOf }), 'data-unit': u.code, text: u.displayName }),
        t(`type_${u.type}`),
        cell('child-communes', agg ? num(agg.communes) : '–'),
        cell('child-average', agg ? num(agg.averageMet) : '–'),
        cell('child-standard', standard ? `${num(standard.units)}/${num(standard.denominator)}` : '–'),
      ];
    }),
    numeric: [2, 3, 4],
    rowAttrs: (i) => ({ 'data-child': children[i].code }),
  }), figures.includes(null) ? h('p', { class: 'note', text: t('notAggregated') }) : null);
}
