// Calls to the REST API with the signed-in user's bearer token, kept in
// sessionStorage: it lives as long as the tab and is never sent anywhere else.
const tokenKey = 'ntm.token';

export function token() {
  return sessionStorage.getItem(tokenKey) || '';
}

export function setToken(tok) {
  if (tok) sessionStorage.setItem(tokenKey, tok);
  else sessionStorage.removeItem(tokenKey);
}

// identity is what the token says of its holder (role, unit), read to
// choose what the page offers; the API checks every call itself.
export function identity() {
  const parts = token().split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return { subject: claims.sub, role: claims.role, unit: claims.unit || '' };
  } catch {
    return null;
  }
}

// ApiError is an answer other than 2xx, with the google.rpc.Status it carried.
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }

  // fieldViolations are the BadRequest details: which field, and why.
  get fieldViolations() {
    const details = this.body?.details || [];
    return details.flatMap((d) => d.fieldViolations || []);
  }
}

function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function call(method, path, params, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path, params), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text };
  }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new CustomEvent('ntm:unauthenticated'));
    throw new ApiError(res.status, json);
  }
  return json;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, body) => call('POST', path, undefined, body);

// all follows next_page_token until the list ends, for lists a page shows whole.
export async function all(path, params, field) {
  const items = [];
  let pageToken = '';
  do {
    const page = await get(path, { ...params, page_size: 500, page_token: pageToken });
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken);
  return items;
}

// download fetches a file with the token (a link cannot send it) and hands
// it to the browser under the name the API gives; it returns that name.
export async function download(path, params) {
  const res = await fetch(url(path, params), { headers: { Authorization: `Bearer ${token()}` } });
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    throw new ApiError(res.status, body);
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : 'bao-cao.xlsx';
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  return name;
}
