// IOC Pulse wall screen and leaders' view (docs/wall-screen.md). Plain ES modules, no build step; ECharts comes from
// the jar as a WebJar. Data: the catalogue, units and map over REST once, KPI values live over the WebSocket
// (snapshot, updates, resume), rankings and sparklines over REST.
import * as echarts from '../../webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { t, LANG, kpiName, windowName, unitName } from './i18n.js';
import { getJson, ApiError, claims, setToken, token, wsUrl } from './api.js';
import { Live, keyOf } from './live.js';
import { STATUS, hasValue, formatValue, thresholdText, shownStatus, statusLabel, formatAge, formatClock, formatAsOf,
  formatInt } from './format.js';

// ------------------------------------------------------------------------------------------------ settings
const params = new URLSearchParams(location.search);
const VIEW = params.get('view') === 'leader' ? 'leader' : 'wall';
const STALE_MS = Math.max(10, Number(params.get('stale_s')) || 300) * 1000;
const ROTATE_MS = Math.max(5, Number(params.get('rotate_s')) || 30) * 1000;
const RANKING_SCOPE = params.get('ranking') === 'agency' ? 'agency' : 'commune';

/** The province headline tiles: KPI and window (DOMAIN.md §3; 30 days for the ratios the province is judged on). */
const TILES = [
  ['on_time_ratio', '30d'], ['received', 'today'], ['backlog', 'live'], ['overdue_open', 'live'],
  ['online_ratio', '30d'], ['time_saving_ratio', '30d'], ['satisfaction_ratio', '30d'], ['payment_success_ratio', '24h'],
];
const COMPONENTS = ['PORTAL', 'PAYMENT_GATEWAY', 'DVCQG_SYNC', 'VNEID', 'ONE_STOP'];
const COMPONENT_NAMES = {
  vi: { PORTAL: 'Cổng DVC tỉnh', PAYMENT_GATEWAY: 'Thanh toán trực tuyến', DVCQG_SYNC: 'Đồng bộ Cổng DVCQG',
    VNEID: 'Đăng nhập VNeID', ONE_STOP: 'Hệ thống một cửa' },
  en: { PORTAL: 'Provincial portal', PAYMENT_GATEWAY: 'Online payment', DVCQG_SYNC: 'National portal sync',
    VNEID: 'VNeID login', ONE_STOP: 'One-stop system' },
};
const AVAILABILITY_WINDOW = '1h';

// ------------------------------------------------------------------------------------------------ state
const catalog = new Map();   // id -> definition
const units = new Map();     // "type/code" -> unit
let communes = [];           // units of type commune, file order
let agencies = [];           // units of type agency
const values = new Map();    // "kpi/scope_type/scope_id/window" -> latest value (highest seq)
let unit = { type: 'province', code: null };
let mapKpi = 'on_time_ratio';
let mapWindow = '30d';
let rotation = [];
let rotationIndex = 0;
let live;
let mapChart;
let historyChart;
const sparkCharts = new Map(); // tile index -> echarts instance
let connection = { state: 'connecting', attempt: 0 };
const dirty = { tiles: true, map: true, agencies: true, components: true, leader: true, alerts: true };
const alerts = new Map();    // fingerprint -> alert as served (docs/alerting.md): firing ones only
let rankingTimer = null;

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
};

/** An ECharts instance on `box`, resized whenever the box changes size (layout, window, 4K screen). */
function chartOn(box) {
  const chart = echarts.init(box, null, { renderer: 'svg' });
  new ResizeObserver(() => chart.resize()).observe(box);
  return chart;
}

function def(kpi) {
  return catalog.get(kpi);
}

function unitLabel(type, code) {
  if (type === 'province') return unitName(units.get('province/' + code), code) || t('province');
  return unitName(units.get(type + '/' + code), code);
}

/** A window of the KPI: the one asked for if the KPI has it, else 30d, else its first. */
function windowFor(kpi, wanted) {
  const d = def(kpi);
  if (!d) return wanted;
  if (wanted && d.windows.includes(wanted)) return wanted;
  return d.windows.includes('30d') ? '30d' : d.windows[0];
}

/**
 * Stale = the pipeline has stalled, not "this value is old": the KPI job publishes a value only when it changes, so a
 * quiet KPI (received today at night) keeps an old as_of while being exact. The page judges the pipeline by the newest
 * as_of it has seen on any key (docs/wall-screen.md, "Stale"); the API's per-value `stale` flag is as_of-based and is
 * not used here.
 */
let pipelineAsOf = 0;
function pipelineStale() {
  return pipelineAsOf > 0 && Date.now() - pipelineAsOf > STALE_MS;
}
function isStale(v) {
  return !!v && pipelineStale();
}

// ------------------------------------------------------------------------------------------------ start
async function boot() {
  document.documentElement.lang = LANG;
  document.body.dataset.view = VIEW;
  $('#title').textContent = t('title');
  $('#alerts-title').textContent = t('alertsTitle');
  $('#components-title').textContent = t('componentsTitle');
  $('#view-switch').textContent = VIEW === 'wall' ? t('leaderView') : t('wallView');
  $('#view-switch').href = switchViewHref();
  let kpis, unitList, geo;
  try {
    [kpis, unitList, geo] = await Promise.all([
      getJson('api/v1/kpis'), getJson('api/v1/units'),
      fetch('wall/communes.geojson').then(r => { if (!r.ok) throw new ApiError(r.status, 'map'); return r.json(); }),
    ]);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      askForToken(e.status === 401 ? (token() ? t('tokenBad') : t('tokenHelp')) : t('forbidden'));
      return;
    }
    showBanner('reconnecting', e.message);
    setTimeout(boot, 3000);
    return;
  }
  for (const k of kpis) catalog.set(k.id, k);
  for (const u of unitList.units) units.set(u.type + '/' + u.code, u);
  communes = unitList.units.filter(u => u.type === 'commune');
  agencies = unitList.units.filter(u => u.type === 'agency');
  const province = unitList.units.find(u => u.type === 'province');
  unit = pickUnit(params.get('unit'), province);
  mapKpi = catalog.has(params.get('kpi')) ? params.get('kpi') : 'on_time_ratio';
  mapWindow = windowFor(mapKpi, params.get('window'));
  rotation = (params.get('rotate') || '').split(',').map(s => s.trim()).filter(Boolean)
    .map(s => { const [k, w] = s.split(':'); return { kpi: k, window: windowFor(k, w) }; })
    .filter(r => catalog.has(r.kpi) && def(r.kpi).scopes.includes('commune'));

  buildTiles();
  buildMap(geo);
  if (VIEW === 'leader') buildLeader();

  live = new Live({ url: wsUrl, onValues, onState, onAlerts });
  subscribeAll();
  live.start();

  setInterval(tick, 1000);
  setInterval(refreshSparklines, 60000);
  setInterval(refreshRanking, 15000);
  if (rotation.length > 1) setInterval(rotate, ROTATE_MS);
  refreshRanking();
  requestAnimationFrame(render);
}

/** ?unit=province | agency/CODE | commune/CODE | CODE; limited to what the token's units claim allows. */
function pickUnit(asked, province) {
  const allowed = allowedScopes();
  const ok = (type, code) => !allowed || allowed.has(type + '/' + code);
  if (asked && asked !== 'province') {
    const [a, b] = asked.includes('/') ? asked.split('/') : [null, asked];
    for (const type of a ? [a] : ['commune', 'agency']) {
      if (units.has(type + '/' + b) && ok(type, b)) return { type, code: b };
    }
  }
  if (ok('province', province.code)) return { type: 'province', code: province.code };
  const first = [...allowed][0].split('/');
  return { type: first[0], code: first[1] };
}

/** The scopes the token may read (its units claim), or null for the whole province. */
function allowedScopes() {
  const c = claims();
  if (!c || !Array.isArray(c.units) || c.units.length === 0) return null;
  return new Set(c.units);
}

function switchViewHref() {
  const p = new URLSearchParams(location.search);
  if (VIEW === 'wall') p.set('view', 'leader'); else p.delete('view');
  if (unit.code && unit.type !== 'province') p.set('unit', unit.type + '/' + unit.code);
  return '?' + p.toString();
}

function subscribeAll() {
  const tileKpis = [...new Set(TILES.map(([k]) => k).concat(VIEW === 'leader' ? [leaderKpi()] : []))];
  live.subscribe('tiles', { kpi: tileKpis, scope_type: [unit.type], scope_id: [unit.code] });
  live.subscribe('map', { kpi: [mapKpi], scope_type: ['commune'], window: [mapWindow] });
  if (RANKING_SCOPE === 'agency') {
    live.subscribe('rank', { kpi: [mapKpi], scope_type: ['agency'], window: [mapWindow] });
  }
  live.subscribe('agencies', { kpi: ['overdue_open', 'due_soon'], scope_type: ['agency'], window: ['live'] });
  live.subscribe('components', { kpi: ['availability_ratio'], scope_type: ['component'], window: [AVAILABILITY_WINDOW] });
  live.subscribeAlerts('alerts');
}

/** Alerts from the WebSocket: a whole list (snapshot, after every connect) or one that changed. */
function onAlerts(list, kind) {
  if (kind === 'snapshot') alerts.clear();
  for (const a of list) {
    const had = alerts.get(a.fingerprint);
    if (had && had.seq > a.seq) continue; // never go back
    if (a.status === 'FIRING') alerts.set(a.fingerprint, a); else alerts.delete(a.fingerprint);
  }
  dirty.alerts = true;
}

const SEVERITY = {
  critical: { icon: '\u2716', rank: 0 }, warning: { icon: '\u25B2', rank: 1 }, info: { icon: '\u25CF', rank: 2 },
};

/**
 * The alert strip: firing alerts, the most severe and unacknowledged first, each with its shape (✖ critical,
 * ▲ warning, ● info), its summary in the page's language and who acknowledged it; silenced ones dimmed at the end.
 */
function renderAlerts() {
  const list = [...alerts.values()].sort((a, b) =>
    (a.state === 'silenced') - (b.state === 'silenced') || SEVERITY[a.severity].rank - SEVERITY[b.severity].rank
    || (a.state === 'acknowledged') - (b.state === 'acknowledged') || a.starts_at.localeCompare(b.starts_at));
  const box = $('#alerts-list');
  $('#alerts').dataset.count = String(list.filter(a => a.state !== 'silenced').length);
  $('#alerts').dataset.worst = list.length && list[0].state !== 'silenced' ? list[0].severity : 'none';
  if (list.length === 0) {
    box.replaceChildren(el('span', { class: 'no-alerts', text: t('noAlerts') }));
    return;
  }
  box.replaceChildren(...list.map(a => {
    const summary = (a.annotations && (a.annotations['summary_' + LANG] || a.annotations.summary_vi
      || a.annotations.summary_en)) || a.rule;
    const where = a.scope_name || a.scope_id;
    const ack = a.acknowledged ? ` \u2714 ${a.acknowledged.by}` : '';
    return el('span', { class: `alert-item sev-${a.severity} state-${a.state}`, 'data-fingerprint': a.fingerprint,
      'data-severity': a.severity, 'data-state': a.state,
      title: `${summary} — ${where} (${t('since')} ${formatAsOf(a.starts_at)})${ack}` },
    el('span', { class: 'cue', 'aria-hidden': 'true', text: SEVERITY[a.severity].icon }),
    el('span', { class: 'summary', text: summary.includes(where) ? summary : `${summary} · ${where}` }),
    a.acknowledged ? el('span', { class: 'ack', text: '\u2714 ' + a.acknowledged.by }) : null);
  }));
}

function onValues(list, subId) {
  let rankingTouched = false;
  for (const v of list) {
    const k = keyOf(v);
    const had = values.get(k);
    if (had && had.seq != null && v.seq != null && v.seq < had.seq) continue;
    values.set(k, v);
    const at = Date.parse(v.as_of);
    if (at > pipelineAsOf) pipelineAsOf = at;
    if (v.scope_type === unit.type && v.scope_id === unit.code) {
      dirty.tiles = true;
      dirty.leader = true;
    }
    if (v.kpi === mapKpi && v.window === mapWindow) {
      if (v.scope_type === 'commune') dirty.map = true;
      if (v.scope_type === RANKING_SCOPE) rankingTouched = true;
    }
    if (v.scope_type === 'agency' && (v.kpi === 'overdue_open' || v.kpi === 'due_soon')) dirty.agencies = true;
    if (v.kpi === 'availability_ratio') dirty.components = true;
  }
  if (rankingTouched && !rankingTimer) {
    rankingTimer = setTimeout(() => { rankingTimer = null; refreshRanking(); }, 1500);
  }
  if (subId === 'tiles') scheduleSparklines();
}

function onState(s) {
  connection = s;
  showBanner(s.state);
}

function showBanner(state, detail) {
  const banner = $('#conn-banner');
  const badge = $('#conn-state');
  badge.dataset.state = state;
  banner.dataset.state = state;
  document.body.classList.toggle('disconnected', state === 'reconnecting');
  if (state === 'live') {
    banner.hidden = true;
    badge.textContent = '● ' + t('live');
  } else if (state === 'auth') {
    banner.hidden = false;
    banner.textContent = t('authNeeded');
    badge.textContent = t('authNeeded');
  } else if (state === 'connecting') {
    banner.hidden = false;
    banner.textContent = '⟳ ' + t('connecting');
    badge.textContent = '⟳ ' + t('connecting');
  } else {
    banner.hidden = false;
    banner.textContent = '⚠ ' + t('reconnecting', { n: Math.max(1, connection.attempt || 1) }) + (detail ? ' ' + detail : '');
    badge.textContent = '⚠ ' + t('reconnectingShort');
  }
}

function askForToken(message) {
  showBanner('auth');
  const dlg = $('#token-dialog');
  $('#token-title').textContent = t('tokenTitle');
  $('#token-help').textContent = message;
  $('#token-save').textContent = t('tokenSave');
  $('#token-input').value = '';
  dlg.hidden = false;
  $('#token-form').onsubmit = (e) => {
    e.preventDefault();
    setToken($('#token-input').value);
    location.reload();
  };
}

// ------------------------------------------------------------------------------------------------ tiles
function buildTiles() {
  const box = $('#tiles');
  box.replaceChildren();
  TILES.forEach(([kpi, w], i) => {
    const d = def(kpi);
    if (!d) return;
    const windowShown = windowFor(kpi, w);
    const tile = el('section', { class: 'tile', 'data-kpi': kpi, 'data-window': windowShown, 'data-index': i },
      el('div', { class: 'tile-head' },
        el('span', { class: 'tile-label', text: kpiName(d) }),
        el('span', { class: 'tile-window', text: windowName(windowShown) })),
      el('div', { class: 'tile-body' },
        el('span', { class: 'tile-cue', 'aria-hidden': 'true' }),
        el('span', { class: 'tile-value' })),
      el('div', { class: 'tile-sub' },
        el('span', { class: 'tile-status' }),
        el('span', { class: 'tile-fraction' })),
      el('div', { class: 'tile-threshold', text: thresholdText(d) }),
      el('div', { class: 'tile-spark' }),
      el('div', { class: 'tile-age' }));
    box.append(tile);
  });
}

function renderTiles() {
  for (const tile of document.querySelectorAll('#tiles .tile')) {
    const d = def(tile.dataset.kpi);
    const key = `${tile.dataset.kpi}/${unit.type}/${unit.code}/${tile.dataset.window}`;
    const v = values.get(key);
    const s = shownStatus(d, v);
    tile.dataset.scopeType = unit.type;
    tile.dataset.scopeId = unit.code;
    tile.dataset.status = s;
    tile.dataset.value = hasValue(v) ? String(v.value) : '';
    tile.dataset.seq = v && v.seq != null ? String(v.seq) : '';
    tile.dataset.asOf = v ? v.as_of : '';
    tile.className = 'tile status-' + STATUS[s].cls + (isStale(v) ? ' stale' : '');
    $('.tile-cue', tile).textContent = STATUS[s].icon;
    $('.tile-value', tile).textContent = formatValue(d, v && v.value);
    $('.tile-status', tile).textContent = statusLabel(s);
    $('.tile-fraction', tile).textContent = v && d.kind === 'ratio' && v.denominator != null && d.unit === 'ratio'
      ? `${formatInt(v.numerator)} / ${formatInt(v.denominator)}` : '';
  }
  renderAges();
}

/** Data age on tiles and panels, re-judged every second: a value turns stale without a new message. */
function renderAges() {
  for (const tile of document.querySelectorAll('#tiles .tile')) {
    const v = values.get(`${tile.dataset.kpi}/${unit.type}/${unit.code}/${tile.dataset.window}`);
    const age = $('.tile-age', tile);
    if (!v) {
      age.textContent = t('noData');
      continue;
    }
    const stale = isStale(v);
    tile.classList.toggle('stale', stale);
    tile.dataset.stale = String(stale);
    age.textContent = (stale ? '⚠ ' + t('stale') + ' · ' : '') + t('asOf') + ' ' + formatAsOf(v.as_of) + ' · '
      + t('updatedAgo', { age: formatAge(Date.now() - Date.parse(v.as_of)) });
  }
}

let sparkTimer = null;
function scheduleSparklines() {
  if (sparkTimer) return;
  sparkTimer = setTimeout(() => { sparkTimer = null; refreshSparklines(); }, 2000);
}
const sparkFetched = new Map(); // tile index -> last fetch time

/** Sparklines: the last 24 h of each tile's series (ending at its as_of, so replayed history works too). */
async function refreshSparklines(force) {
  for (const tile of document.querySelectorAll('#tiles .tile')) {
    const i = tile.dataset.index;
    const v = values.get(`${tile.dataset.kpi}/${unit.type}/${unit.code}/${tile.dataset.window}`);
    if (!v || !v.as_of) continue;
    const last = sparkFetched.get(i + '|' + unit.code) || 0;
    if (!force && Date.now() - last < 55000) continue;
    sparkFetched.set(i + '|' + unit.code, Date.now());
    // up to just after as_of: as_of may carry more precision than a JS Date (ms), and the last point is at as_of
    const to = Date.parse(v.as_of) + 1000;
    try {
      const h = await getJson(historyUrl(tile.dataset.kpi, unit, tile.dataset.window, to - 24 * 3600e3, to, '10m', 200));
      drawSpark(tile, h.points);
    } catch (e) {
      drawSpark(tile, []);
    }
  }
}

function historyUrl(kpi, u, w, from, to, step, maxPoints) {
  const q = new URLSearchParams({ scope_type: u.type, scope_id: u.code, window: w,
    from: new Date(from).toISOString(), to: new Date(to).toISOString(), max_points: String(maxPoints) });
  if (step) q.set('step', step);
  return `api/v1/kpis/${encodeURIComponent(kpi)}/history?${q}`;
}

function drawSpark(tile, points) {
  const box = $('.tile-spark', tile);
  let chart = sparkCharts.get(tile.dataset.index);
  if (!chart) {
    chart = chartOn(box);
    sparkCharts.set(tile.dataset.index, chart);
  }
  const data = points.map(p => [Date.parse(p.time), p.value]);
  chart.setOption({
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'time', show: false },
    yAxis: { type: 'value', show: false, scale: true },
    series: [{ type: 'line', data, showSymbol: false, connectNulls: false,
      lineStyle: { width: 2, color: '#9fc5ff' }, areaStyle: { color: 'rgba(159,197,255,0.15)' } }],
  }, true);
  box.dataset.points = String(points.length);
}

// ------------------------------------------------------------------------------------------------ map
const SEQ_COLORS = ['#dbe9f8', '#a9cbee', '#6fa6dc', '#3c7fc4', '#1d5a9c'];

function buildMap(geo) {
  echarts.registerMap('communes', geo);
  mapChart = chartOn($('#map'));
  mapChart.on('click', (p) => {
    if (!p.name) return;
    if (VIEW === 'leader') selectUnit({ type: 'commune', code: p.name });
    else location.href = '?' + new URLSearchParams({ ...Object.fromEntries(params), view: 'leader', unit: 'commune/' + p.name });
  });
}

/** The colour of each commune: its status for KPIs with thresholds, else a value scale (5 bins of the range). */
function mapColours() {
  const d = def(mapKpi);
  const out = new Map();
  const withValues = [];
  for (const c of communes) {
    const v = values.get(`${mapKpi}/commune/${c.code}/${mapWindow}`);
    out.set(c.code, { v, status: shownStatus(d, v) });
    if (hasValue(v)) withValues.push(Number(v.value));
  }
  const lo = Math.min(...withValues);
  const hi = Math.max(...withValues);
  for (const entry of out.values()) {
    if (entry.status === 'NONE') {
      const x = Number(entry.v.value);
      const bin = hi > lo ? Math.min(4, Math.floor((x - lo) / (hi - lo) * 5)) : 2;
      entry.color = SEQ_COLORS[bin];
      entry.bin = bin;
    } else {
      entry.color = STATUS[entry.status].color;
    }
  }
  return { out, lo, hi };
}

function renderMap() {
  const d = def(mapKpi);
  const { out, lo, hi } = mapColours();
  $('#map-title').textContent = t('mapTitle', { kpi: kpiName(d), window: windowName(mapWindow) });
  const data = communes.map(c => {
    const e = out.get(c.code);
    const decal = e.status === 'RED' ? { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: -Math.PI / 4, color: 'rgba(0,0,0,0.35)' }
      : e.status === 'GREY' ? { symbol: 'circle', symbolSize: 0.6, dashArrayX: [[6, 6]], dashArrayY: [6, 6], color: 'rgba(255,255,255,0.35)' }
        : null;
    // RED and no-data also differ by pattern (stripes, dots), not by colour alone
    const itemStyle = decal ? { areaColor: e.color, decal } : { areaColor: e.color };
    return { name: c.code, value: hasValue(e.v) ? Number(e.v.value) : null, status: e.status, itemStyle };
  });
  mapChart.setOption({
    animation: false,
    aria: { enabled: false },
    tooltip: { trigger: 'item', formatter: (p) => tooltip(p.name) },
    series: [{ type: 'map', map: 'communes', nameProperty: 'code', roam: false, selectedMode: false,
      layoutCenter: ['50%', '50%'], layoutSize: '98%',
      label: { show: false },
      itemStyle: { borderColor: '#0b1220', borderWidth: 0.8 },
      emphasis: { label: { show: false }, itemStyle: { borderColor: '#ffffff', borderWidth: 2 } },
      data }],
  });
  // legend: colour, shape and count per status (or the value bins)
  const legend = $('#map-legend');
  legend.replaceChildren(el('span', { class: 'legend-title', text: t('legend') + ':' }));
  const counts = {};
  for (const e of out.values()) counts[e.bin != null ? 'bin' + e.bin : e.status] = (counts[e.bin != null ? 'bin' + e.bin : e.status] || 0) + 1;
  if (d && d.thresholds) {
    for (const s of ['GREEN', 'YELLOW', 'RED', 'GREY']) {
      legend.append(el('span', { class: 'legend-item', 'data-status': s },
        el('span', { class: 'swatch status-' + STATUS[s].cls, text: STATUS[s].icon }),
        el('span', { text: `${statusLabel(s)} (${counts[s] || 0})` })));
    }
    legend.append(el('span', { class: 'legend-note', text: thresholdText(d) }));
  } else {
    for (let b = 0; b < 5; b++) {
      const from = lo + (hi - lo) * b / 5;
      const to = lo + (hi - lo) * (b + 1) / 5;
      if (!Number.isFinite(from)) break;
      legend.append(el('span', { class: 'legend-item', 'data-bin': b },
        el('span', { class: 'swatch', style: `background:${SEQ_COLORS[b]}` }),
        el('span', { text: `${formatValue(d, from)}–${formatValue(d, to)} (${counts['bin' + b] || 0})` })));
    }
    legend.append(el('span', { class: 'legend-item', 'data-status': 'GREY' },
      el('span', { class: 'swatch status-grey', text: STATUS.GREY.icon }),
      el('span', { text: `${statusLabel('GREY')} (${counts.GREY || 0})` })));
  }
  // the same data as a table, for screen readers and for checking what the map shows
  const body = $('#map-table tbody');
  body.replaceChildren(...communes.map(c => {
    const e = out.get(c.code);
    return el('tr', { 'data-code': c.code, 'data-status': e.status, 'data-color': e.color,
      'data-value': hasValue(e.v) ? String(e.v.value) : '', 'data-as-of': e.v ? e.v.as_of : '' },
    el('td', { text: unitName(c, c.code) }), el('td', { text: formatValue(d, e.v && e.v.value) }),
    el('td', { text: statusLabel(e.status) }), el('td', { text: e.v ? formatAsOf(e.v.as_of) : '' }));
  }));
  newestAsOf('#map-asof', [...out.values()].map(e => e.v));
}

function tooltip(code) {
  const d = def(mapKpi);
  const v = values.get(`${mapKpi}/commune/${code}/${mapWindow}`);
  const s = shownStatus(d, v);
  const name = unitName(units.get('commune/' + code), code);
  return `<b>${escapeHtml(name)}</b><br>${escapeHtml(kpiName(d))}: ${STATUS[s].icon} ${escapeHtml(formatValue(d, v && v.value))}`
    + (v ? `<br>${escapeHtml(t('asOf'))} ${escapeHtml(formatAsOf(v.as_of))}` : '');
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** "Data as of …" of a panel: the newest as_of among its values, or "no data". */
function newestAsOf(sel, list) {
  let newest = null;
  for (const v of list) if (v && v.as_of && (!newest || Date.parse(v.as_of) > Date.parse(newest))) newest = v.as_of;
  const box = $(sel);
  if (!box) return;
  box.dataset.asOf = newest || '';
  box.textContent = newest ? `${t('asOf')} ${formatAsOf(newest)}` : t('noData');
}

function rotate() {
  rotationIndex = (rotationIndex + 1) % rotation.length;
  setMapKpi(rotation[rotationIndex].kpi, rotation[rotationIndex].window);
}

function setMapKpi(kpi, w) {
  mapKpi = kpi;
  mapWindow = windowFor(kpi, w);
  live.subscribe('map', { kpi: [mapKpi], scope_type: ['commune'], window: [mapWindow] });
  if (RANKING_SCOPE === 'agency') live.subscribe('rank', { kpi: [mapKpi], scope_type: ['agency'], window: [mapWindow] });
  dirty.map = true;
  refreshRanking();
}

// ------------------------------------------------------------------------------------------------ ranking
let rankingSeq = 0;
async function refreshRanking() {
  const mine = ++rankingSeq;
  const kpi = mapKpi;
  const w = mapWindow;
  const d = def(kpi);
  if (!d || !d.scopes.includes(RANKING_SCOPE) || !d.windows.includes(w)) return;
  let r;
  try {
    r = await getJson(`api/v1/kpis/${encodeURIComponent(kpi)}/ranking?scope_type=${RANKING_SCOPE}&window=${encodeURIComponent(w)}`);
  } catch (e) {
    return; // keep the last ranking; the banner tells about the connection
  }
  if (mine !== rankingSeq) return;
  $('#ranking-title').textContent = t('rankingTitle', { scope: t(RANKING_SCOPE === 'agency' ? 'rankingAgency' : 'rankingCommune'),
    kpi: kpiName(d), window: windowName(w) });
  const list = $('#ranking-list');
  list.dataset.kpi = kpi;
  list.dataset.window = w;
  list.replaceChildren(...r.rows.map(row => {
    const s = row.value == null ? 'GREY' : (d.thresholds ? (STATUS[row.status] ? row.status : 'GREY') : 'NONE');
    return el('li', { class: 'rank-row status-' + STATUS[s].cls, 'data-scope-id': row.scope_id,
      'data-rank': row.rank == null ? '' : String(row.rank), 'data-value': row.value == null ? '' : String(row.value),
      'data-status': s, 'data-as-of': row.as_of || '', title: row.as_of ? `${t('asOf')} ${formatAsOf(row.as_of)}` : t('noData') },
    el('span', { class: 'rank-no', text: row.rank == null ? '–' : String(row.rank) }),
    el('span', { class: 'rank-cue', 'aria-hidden': 'true', text: STATUS[s].icon }),
    el('span', { class: 'rank-name', text: row.name ? unitName({ name: row.name }, row.scope_id) : row.scope_id }),
    el('span', { class: 'rank-value', text: formatValue(d, row.value) }));
  }));
  newestAsOf('#ranking-asof', r.rows);
  if (VIEW === 'leader') renderRankCard(r);
}

// ------------------------------------------------------------------------------------------------ agencies, components
function renderAgencies() {
  const codes = new Set(agencies.map(a => a.code));
  for (const v of values.values()) if (v.scope_type === 'agency' && v.window === 'live') codes.add(v.scope_id);
  const rows = [];
  const seen = [];
  for (const code of codes) {
    const o = values.get(`overdue_open/agency/${code}/live`);
    const s = values.get(`due_soon/agency/${code}/live`);
    if (o) seen.push(o);
    if (s) seen.push(s);
    const overdue = hasValue(o) ? Number(o.value) : 0;
    const soon = hasValue(s) ? Number(s.value) : 0;
    if (overdue > 0 || soon > 0) rows.push({ code, overdue, soon, o, s });
  }
  rows.sort((a, b) => b.overdue - a.overdue || b.soon - a.soon || unitLabel('agency', a.code).localeCompare(unitLabel('agency', b.code), 'vi'));
  $('#agencies-title').textContent = t('agenciesTitle');
  const head = $('#agencies thead');
  head.replaceChildren(el('tr', {}, el('th', { text: t('agency') }), el('th', { text: t('overdue') }), el('th', { text: t('dueSoon') })));
  const body = $('#agencies tbody');
  if (rows.length === 0) {
    body.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan: '3', text: seen.length ? '✔ ' + t('allOnTime') : t('noData') })));
  } else {
    body.replaceChildren(...rows.map(r => el('tr', { 'data-agency': r.code, 'data-overdue': String(r.overdue), 'data-due-soon': String(r.soon),
      class: r.overdue > 5 ? 'status-red' : r.overdue > 0 ? 'status-yellow' : '' },
    el('td', { text: unitLabel('agency', r.code) }),
    el('td', { class: 'num', text: (r.overdue > 0 ? '✖ ' : '') + formatInt(r.overdue) }),
    el('td', { class: 'num', text: formatInt(r.soon) }))));
  }
  newestAsOf('#agencies-asof', seen);
}

function renderComponents() {
  const d = def('availability_ratio');
  const ids = new Set(COMPONENTS);
  for (const v of values.values()) if (v.kpi === 'availability_ratio' && v.window === AVAILABILITY_WINDOW) ids.add(v.scope_id);
  const box = $('#components-list');
  box.replaceChildren(...[...ids].map(id => {
    const v = values.get(`availability_ratio/component/${id}/${AVAILABILITY_WINDOW}`);
    const s = shownStatus(d, v);
    const name = (COMPONENT_NAMES[LANG] || COMPONENT_NAMES.vi)[id] || id;
    return el('span', { class: 'component status-' + STATUS[s].cls + (isStale(v) ? ' stale' : ''), 'data-component': id,
      'data-status': s, 'data-value': hasValue(v) ? String(v.value) : '', 'data-as-of': v ? v.as_of : '',
      title: v ? `${t('asOf')} ${formatAsOf(v.as_of)}` : t('noData') },
    el('span', { class: 'cue', 'aria-hidden': 'true', text: STATUS[s].icon }),
    el('span', { class: 'name', text: name }),
    el('span', { class: 'value', text: formatValue(d, v && v.value) }));
  }));
  newestAsOf('#components-asof', [...ids].map(id => values.get(`availability_ratio/component/${id}/${AVAILABILITY_WINDOW}`)));
}

// ------------------------------------------------------------------------------------------------ leaders' view
function leaderKpi() {
  const k = params.get('history_kpi') || params.get('kpi') || 'on_time_ratio';
  return catalog.has(k) ? k : 'on_time_ratio';
}

let leader = { kpi: 'on_time_ratio', window: '30d', range: '24h', step: 'auto' };

function buildLeader() {
  leader = { kpi: leaderKpi(), window: null, range: params.get('range') || '24h', step: params.get('step') || 'auto' };
  leader.window = windowFor(leader.kpi, params.get('window'));
  const allowed = allowedScopes();
  const ok = (type, code) => !allowed || allowed.has(type + '/' + code);
  const unitSel = $('#unit-select');
  const province = [...units.values()].find(u => u.type === 'province');
  const groups = [[t('provinceGroup'), [province]], [t('agencyGroup'), agencies], [t('communeGroup'), communes]];
  unitSel.replaceChildren(...groups.map(([label, list]) => el('optgroup', { label },
    ...list.filter(u => ok(u.type, u.code)).map(u => el('option', { value: u.type + '/' + u.code, text: unitName(u, u.code) })))));
  unitSel.value = unit.type + '/' + unit.code;
  unitSel.onchange = () => { const [type, code] = unitSel.value.split('/'); selectUnit({ type, code }); };
  const kpiSel = $('#kpi-select');
  kpiSel.replaceChildren(...[...catalog.values()].filter(d => d.scopes.includes(unit.type) || d.scopes.includes('commune'))
    .map(d => el('option', { value: d.id, text: kpiName(d) })));
  kpiSel.value = leader.kpi;
  kpiSel.onchange = () => {
    leader.kpi = kpiSel.value;
    leader.window = windowFor(leader.kpi, leader.window);
    fillWindows();
    live.subscribe('tiles', { kpi: [...new Set(TILES.map(([k]) => k).concat([leader.kpi]))], scope_type: [unit.type], scope_id: [unit.code] });
    setMapKpi(leader.kpi, leader.window);
    renderLeader(true);
  };
  fillWindows();
  const rangeSel = $('#range-select');
  rangeSel.replaceChildren(...['6h', '24h', '7d', '30d', '90d'].map(r => el('option', { value: r, text: r })));
  rangeSel.value = leader.range;
  rangeSel.onchange = () => { leader.range = rangeSel.value; renderLeader(true); };
  const stepSel = $('#step-select');
  stepSel.replaceChildren(el('option', { value: 'auto', text: t('stepAuto') }),
    ...['1m', '5m', '15m', '1h', '6h', '1d'].map(s => el('option', { value: s, text: s })));
  stepSel.value = leader.step;
  stepSel.onchange = () => { leader.step = stepSel.value; renderLeader(true); };
  $('#unit-label').textContent = t('unit');
  $('#kpi-label').textContent = t('kpi');
  $('#window-label').textContent = t('window');
  $('#range-label').textContent = t('range');
  $('#step-label').textContent = t('step');
  historyChart = chartOn($('#history-chart'));
  mapKpi = leader.kpi;
  mapWindow = leader.window;
}

function fillWindows() {
  const sel = $('#window-select');
  sel.replaceChildren(...def(leader.kpi).windows.map(w => el('option', { value: w, text: windowName(w) })));
  sel.value = leader.window;
  sel.onchange = () => { leader.window = sel.value; setMapKpi(leader.kpi, leader.window); renderLeader(true); };
}

function selectUnit(u) {
  const allowed = allowedScopes();
  if (allowed && !allowed.has(u.type + '/' + u.code)) return;
  unit = u;
  if ($('#unit-select')) $('#unit-select').value = u.type + '/' + u.code;
  const p = new URLSearchParams(location.search);
  p.set('unit', u.type === 'province' ? 'province' : u.type + '/' + u.code);
  history.replaceState(null, '', '?' + p.toString());
  live.subscribe('tiles', { kpi: [...new Set(TILES.map(([k]) => k).concat(VIEW === 'leader' ? [leader.kpi] : []))],
    scope_type: [unit.type], scope_id: [unit.code] });
  dirty.tiles = true;
  $('#unit-name').textContent = unitLabel(unit.type, unit.code);
  refreshSparklines(true);
  renderLeader(true);
  refreshRanking();
}

let historyReq = 0;
async function renderLeader(refetch) {
  if (VIEW !== 'leader') return;
  const d = def(leader.kpi);
  const v = values.get(`${leader.kpi}/${unit.type}/${unit.code}/${leader.window}`);
  const s = shownStatus(d, v);
  const card = $('#leader-value');
  card.dataset.status = s;
  card.dataset.value = hasValue(v) ? String(v.value) : '';
  card.className = 'leader-value status-' + STATUS[s].cls + (isStale(v) ? ' stale' : '');
  card.replaceChildren(
    el('div', { class: 'label', text: `${kpiName(d)} — ${windowName(leader.window)}` }),
    el('div', { class: 'big' }, el('span', { class: 'cue', text: STATUS[s].icon + ' ' }), formatValue(d, v && v.value)),
    el('div', { class: 'sub', text: `${statusLabel(s)} · ${thresholdText(d)}` }),
    el('div', { class: 'sub', text: v ? `${t('asOf')} ${formatAsOf(v.as_of)}` : t('noData') }));
  if (!refetch) return;
  const mine = ++historyReq;
  const rangeMs = { '6h': 6, '24h': 24, '7d': 168, '30d': 720, '90d': 2160 }[leader.range] * 3600e3;
  const to = (v && v.as_of ? Date.parse(v.as_of) : Date.now()) + 1000;
  const step = leader.step === 'auto' ? autoStep(rangeMs) : leader.step;
  const status = $('#history-status');
  status.textContent = '';
  try {
    const h = await getJson(historyUrl(leader.kpi, unit, leader.window, to - rangeMs, to, step, 2000));
    if (mine !== historyReq) return;
    drawHistory(d, h.points);
  } catch (e) {
    if (mine !== historyReq) return;
    status.textContent = t('historyError', { detail: e.message });
    drawHistory(d, []);
  }
}

/** The shortest of the API's steps giving at most ~300 points over the range. */
function autoStep(rangeMs) {
  const steps = [['1m', 60e3], ['5m', 300e3], ['10m', 600e3], ['15m', 900e3], ['30m', 1800e3], ['1h', 3600e3],
    ['3h', 10800e3], ['6h', 21600e3], ['12h', 43200e3], ['1d', 86400e3]];
  for (const [s, ms] of steps) if (rangeMs / ms <= 300) return s;
  return '1d';
}

function drawHistory(d, points) {
  const th = d.thresholds;
  const marks = th ? [{ yAxis: th.green, lineStyle: { color: STATUS.GREEN.color } }, { yAxis: th.yellow, lineStyle: { color: STATUS.YELLOW.color } }] : [];
  historyChart.setOption({
    animation: false,
    textStyle: { color: '#cfd8e3' },
    grid: { left: 70, right: 30, top: 30, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: (x) => formatValue(d, x) },
    xAxis: { type: 'time', axisLabel: { color: '#cfd8e3' } },
    yAxis: { type: 'value', scale: true, axisLabel: { color: '#cfd8e3', formatter: (x) => formatValue(d, x) }, splitLine: { lineStyle: { color: '#243247' } } },
    series: [{ type: 'line', name: kpiName(d), data: points.map(p => [Date.parse(p.time), p.value]), showSymbol: points.length < 60,
      connectNulls: false, lineStyle: { width: 3, color: '#9fc5ff' }, markLine: { symbol: 'none', silent: true, data: marks } }],
  }, true);
  $('#history-chart').dataset.points = String(points.length);
}

function renderRankCard(r) {
  const card = $('#rank-card');
  if (unit.type !== 'agency' && unit.type !== 'commune') {
    card.textContent = t('rankProvince');
    card.dataset.rank = '';
    card.dataset.of = '';
    return;
  }
  const apply = (rows) => {
    const row = rows.find(x => x.scope_id === unit.code);
    const of = rows.filter(x => x.rank != null).length;
    card.dataset.rank = row && row.rank != null ? String(row.rank) : '';
    card.dataset.of = String(of);
    card.textContent = row && row.rank != null
      ? t('rankOf', { rank: row.rank, of, scope: t(unit.type === 'agency' ? 'rankingAgency' : 'rankingCommune') })
      : t('rankNone');
  };
  if (r && r.scope_type === unit.type && r.kpi === leader.kpi && r.window === leader.window) {
    apply(r.rows);
  } else {
    getJson(`api/v1/kpis/${encodeURIComponent(leader.kpi)}/ranking?scope_type=${unit.type}&window=${encodeURIComponent(leader.window)}`)
      .then(x => apply(x.rows)).catch(() => { card.textContent = t('rankNone'); });
  }
}

// ------------------------------------------------------------------------------------------------ render loop
function tick() {
  $('#clock').textContent = formatClock(Date.now());
  const fresh = $('#pipeline-age');
  const stale = pipelineStale();
  fresh.dataset.stale = String(stale);
  fresh.dataset.asOf = pipelineAsOf ? new Date(pipelineAsOf).toISOString() : '';
  fresh.textContent = pipelineAsOf ? (stale ? '⚠ ' : '') + t('newest', { time: formatAsOf(new Date(pipelineAsOf).toISOString()),
    age: formatAge(Date.now() - pipelineAsOf) }) : t('noData');
  const staleBanner = $('#stale-banner');
  staleBanner.hidden = !stale || connection.state !== 'live';
  if (stale) staleBanner.textContent = '⚠ ' + t('staleBanner', { age: formatAge(Date.now() - pipelineAsOf) });
  document.body.classList.toggle('pipeline-stale', stale);
  renderAges();
  if (VIEW === 'leader') renderLeader(false);
}

let lastMapRender = 0;
function render(now) {
  if (dirty.tiles) { dirty.tiles = false; renderTiles(); }
  if (dirty.map && now - lastMapRender > 500) { dirty.map = false; lastMapRender = now; renderMap(); }
  if (dirty.agencies) { dirty.agencies = false; renderAgencies(); }
  if (dirty.components) { dirty.components = false; renderComponents(); }
  if (dirty.alerts) { dirty.alerts = false; renderAlerts(); }
  if (dirty.leader && VIEW === 'leader') { dirty.leader = false; renderLeader(false); }
  requestAnimationFrame(render);
}

boot().then(() => {
  if (unit.code) $('#unit-name').textContent = unitLabel(unit.type, unit.code);
  if (VIEW === 'leader' && catalog.size) { renderLeader(true); refreshRanking(); }
  document.body.dataset.ready = 'true';
});
