// The dashboard's entry: the page's frame (navigation, language, sign-out)
// and the routes to each page.
import { identity, setToken, token } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { dispatch, link, parse, route } from './router.js';
import { announce, disposeCharts, fill, h } from './ui.js';
import { signInPage } from './pages/signin.js';
import { homePage } from './pages/home.js';
import { unitPage } from './pages/unit.js';
import { ocopPage } from './pages/ocop.js';
import { productPage } from './pages/product.js';
import { fundingPage } from './pages/funding.js';
import { reportPage } from './pages/report.js';
import { assessPage } from './pages/assess.js';

route('signin', signInPage);
route('', homePage);
route('unit', unitPage);
route('ocop', ocopPage);
route('product', productPage);
route('funding', fundingPage);
route('report', reportPage);
route('assess', assessPage);

const unitKey = 'ntm.unit';

// currentUnit is the unit the pages show until another is chosen.
export function currentUnit() {
  return sessionStorage.getItem(unitKey) || identity()?.unit || '';
}

function rememberUnit(name, arg) {
  if (arg && ['unit', 'ocop', 'funding', 'report'].includes(name)) sessionStorage.setItem(unitKey, arg);
}

function frame() {
  document.documentElement.lang = lang();
  document.title = t('appTitle');
  document.getElementById('brand').textContent = t('appTitle');
  document.getElementById('skip-link').textContent = t('skip');
  const langBtn = document.getElementById('lang');
  langBtn.textContent = t('switchLang');
  langBtn.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  const out = document.getElementById('signout');
  out.textContent = t('signOut');
  const id = identity();
  out.hidden = !id;
  document.getElementById('who').textContent = id ? t('signedInAs', { who: t(`role_${id.role}`) + (id.unit ? ` ${id.unit}` : '') }) : '';
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  if (!id) return;
  const { name, query } = parse();
  const unit = currentUnit();
  const asOf = query.get('as_of') || '';
  const items = [
    ['unit', t('navOverview'), unit, { as_of: asOf }],
    ['ocop', t('navOcop'), unit, { as_of: asOf }],
    ['funding', t('navFunding'), unit, { as_of: asOf }],
    ['report', t('navReport'), unit, {}],
  ];
  if (id.role === 'commune_officer' && id.unit) items.push(['assess', t('navAssess'), id.unit, {}]);
  nav.append(h('ul', {}, items.map(([page, label, arg, q]) => h('li', {},
    h('a', { href: link(page, arg, q), 'aria-current': name === page ? 'page' : null, text: label })))));
}

// render shows the page the hash names; moved says the user went there
// from another page, when the focus follows to its heading (as a page load
// would put a screen reader at the top).
async function render(moved) {
  const main = document.getElementById('main');
  const { name, arg } = parse();
  if (!token() && name !== 'signin') {
    location.hash = link('signin', '', { next: location.hash });
    return;
  }
  rememberUnit(name, arg);
  frame();
  disposeCharts();
  announce('');
  fill(main, h('p', { class: 'loading', text: t('loading') }));
  main.setAttribute('aria-busy', 'true');
  try {
    await dispatch(main, (m) => m.replaceChildren(h('p', { text: t('notFound') })));
    const heading = main.querySelector('h1');
    if (heading) {
      document.title = `${heading.textContent} – ${t('appTitle')}`;
      heading.setAttribute('tabindex', '-1');
      if (moved) heading.focus({ preventScroll: true });
    }
  } catch (err) {
    fill(main, h('p', { class: 'error', text: t('error', { msg: err.message }) }));
    announce(t('error', { msg: err.message }));
  } finally {
    main.removeAttribute('aria-busy');
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  render(false);
});
document.getElementById('signout').addEventListener('click', () => {
  setToken('');
  sessionStorage.removeItem(unitKey);
  location.hash = link('signin', '');
});
window.addEventListener('ntm:unauthenticated', () => {
  setToken('');
  announce(t('badToken'));
  location.hash = link('signin', '');
});
// The skip link moves the focus to the content without touching the hash,
// which is the router's.
document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', () => render(true));
render(false);
