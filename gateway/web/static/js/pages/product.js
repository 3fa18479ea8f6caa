// One OCOP product: its evaluations, with what it lacks for the next star
// where the API answers it, and its certificates. (The API gives next_star
// with the answer that records an evaluation, not with the stored ones a
// product lists: those show their total and stars only.)
import { get } from '../api.js';
import { date, num, t } from '../i18n.js';
import { fill, h, section, table, today } from '../ui.js';

export async function productPage(main, id, query) {
  const asOf = query.get('as_of') || today();
  const p = await get(`/v1/products/${encodeURIComponent(id)}`, { as_of: asOf });
  const evals = [...(p.evaluations || [])].reverse();
  fill(main, 
    h('h1', { text: p.displayName }),
    h('p', {}, `${t('certifiedStars')}: `, h('strong', { text: p.certifiedStars ? '★'.repeat(p.certifiedStars) : '–' })),
    section(t('evaluationsTitle'), evals.length ? h('ul', { class: 'evaluations' }, evals.map((e) => h('li', {},
      h('strong', { text: `${t('evaluation')} ${date(e.evaluatedOn)} (${e.councilLevel}, ${e.catalog})` }),
      `: ${t('total')} ${num(e.total)}, ${'★'.repeat(e.stars)}. `,
      nextStar(e.nextStar)))) : h('p', { text: t('noEvaluation') })),
    section(t('certified'), table({
      head: [t('decision'), t('stars'), t('validFrom'), t('validTo')],
      rows: (p.certificates || []).map((c) => [c.decisionNumber, '★'.repeat(c.stars), date(c.issuedOn), date(c.endedOn || c.validUntil)]),
    })),
  );
}

function nextStar(n) {
  if (!n) return null;
  if (!n.stars) return h('span', { text: t('topStars') });
  return h('span', { class: 'next-star' }, `${t('nextStarTitle')}: `, t('nextStarLine', { points: num(n.pointsNeeded), stars: n.stars }),
    n.open?.length ? h('ul', {}, n.open.map((o) => h('li', { text: `${o.criterionCode} ${o.displayName}: ${num(o.pointsOpen)}` }))) : null);
}
