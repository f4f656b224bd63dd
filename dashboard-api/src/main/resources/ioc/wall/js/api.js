// REST calls with the page's token. With auth on, a kiosk passes ?access_token=… once: it is kept in this tab's
// sessionStorage and taken out of the address bar (it would show in screenshots and browser history).
const TOKEN_KEY = 'ioc.access_token';

(function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get('access_token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete('access_token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
})();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The token's claims (not verified here — the server verifies; the page only uses them to offer what it may read). */
export function claims() {
  const tok = token();
  if (!tok) return null;
  try {
    const part = tok.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(atob(part).split('').map(c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch (e) {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || ('HTTP ' + status));
    this.status = status;
  }
}

/** GET a JSON resource relative to the page; throws ApiError with the problem's detail. */
export async function getJson(path) {
  const headers = { Accept: 'application/json' };
  const tok = token();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  const r = await fetch(path, { headers, cache: 'no-store' });
  if (!r.ok) {
    let detail = '';
    try {
      detail = (await r.json()).detail;
    } catch (e) { /* not a problem document */ }
    throw new ApiError(r.status, detail);
  }
  return r.json();
}

/** The WebSocket URL of this API, with the token as ?access_token= (browsers cannot set headers on a WebSocket). */
export function wsUrl() {
  const u = new URL('ws/v1', location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const tok = token();
  if (tok) u.searchParams.set('access_token', tok);
  return u.toString();
}
