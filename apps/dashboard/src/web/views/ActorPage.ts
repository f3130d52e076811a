import type { SymbolQueryReply } from '@ballast/runtime';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { MachineName } from '../../gateway/gatewayMessages.js';
import { formatTime } from '../format.js';
import { useDashboard } from '../state/dashboardContext.js';
import { CandleChart, type ChartCandle } from './CandleChart.js';
import { InspectPanel } from './InspectPanel.js';
import { Statechart } from './Statechart.js';

const timeframes = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
/** Candles kept on the chart: the query's limit, and the bound for live ones after it. */
const maxCandles = 300;
/** The actor's state is asked again this often (lifecycle and quote change). */
const refreshMs = 5_000;

/** Which statechart states a query's `lifecycle` means (the state and its ancestors). */
const lifecycleStates: Readonly<Record<string, readonly string[]>> = {
  hydrating: ['hydrating'],
  live: ['active', 'active.live'],
  idle: ['active', 'active.idle'],
  passivated: ['passivated'],
  expired: ['expired'],
};

const kindMachines: Readonly<Record<string, MachineName>> = {
  symbol: 'symbolCache',
  breaker: 'circuitBreaker',
  reloader: 'reloader',
  supervisor: 'supervisor',
};

/**
 * One actor's page (`#/actor/symbol/AAPL`): its statechart with the current state
 * highlighted, its candles (query reply, then live `md.candle` updates), the last quote, and
 * the button that switches Stately inspection on for it.
 *
 * @example
 * html`<${ActorPage} kind="symbol" id="AAPL" />`
 */
export function ActorPage({ kind, id }: { readonly kind: string; readonly id: string }) {
  const machine = kindMachines[kind];
  if (machine === undefined) {
    return html`<p class="error">Unknown actor kind "${kind}": symbol, breaker, reloader or supervisor.</p>`;
  }
  if (kind !== 'symbol') {
    return html`
      <div class="page" data-page="actor">
        <h2>${kind} <code>${id}</code></h2>
        <section class="panel"><h3>statechart: ${machine}</h3><${Statechart} machine=${machine} active=${[]} /></section>
        <${InspectPanel} kind=${kind} id=${id} />
      </div>
    `;
  }
  return html`<${SymbolActor} symbol=${id} />`;
}

function SymbolActor({ symbol }: { readonly symbol: string }) {
  const { socket } = useDashboard();
  const [tf, setTf] = useState<(typeof timeframes)[number]>('1m');
  const [reply, setReply] = useState<SymbolQueryReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [candles, setCandles] = useState<readonly ChartCandle[]>([]);

  useEffect(() => {
    let stopped = false;
    setReply(null);
    setCandles([]);
    const ask = () =>
      socket
        .request<SymbolQueryReply>({ type: 'query', symbol, tf, limit: maxCandles })
        .then((r) => {
          if (stopped) return;
          setError(null);
          setReply(r);
          setCandles((current) => merge(current, r.candles));
        })
        .catch((e: Error) => !stopped && setError(e.message));
    const follow = () => {
      socket
        .request({ type: 'watch', symbol, tf })
        .catch((e: Error) => !stopped && setError(e.message));
      void ask();
    };
    const offMessage = socket.onMessage((m) => {
      if (m.type === 'candle' && m.candle.symbol === symbol && m.candle.tf === tf) {
        setCandles((current) => merge(current, [m.candle]));
      }
    });
    // After a reconnect the gateway has forgotten what this page followed.
    const offState = socket.onState((state) => state === 'open' && follow());
    if (socket.state === 'open') follow();
    const timer = setInterval(() => socket.state === 'open' && void ask(), refreshMs);
    return () => {
      stopped = true;
      offMessage();
      offState();
      clearInterval(timer);
      socket.request({ type: 'watch', symbol: null }).catch(() => {});
    };
  }, [socket, symbol, tf]);

  const active = reply === null ? [] : (lifecycleStates[reply.lifecycle] ?? []);
  return html`
    <div class="page" data-page="symbol">
      <h2>symbol <code>${symbol}</code></h2>
      ${error !== null && html`<p class="error" data-testid="actor-error">${error}</p>`}
      <div class="actor-summary" data-testid="actor-summary" data-lifecycle=${reply?.lifecycle ?? ''}>
        <div class="tile stat"><div class="tile-title">state</div><div class="tile-value" data-testid="lifecycle">${reply?.lifecycle ?? '…'}</div></div>
        <div class="tile stat"><div class="tile-title">last quote</div><div class="tile-value" data-testid="quote">${reply?.quote ? reply.quote.price : '–'}</div>
          <div class="muted">${reply?.quote ? `size ${reply.quote.size} at ${formatTime(reply.quote.ts)}` : ''}</div></div>
        <div class="tile stat"><div class="tile-title">worker</div><div class="tile-value">${reply?.worker ?? '–'}</div><div class="muted">partition ${reply?.partition ?? '–'}</div></div>
        <div class="tile stat"><div class="tile-title">last applied seq</div><div class="tile-value">${reply?.lastAppliedSeq ?? '–'}</div></div>
        <div class="tile stat"><div class="tile-title">open interest</div><div class="tile-value">${reply?.openInterest ?? '–'}</div></div>
      </div>
      <section class="panel">
        <h3>candles
          <span class="tf-picker">
            ${timeframes.map(
              (t) =>
                html`<button class=${t === tf ? 'on' : ''} data-testid=${`tf-${t}`} onClick=${() => setTf(t)}>${t}</button>`,
            )}
          </span>
        </h3>
        <${CandleChart} candles=${candles} reset=${`${symbol}/${tf}`} />
      </section>
      <section class="panel">
        <h3>statechart: symbolCache ${reply && html`<span class="muted">— now <b>${reply.lifecycle}</b></span>`}</h3>
        <${Statechart} machine="symbolCache" active=${active} />
      </section>
      <${InspectPanel} kind="symbol" id=${symbol} />
    </div>
  `;
}

/** Merges candles by start time, newest last, keeping the last {@link maxCandles}. */
function merge(current: readonly ChartCandle[], incoming: readonly ChartCandle[]) {
  const byStart = new Map(current.map((c) => [c.start, c]));
  for (const c of incoming) {
    byStart.set(c.start, {
      start: c.start,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
    });
  }
  const sorted = [...byStart.values()].sort((a, b) => a.start - b.start);
  return sorted.length > maxCandles ? sorted.slice(sorted.length - maxCandles) : sorted;
}
