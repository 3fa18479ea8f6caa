// Sign-in: a pasted token, or one of the demo's tokens when `ntm up --demo`
// offers them (/demo/tokens.json answers 404 otherwise).
import { setToken } from '../api.js';
import { lang, t } from '../i18n.js';
import { fill, h, section } from '../ui.js';

async function demoTokens() {
  try {
    const res = await fetch('/demo/tokens.json');
    return res.ok ? (await res.json()).tokens || [] : [];
  } catch {
    return [];
  }
}

function enter(tok, next) {
  setToken(tok.trim());
  location.hash = next && !next.startsWith('#/signin') ? next : '#/';
}

export async function signInPage(main, _arg, query) {
  const next = query.get('next') || '';
  const input = h('textarea', { id: 'token', name: 'token', rows: 3, required: true, autocomplete: 'off', spellcheck: 'false' });
  const f = h('form', { class: 'signin' },
    h('p', { text: t('signInIntro') }),
    h('div', { class: 'field' }, h('label', { for: 'token', text: t('tokenLabel') }), input),
    h('button', { type: 'submit', text: t('signIn') }));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    enter(input.value, next);
  });
  const demos = await demoTokens();
  fill(main, h('h1', { text: t('signInTitle') }),
    demos.length ? section(t('demoSignIn'), h('div', { class: 'buttons' }, demos.map((d, i) =>
      h('button', { type: 'button', class: 'demo', 'data-demo': i, onclick: () => enter(d.token, next) }, lang() === 'en' ? d.labelEn : d.labelVi)))) : null,
    section(t('signInTitle'), f));
}
