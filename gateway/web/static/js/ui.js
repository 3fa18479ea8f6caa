// Small builders of the page's HTML: elements, sections, tables and charts.
import { t } from './i18n.js';

// h builds an element: attrs sets properties for on* handlers and
// attributes otherwise; children are nodes, text or arrays of them.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// fill replaces el's children, leaving out the absent ones (null, false),
// which replaceChildren would write as text.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  const draws = pending.splice(0);
  draws.forEach((draw) => draw());
}

let ids = 0;

// section is a titled part of a page, named by its heading for screen readers.
export function section(title, ...children) {
  const id = `s${++ids}`;
  return h('section', { 'aria-labelledby': id, class: 'card' }, h('h2', { id, text: title }), ...children);
}

// table is a data table: head cells scoped to columns, the first cell of
// each row to its row; numeric columns aligned right.
export function table({ caption, head, rows, numeric = [], rowAttrs }) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', { text: caption }) : null,
      h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, c)))),
      h('tbody', {}, rows.map((r, ri) => h('tr', rowAttrs ? rowAttrs(ri) : {},
        r.map((c, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: numeric.includes(i) ? 'num' : null }, c)))))));
}

// charts are the ECharts instances of the page shown, disposed on the next;
// pending draws the charts built for the page fill is putting in place.
const charts = new Set();
const pending = [];

export function disposeCharts() {
  for (const c of charts) c.dispose();
  charts.clear();
  pending.length = 0;
}

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

// chart draws an ECharts option in a figure whose description is label; the
// table beside it (data) carries the same figures for screen readers and
// keyboards, so the canvas itself is hidden from them.
export function chart({ label, option, height = 300, data }) {
  const box = h('div', { class: 'chart', 'aria-hidden': 'true' });
  box.style.height = `${height}px`;
  const fig = h('figure', { class: 'chart-figure' },
    h('figcaption', { class: 'visually-hidden', text: label }), box,
    data ? h('details', { class: 'chart-data' }, h('summary', { text: t('chartTable') }), data) : null);
  // Drawn once the figure is in the page (fill), which gives it its width.
  pending.push(() => {
    if (!box.isConnected || !window.echarts) return;
    const c = window.echarts.init(box, null, { renderer: 'svg' });
    if (option.yAxis?.type === 'category') {
      // Long names (criteria, sources) get 40% of a narrow screen, 220 px at most.
      const left = Math.min(220, Math.round(box.clientWidth * 0.4));
      option.grid = { ...option.grid, left, containLabel: false };
      option.yAxis.axisLabel.width = left - 16;
    }
    c.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif', color: '#1a1a1a' }, ...option });
    charts.add(c);
  });
  return fig;
}

// barOption is a bar chart of one or more series over categories;
// horizontal suits long names (criteria).
export function barOption({ categories, series, horizontal = false, max }) {
  const catAxis = { type: 'category', data: categories, axisLabel: { color: '#1a1a1a', overflow: 'truncate', interval: 0 } };
  const valAxis = { type: 'value', max, minInterval: 1, axisLabel: { color: '#1a1a1a' } };
  if (horizontal) catAxis.inverse = true;
  return {
    color: ['#1b6e3a', '#b35900', '#2d5fa8'],
    grid: { left: 8, right: horizontal ? 64 : 24, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0, textStyle: { color: '#1a1a1a' } } : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: horizontal ? valAxis : catAxis,
    yAxis: horizontal ? catAxis : valAxis,
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values, label: { show: !!s.label, position: horizontal ? 'right' : 'top', color: '#1a1a1a', formatter: s.label } })),
  };
}

// form is a row of labelled fields and a submit button; onSubmit gets
// the values by field name.
export function form({ fields, submit, onSubmit, cls = 'filters' }) {
  const f = h('form', { class: cls },
    fields.map((fd) => {
      const id = `f${++ids}`;
      const input = fd.options
        ? h('select', { id, name: fd.name }, fd.options.map(([v, l]) => h('option', { value: v, selected: v === fd.value }, l)))
        : h('input', { id, name: fd.name, type: fd.type || 'text', value: fd.value ?? '', required: fd.required, pattern: fd.pattern, 'aria-describedby': fd.hint ? `${id}-hint` : null });
      return h('div', { class: 'field' }, h('label', { for: id, text: fd.label }), input,
        fd.hint ? h('small', { id: `${id}-hint`, text: fd.hint }) : null);
    }),
    h('button', { type: 'submit', text: submit }));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    onSubmit(Object.fromEntries(new FormData(f).entries()));
  });
  return f;
}

// today is the date in Vietnam, the API's default as_of.
export function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

// announce puts a message in the page's live region (errors, downloads).
export function announce(msg) {
  const s = document.getElementById('status');
  s.textContent = '';
  s.textContent = msg;
}

// stat is one headline figure.
export function stat(label, value, attrs = {}) {
  return h('div', { class: 'stat', ...attrs }, h('span', { class: 'stat-value', text: value }), h('span', { class: 'stat-label', text: label }));
}
