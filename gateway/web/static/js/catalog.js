// The criteria sets, read once per page load: their names, and each
// criterion's English name for the English page.
import { get } from './api.js';
import { lang } from './i18n.js';

let sets = null;

export async function criteriaSets() {
  if (!sets) sets = get('/v1/criteriaSets').then((r) => r.criteriaSets || []);
  return sets;
}

export async function criteriaSet(id) {
  return (await criteriaSets()).find((s) => s.id === id) || null;
}

// criterionName is the criterion's name in the page's language (the API's
// Vietnamese name when the set has no English one).
export function criterionName(set, code, fallback) {
  const c = set?.criteria?.find((x) => x.code === code);
  if (lang() === 'en' && c?.displayNameEn) return c.displayNameEn;
  return c?.displayName || fallback;
}

export function setName(set, id) {
  return set ? (lang() === 'en' && set.displayNameEn ? set.displayNameEn : set.displayName) : id;
}
