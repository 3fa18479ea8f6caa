// One OCOP product: its evaluations, each with what it lacks for the next
// star (the API works it out from the sheet's points under the catalog of
// its date), and its certificates.
import { get } from '../api.js';
import { date, num, t } from '../i18n.js';
import { fill, h, section, table, today } from '../ui.js';

export async function productPage(main, id, query) {
  const asOf = query.get('as_of') || today();
  const p = await get(`/v1/products/${encodeURIComponent(id)}`, { as_of: asOf });
  const evals = [...(p.evaluations || [])].reverse();
  fill(main,
    h('h1', { text: p.displayName }),
    h('p', {}, `${t('certifiedStars')}: `, h('strong', { text: p.certifiedStars ? t('nStars', { n: p.certifiedStars }) : '–' })),
    section(t('evaluationsTitle'), evals.length ? h('ul', { class: 'evaluations' }, evals.map((e) => h('li', { 'data-evaluation': e.id },
      h('strong', { text: `${t('evaluation')} ${date(e.evaluatedOn)} (${t(`council_${e.councilLevel}`)}, ${e.catalog})` }),
      `: ${t('total')} ${num(e.total)} ${t('points')}, ${t('nStars', { n: e.stars })}. `,
      nextStar(e.nextStar)))) : h('p', { text: t('noEvaluation') })),
    section(t('certified'), table({
      head: [t('decision'), t('stars'), t('validFrom'), t('endsOn')],
      rows: (p.certificates || []).map((c) => [c.decisionNumber, t('nStars', { n: c.stars }), date(c.issuedOn), date(c.endedOn || c.validUntil)]),
    })),
  );
}

// nextStar shows the points an evaluation lacks for the next star and the
// lines with the most points open, as the API lists them.
function nextStar(n) {
  if (!n) return null;
  if (!n.stars) return h('p', { class: 'next-star', text: t('topStars') });
  return h('div', { class: 'next-star' },
    h('p', {}, h('strong', { text: t('nextStarTitle', { stars: n.stars }) }), ` ${t('nextStarPoints', { points: num(n.pointsNeeded) })}`),
    n.open?.length ? table({
      caption: t('openCriteria'),
      head: [t('criterion'), t('pointsOpen')],
      rows: n.open.map((o) => [`${o.criterionCode}. ${o.displayName}`, num(o.pointsOpen)]),
      numeric: [1],
    }) : null);
}
