// The periodic report of a unit: targets against results, recognitions in
// the period and cumulative, registered units short of their level, and the
// report's Excel workbook.
import { download, get } from '../api.js';
import { num, t } from '../i18n.js';
import { go } from '../router.js';
import { announce, barOption, chart, fill, form, h, section, table, today } from '../ui.js';

export async function reportPage(main, code, query) {
  const period = query.get('period') || today().slice(0, 4);
  const asOf = query.get('as_of') || '';
  const params = { period, as_of: asOf };
  const r = await get(`/v1/units/${encodeURIComponent(code)}/report`, params);
  const targets = r.targets?.rows || [];
  const recognitions = [...(r.recognitions?.communes || []), ...(r.recognitions?.villages || []), ...(r.recognitions?.districts || [])];
  const shortOf = (r.registrations?.rows || []).filter((x) => !x.reached);
  const levelName = new Map((r.registrations?.byLevel || []).map((l) => [`${l.unitType}/${l.level}`, l.displayName]));
  const button = h('button', { type: 'button', id: 'download', class: 'button' }, t('download'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    announce(t('downloading'));
    try {
      announce(t('downloaded', { name: await download(`/v1/units/${encodeURIComponent(code)}/report.xlsx`, params) }));
    } catch (err) {
      announce(t('error', { msg: err.message }));
    } finally {
      button.disabled = false;
    }
  });
  fill(main, 
    h('h1', { text: r.title }),
    h('p', { class: 'subtitle', text: r.displayName }),
    form({
      fields: [
        { name: 'period', label: t('period'), value: period, required: true, hint: t('periodHint') },
        { name: 'as_of', label: t('asOf'), type: 'date', value: asOf },
      ],
      submit: t('show'),
      onSubmit: (v) => go('report', code, v),
    }),
    h('p', {}, button),
    section(t('targetsTitle'),
      targets.length ? chart({
        label: t('targetsTitle'), height: Math.max(220, targets.length * 48),
        option: barOption({
          categories: targets.map((x) => x.displayName), horizontal: true,
          series: [{ name: t('plan'), values: targets.map((x) => x.target) }, { name: t('result'), values: targets.map((x) => (x.hasResult ? x.result : null)) }],
        }),
      }) : null,
      table({
        head: [t('target'), t('plan'), t('result'), t('percent'), t('resultSummary'), t('estimate')],
        rows: targets.map((x) => [x.displayName, `${num(x.target)} ${x.valueUnit}`, x.hasResult ? num(x.result) : '–', x.hasResult ? num(x.percentOfPlan) : '–', x.summary, x.hasEstimate ? x.estimateSummary : '']),
        numeric: [1, 2, 3],
      }),
      r.targets?.basis?.note ? h('p', { class: 'note', text: r.targets.basis.note }) : null),
    section(t('recognitionsTitle'),
      table({
        head: [t('level'), t('inPeriod'), t('cumulative'), t('percent')],
        rows: recognitions.map((x) => [x.displayName, num(x.inPeriod), `${num(x.cumulative)}/${num(x.denominator)}`, num(x.percent)]),
        numeric: [1, 2, 3],
      }),
      r.recognitions?.basis?.note ? h('p', { class: 'note', text: r.recognitions.basis.note }) : null),
    shortOf.length ? section(t('registrationsTitle'), table({
      head: [t('unitName'), t('level'), t('metCount'), t('missingHeader')],
      rows: shortOf.map((x) => [x.displayName, levelName.get(`${x.unitType}/${x.level}`) || x.level, `${x.criteriaMet}/${x.criteriaCount}`, x.missing.join(', ')]),
    })) : null,
  );
}
