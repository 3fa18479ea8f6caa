// Home: the signed-in officer's own unit, or the provinces to choose from
// (straight to the province when there is one).
import { all, identity } from '../api.js';
import { t } from '../i18n.js';
import { link } from '../router.js';
import { fill, h, section, table, today } from '../ui.js';

export async function homePage(main) {
  const id = identity();
  if (id?.unit) {
    location.replace(link('unit', id.unit));
    return;
  }
  const provinces = await all('/v1/units', { type: 'PROVINCE', as_of: today() }, 'units');
  if (provinces.length === 1) {
    location.replace(link('unit', provinces[0].code));
    return;
  }
  fill(main, h('h1', { text: t('navOverview') }), section(t('childrenTitle'),
    table({ head: [t('unitName')], rows: provinces.map((p) => [h('a', { href: link('unit', p.code), text: p.displayName })]) })));
}
