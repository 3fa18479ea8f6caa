// Funding of a unit over a period: planned against disbursed by source,
// by criterion and by unit, as the API sums them.
import { get } from '../api.js';
import { num, t } from '../i18n.js';
import { go } from '../router.js';
import { barOption, chart, fill, form, h, section, table, today } from '../ui.js';

// million is a VND amount (an int64 string) in millions, for the charts' scale.
const million = (v) => Math.round(Number(v) / 1e4) / 100;

export async function fundingPage(main, code, query) {
  const asOf = query.get('as_of') || today();
  const from = query.get('from') || `${asOf.slice(0, 4)}-01-01`;
  const to = query.get('to') || asOf;
  const [unit, f] = await Promise.all([
    get(`/v1/units/${encodeURIComponent(code)}`, { as_of: asOf }),
    get(`/v1/units/${encodeURIComponent(code)}/fundingSummary`, { from, to, as_of: asOf }),
  ]);
  fill(main, 
    h('h1', {}, `${t('fundingTitle')} – ${unit.displayName}`),
    form({
      fields: [
        { name: 'from', label: t('from'), type: 'date', value: from, required: true },
        { name: 'to', label: t('to'), type: 'date', value: to, required: true },
        { name: 'as_of', label: t('asOf'), type: 'date', value: asOf, required: true },
      ],
      submit: t('show'),
      onSubmit: (v) => go('funding', code, v),
    }),
    h('p', { class: 'note', text: t('mobilised', { v: num(f.mobilisedVnd) }) }),
    progressSection(t('bySource'), f.bySource || [], (s) => s.displayName, f.total,
      (s) => (s.quantityUnit ? `${num(s.plannedQuantity)} / ${num(s.disbursedQuantity)} ${s.quantityUnit}` : '')),
    progressSection(t('byCriterion'), f.byCriterion || [], (c) => `${c.criterionCode}. ${c.displayName}`),
    progressSection(t('byUnit'), f.byUnit || [], (u) => u.displayName),
  );
}

function progressSection(title, items, name, total, quantity) {
  const head = [title, t('planned'), t('disbursed'), t('disbursedPercent')];
  if (quantity) head.push(t('quantity'));
  const rows = items.map((it) => {
    const r = [name(it), num(it.progress.plannedVnd), num(it.progress.disbursedVnd), num(it.progress.disbursedPercent)];
    if (quantity) r.push(quantity(it));
    return r;
  });
  if (total) {
    const r = [t('totalRow'), num(total.plannedVnd), num(total.disbursedVnd), num(total.disbursedPercent)];
    if (quantity) r.push('');
    rows.push(r);
  }
  const unitLabel = (l) => `${l} (${t('millionVnd')})`;
  return section(title,
    items.length ? chart({
      label: title, height: Math.max(220, items.length * 44),
      option: barOption({
        categories: items.map(name), horizontal: true,
        series: [
          { name: unitLabel(t('plan')), values: items.map((it) => million(it.progress.plannedVnd)) },
          { name: unitLabel(t('disbursedShort')), values: items.map((it) => million(it.progress.disbursedVnd)) },
        ],
      }),
    }) : null,
    table({ head, rows, numeric: [1, 2, 3] }));
}
