// How numbers, times and statuses are shown. A value is never shown without its as_of; a ratio without data is
// "no data" (grey), never 0 (DOMAIN.md §3).
import { t, LOCALE } from './i18n.js';

const pct = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const int = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  timeZone: 'Asia/Ho_Chi_Minh' });
const dateTime = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
  second: '2-digit', hour12: false, timeZone: 'Asia/Ho_Chi_Minh' });

/** Status colours and their non-colour cue (shape), the same on tiles, map, ranking and legend. */
export const STATUS = {
  GREEN: { color: '#2e7d32', icon: '✔', cls: 'green' },
  YELLOW: { color: '#f9a825', icon: '▲', cls: 'yellow' },
  RED: { color: '#c62828', icon: '✖', cls: 'red' },
  GREY: { color: '#8a8f98', icon: '?', cls: 'grey' },
  NONE: { color: '#4f8fd6', icon: '●', cls: 'none' },
};

export function hasValue(v) {
  return v != null && v.value != null && Number.isFinite(Number(v.value));
}

/** Text of a KPI value: percent for ratios in [0,1] (except avg days), whole numbers for counts. */
export function formatValue(def, value) {
  if (value == null || !Number.isFinite(Number(value))) return t('noData');
  const x = Number(value);
  if (def && def.unit === 'ratio') return pct.format(x);
  if (def && def.unit === 'days') return dec.format(x);
  return int.format(x);
}

/** A threshold number in the KPI's unit (ratios as percent). */
export function formatThreshold(def, x) {
  if (def && def.unit === 'ratio') {
    return new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 }).format(x);
  }
  return int.format(x);
}

/** "Target ≥ 98 %, warning ≥ 95 %" or "No threshold". */
export function thresholdText(def) {
  const th = def && def.thresholds;
  if (!th) return t('noThreshold');
  const higher = th.direction ? th.direction === 'higher_is_better' : th.green >= th.yellow;
  const op = higher ? '≥' : '≤';
  return t('target', { op, v: formatThreshold(def, th.green) }) + ' · ' + t('warnAt', { op, v: formatThreshold(def, th.yellow) });
}

/** The status a value is shown with: the value's own status, GREY without data, NONE for KPIs without thresholds. */
export function shownStatus(def, v) {
  if (!v) return 'GREY';
  if (!hasValue(v) || v.status === 'GREY') return 'GREY';
  if (!def || !def.thresholds) return 'NONE';
  return STATUS[v.status] ? v.status : 'GREY';
}

export function statusLabel(s) {
  return t('status' + s);
}

/** "42 s", "5 min", "3 h", "2 d". */
export function formatAge(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return t('seconds', { n: s });
  const m = Math.round(s / 60);
  if (m < 90) return t('minutes', { n: m });
  const h = Math.round(m / 60);
  if (h < 36) return t('hours', { n: h });
  return t('days', { n: Math.round(h / 24) });
}

export function formatClock(ms) {
  return clock.format(new Date(ms));
}

/** "08/12 05:47:53" in Vietnam time, whatever the browser's time zone. */
export function formatAsOf(asOf) {
  if (!asOf) return '';
  const p = Object.fromEntries(dateTime.formatToParts(new Date(Date.parse(asOf))).map(x => [x.type, x.value]));
  return `${p.day}/${p.month} ${p.hour}:${p.minute}:${p.second}`;
}

export function formatInt(x) {
  return int.format(x);
}
