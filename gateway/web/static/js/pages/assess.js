// A commune officer's assessment form for its own commune: the indicators
// of the criteria set in force on the assessment's date, sent as they are;
// the API's refusals are shown beside the fields they name. Any other unit
// is read only here.
import { ApiError, get, identity, post } from '../api.js';
import { t } from '../i18n.js';
import { link } from '../router.js';
import { announce, fill, h, section, today } from '../ui.js';
import { criteriaSets, criterionName, setName } from '../catalog.js';

// setInForce is the commune set valid on day, the one the API would choose
// for an assessment of that date (named in the request, so both agree).
async function setInForce(day) {
  return (await criteriaSets()).find((s) => s.unitType === 'COMMUNE' && !s.provinceCode && s.validFrom <= day && (!s.validTo || day < s.validTo));
}

const cssID = (s) => s.replace(/[^A-Za-z0-9_-]/g, '-');

export async function assessPage(main, code, query) {
  const id = identity();
  const day = query.get('date') || today();
  const unit = await get(`/v1/units/${encodeURIComponent(code)}`, { as_of: day });
  if (!(id?.role === 'commune_officer' && id.unit === code)) {
    fill(main, h('h1', { text: unit.displayName }), h('p', { class: 'note', id: 'read-only', text: t('readOnly') }),
      h('p', {}, h('a', { href: link('unit', code), text: t('navOverview') })));
    return;
  }
  const set = await setInForce(day);
  const fields = []; // in the order of the request's values and verdicts
  const errorBox = (forId) => h('span', { class: 'field-error', id: `${forId}-err` });
  const field = (forId, label, input, hint) => h('div', { class: 'field' },
    h('label', { for: forId, text: label }), input, hint ? h('small', { text: hint }) : null, errorBox(forId));
  const head = [
    ['assessedOn', t('assessedOn'), h('input', { id: 'assessedOn', name: 'assessedOn', type: 'date', value: day, required: true, 'aria-describedby': 'assessedOn-err' })],
    ['author', t('author'), h('input', { id: 'author', name: 'author', required: true, value: `UBND ${unit.displayName}`, 'aria-describedby': 'author-err' })],
    ['evidenceRef', t('evidenceRef'), h('input', { id: 'evidenceRef', name: 'evidenceRef', 'aria-describedby': 'evidenceRef-err' })],
  ];
  const criteria = (set?.criteria || []).map((c) => {
    const verdictID = `verdict-${cssID(c.code)}`;
    const verdict = h('select', { id: verdictID, 'aria-describedby': `${verdictID}-err` },
      h('option', { value: '' }, t('fromValues')),
      ['MET', 'BASICALLY_MET', 'NOT_MET'].map((s) => h('option', { value: s }, t(`status_${s}`))));
    fields.push({ kind: 'verdict', code: c.code, input: verdict });
    const indicators = (c.indicators || []).map((ind) => {
      const inputID = `ind-${cssID(ind.code)}`;
      const input = ind.kind === 'BOOLEAN'
        ? h('select', { id: inputID, 'aria-describedby': `${inputID}-err` }, h('option', { value: '' }, t('notEntered')), h('option', { value: 'true' }, t('yes')), h('option', { value: 'false' }, t('no')))
        : h('input', { id: inputID, type: 'number', step: 'any', inputmode: 'decimal', 'aria-describedby': `${inputID}-err` });
      fields.push({ kind: 'value', code: ind.code, boolean: ind.kind === 'BOOLEAN', input });
      return field(inputID, `${ind.code}. ${ind.displayName}${ind.unit ? ` (${ind.unit})` : ''}`, input);
    });
    return h('fieldset', { class: 'criterion' }, h('legend', { text: `${c.code}. ${criterionName(set, c.code, c.displayName)}` }),
      field(verdictID, t('verdict'), verdict), indicators);
  });
  const general = h('p', { class: 'form-error', id: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', text: t('submit') });
  const f = h('form', { class: 'assessment', novalidate: true },
    head.map(([fid, label, input]) => field(fid, label, input)), criteria, general, submit);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of f.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of f.querySelectorAll('.field-error')) el.textContent = '';
    general.textContent = '';
    const body = { assessedOn: f.assessedOn.value, author: f.author.value, evidenceRef: f.evidenceRef.value, criteriaSet: set?.id || '', values: [], verdicts: [] };
    const sent = { values: [], verdicts: [] };
    for (const fd of fields) {
      const v = fd.input.value;
      if (v === '') continue;
      if (fd.kind === 'verdict') {
        body.verdicts.push({ criterionCode: fd.code, status: v });
        sent.verdicts.push(fd.input);
      } else {
        body.values.push(fd.boolean ? { indicatorCode: fd.code, flag: v === 'true' } : { indicatorCode: fd.code, number: Number(v) });
        sent.values.push(fd.input);
      }
    }
    submit.disabled = true;
    try {
      const a = await post(`/v1/units/${encodeURIComponent(code)}/assessments`, body);
      announce(t('saved', { met: a.score.metCount, count: a.score.criteriaCount }));
      general.textContent = t('saved', { met: a.score.metCount, count: a.score.criteriaCount });
    } catch (err) {
      showRefusal(err, f, sent, general);
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, 
    h('h1', { text: `${t('assessTitle')} – ${unit.displayName}` }),
    h('p', { class: 'note' }, `${t('criteriaSet')}: ${setName(set, '')}. ${t('assessIntro')}`),
    section(t('assessTitle'), f));
}

// showRefusal writes each field violation beside the field it names (the
// request's values[i] and verdicts[i] are the inputs sent in that order),
// and the rest above the button.
function showRefusal(err, f, sent, general) {
  const violations = err instanceof ApiError ? err.fieldViolations : [];
  let first = null;
  const rest = [];
  for (const v of violations) {
    const m = /(values|verdicts)\[(\d+)\]/.exec(v.field);
    let input = m ? sent[m[1]][Number(m[2])] : null;
    if (!input && /assessed_?on/i.test(v.field)) input = f.assessedOn;
    if (!input && /author/.test(v.field)) input = f.author;
    if (!input && /evidence/i.test(v.field)) input = f.evidenceRef;
    if (!input) {
      rest.push(v.description);
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    document.getElementById(`${input.id}-err`).textContent = v.description;
    first ??= input;
  }
  const msg = t('refused', { msg: rest.length ? rest.join('; ') : err.message });
  general.textContent = msg;
  announce(msg);
  first?.focus();
}
