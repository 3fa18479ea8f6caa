// The units above a unit on a date, as a breadcrumb of links to their pages.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { link } from '../router.js';
import { h } from '../ui.js';

export async function breadcrumb(unit, asOf, page = 'unit') {
  const chain = [unit];
  let parent = unit.parentCode;
  while (parent && chain.length < 6) {
    const p = await get(`/v1/units/${encodeURIComponent(parent)}`, { as_of: asOf });
    chain.unshift(p);
    parent = p.parentCode;
  }
  return h('nav', { 'aria-label': t('breadcrumb'), class: 'crumbs' }, h('ol', {}, chain.map((u, i) =>
    h('li', {}, i === chain.length - 1
      ? h('span', { 'aria-current': 'page', text: u.displayName })
      : h('a', { href: link(page, u.code, { as_of: asOf }), text: u.displayName })))));
}
