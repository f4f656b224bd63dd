// The WebSocket client of docs/websocket.md: subscriptions by id, the last seq held per key, reconnect with back-off
// and `resume` so a blip or an API restart costs no update and no page reload.
export function keyOf(v) {
  return `${v.kpi}/${v.scope_type}/${v.scope_id}/${v.window}`;
}

const PING_MS = 15000;      // {"type":"ping"} so a dead server is noticed (browsers hide ping frames)
const DEAD_AFTER_MS = 45000; // nothing received for this long: the server is gone, reconnect
const MAX_BACKOFF_MS = 10000;

export class Live {
  /**
   * @param url        function returning the ws:// URL (read at every connect: the token may change)
   * @param onValues   (values, subId, kind) for snapshot / update / resync
   * @param onState    ({state, attempt, since}) where state is connecting | live | reconnecting
   */
  constructor({ url, onValues, onState, onAlerts }) {
    this.url = url;
    this.onValues = onValues;
    this.onAlerts = onAlerts || (() => {});
    this.onState = onState;
    this.subs = new Map(); // id -> {select, held: Map(key -> seq)}
    this.ws = null;
    this.attempt = 0;
    this.lastRx = 0;
    this.everOpen = false;
    this.state = null;
    setInterval(() => this.heartbeat(), 5000);
  }

  start() {
    this.connect();
  }

  /** Adds or replaces a subscription; a replaced one starts from a fresh snapshot. */
  subscribe(id, select) {
    this.subs.set(id, { select, held: new Map() });
    this.send({ type: 'subscribe', id, select });
  }

  /** An alert subscription: `alerts` (all the token may read) on every (re)connect, then `alert` per change. */
  subscribeAlerts(id) {
    this.subs.set(id, { alerts: true, held: new Map() });
    this.send({ type: 'subscribe', id, alerts: true });
  }

  unsubscribe(id) {
    if (this.subs.delete(id)) this.send({ type: 'unsubscribe', id });
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  setState(state) {
    this.state = state;
    this.onState({ state, attempt: this.attempt });
  }

  connect() {
    this.setState(this.everOpen ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.everOpen = true;
      this.attempt = 0;
      this.lastRx = Date.now();
      // every subscription again: with the seqs held, the server replays exactly what was missed (or resyncs)
      for (const [id, sub] of this.subs) {
        if (sub.alerts) {
          ws.send(JSON.stringify({ type: 'subscribe', id, alerts: true })); // a fresh list: alerts are few
          continue;
        }
        const msg = { type: 'subscribe', id, select: sub.select };
        if (sub.held.size > 0) msg.resume = Object.fromEntries(sub.held);
        ws.send(JSON.stringify(msg));
      }
      this.setState('live');
    };
    ws.onmessage = (e) => {
      this.lastRx = Date.now();
      let m;
      try {
        m = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      const sub = this.subs.get(m.id);
      if (m.type === 'snapshot' || m.type === 'resync') {
        if (!sub) return;
        if (m.type === 'snapshot') sub.held.clear();
        for (const v of m.values) sub.held.set(keyOf(v), v.seq);
        this.onValues(m.values, m.id, m.type);
      } else if (m.type === 'update') {
        if (!sub) return;
        const k = keyOf(m.value);
        const seq = m.seq ?? m.value.seq;
        const had = sub.held.get(k);
        if (had != null && seq != null && seq <= had) return; // already held: never go back
        sub.held.set(k, seq);
        this.onValues([m.value], m.id, 'update');
      } else if (m.type === 'alerts') {
        if (sub) this.onAlerts(m.alerts, 'snapshot');
      } else if (m.type === 'alert') {
        if (sub) this.onAlerts([m.alert], 'update');
      } else if (m.type === 'error') {
        console.warn('dashboard API:', m.detail, m.id || '');
      }
    };
    ws.onclose = () => {
      if (this.ws === ws) {
        this.ws = null;
        this.retry();
      }
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  retry() {
    this.attempt++;
    this.setState(this.everOpen ? 'reconnecting' : 'connecting');
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt, 5));
    setTimeout(() => this.connect(), base / 2 + Math.random() * base / 2);
  }

  heartbeat() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastRx > DEAD_AFTER_MS) {
      // a dead peer may never finish the close handshake: drop the socket and reconnect at once
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.close();
      this.retry();
      return;
    }
    if (Date.now() - this.lastRx > PING_MS) this.send({ type: 'ping' });
  }
}
