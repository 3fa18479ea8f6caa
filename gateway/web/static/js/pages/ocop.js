// OCOP of a unit on a date: products by stars and by group, the
// certificates expiring within the summary's window, and the products, each
// linked to what it lacks for the next star.
import { all, get } from '../api.js';
import { date, num, t } from '../i18n.js';
import { go, link } from '../router.js';
import { barOption, chart, fill, form, h, section, stat, table, today } from '../ui.js';
import { communeNames } from '../units.js';

export async function ocopPage(main, code, query) {
  const asOf = query.get('as_of') || today();
  const [unit, summary, products] = await Promise.all([
    get(`/v1/units/${encodeURIComponent(code)}`, { as_of: asOf }),
    get(`/v1/units/${encodeURIComponent(code)}/ocopSummary`, { as_of: asOf }),
    all('/v1/products', { unit_code: code, as_of: asOf }, 'products'),
  ]);
  // The products the summary counts as expiring, over the window it says it took.
  const [names, expiring] = await Promise.all([
    communeNames(unit, asOf),
    all('/v1/products', { unit_code: code, as_of: asOf, expiring_within_days: summary.expiringWithinDays }, 'products'),
  ]);
  const certified = summary.certified || [];
  const groups = summary.byGroup || [];
  const groupName = new Map(groups.map((g) => [g.productGroup, g.displayName]));
  const productLink = (p) => h('a', { href: link('product', p.id, { as_of: asOf }), text: p.displayName });
  const unitName = (p) => names.get(p.unitCode) || p.unitCode;
  fill(main,
    h('h1', {}, `${t('ocopTitle')} – ${unit.displayName}`),
    form({ fields: [{ name: 'as_of', label: t('asOf'), type: 'date', value: asOf, required: true }], submit: t('show'), onSubmit: (v) => go('ocop', code, v) }),
    h('div', { class: 'stats' },
      stat(t('producers'), num(summary.producers)),
      stat(t('products'), num(summary.products)),
      stat(t('certifiedTotal'), num(summary.certifiedTotal), { id: 'certified-total' })),
    section(t('expiringTitle', { d: summary.expiringWithinDays }),
      h('p', { class: summary.expiring ? 'warn' : 'note', id: 'expiring', text: t('expiring', { d: summary.expiringWithinDays, n: num(summary.expiring) }) }),
      expiring.length ? table({
        head: [t('products'), t('unitName'), t('stars'), t('endsOn')],
        rows: expiring.map((p) => [productLink(p), unitName(p), t('nStars', { n: p.certifiedStars }), date(p.certifiedUntil)]),
        rowAttrs: (i) => ({ 'data-expiring': expiring[i].id }),
      }) : null),
    section(t('starsTitle'),
      chart({
        label: t('starsTitle'), height: 220,
        option: barOption({ categories: certified.map((c) => t('nStars', { n: c.stars })), series: [{ name: t('products'), values: certified.map((c) => c.products), label: '{c}' }] }),
      }),
      table({ head: [t('stars'), t('products')], rows: certified.map((c) => [t('starsN', { n: c.stars }), num(c.products)]), numeric: [1] })),
    section(t('groupsTitle'),
      chart({
        label: t('groupsTitle'), height: Math.max(200, groups.length * 40),
        option: barOption({ categories: groups.map((g) => g.displayName), horizontal: true, series: [{ name: t('products'), values: groups.map((g) => g.products) }, { name: t('certified'), values: groups.map((g) => g.certified) }] }),
      }),
      table({ head: [t('group'), t('products'), t('registered'), t('certified')], rows: groups.map((g) => [g.displayName, num(g.products), num(g.registered), num(g.certified)]), numeric: [1, 2, 3] })),
    section(t('productsTitle'), table({
      head: [t('products'), t('group'), t('unitName'), t('certifiedStars')],
      rows: products.map((p) => [productLink(p), groupName.get(p.productGroup) || p.productGroup, h('span', { class: 'unit', text: unitName(p) }), stars(p.certifiedStars)]),
      rowAttrs: (i) => ({ 'data-product': products[i].id }),
    })),
  );
}

// stars draws a product's stars, read out as words; '–' for none.
function stars(n) {
  if (!n) return '–';
  return [h('span', { 'aria-hidden': 'true', text: '★'.repeat(n) }), h('span', { class: 'visually-hidden', text: t('nStars', { n }) })];
}
