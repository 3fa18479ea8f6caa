// Hash routes: #/page/arg?key=value. A page is a function (main, arg,
// query) that fills main; query is a URLSearchParams.
const routes = new Map();

export function route(name, page) {
  routes.set(name, page);
}

// parse splits the current hash into its page name, argument and query.
export function parse(hash = location.hash) {
  const [path, qs = ''] = hash.replace(/^#\/?/, '').split('?');
  const [name = '', ...rest] = path.split('/');
  return { name, arg: decodeURIComponent(rest.join('/')), query: new URLSearchParams(qs) };
}

// link is the hash of a page with its query (empty values left out).
export function link(name, arg, query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return `#/${name}${arg ? '/' + encodeURIComponent(arg) : ''}${s ? '?' + s : ''}`;
}

export function go(name, arg, query) {
  location.hash = link(name, arg, query);
}

// dispatch renders the page the hash names; fallback renders the others.
export async function dispatch(main, fallback) {
  const { name, arg, query } = parse();
  const page = routes.get(name);
  if (!page) return fallback(main, name);
  return page(main, arg, query);
}
