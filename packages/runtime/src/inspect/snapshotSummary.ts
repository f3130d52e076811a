import { SymbolBook, type SymbolCacheContext } from '@ballast/machines';
import { timeframes } from '@ballast/protocol';
import type { InspectKind } from './inspectKinds.js';
import { type JsonSafeLimits, jsonSafe } from './jsonSafe.js';

/** Bounds of events' payloads (a tick is small; an init event's input may hold a snapshot). */
export const eventLimits: JsonSafeLimits = { depth: 5, keys: 32, items: 16, chars: 512 };
/** Bounds of contexts other than a symbol's (breaker, reloader, supervisor: small records). */
const contextLimits: JsonSafeLimits = { depth: 6, keys: 64, items: 32, chars: 1_024 };
const maxChildren = 32;

/**
 * A compact, JSON-safe copy of an actor snapshot for the Stately inspector: status, state
 * value, a context summary, the children's ids, tags, output and error. A symbol actor's
 * context is summarized ({@link symbolContextSummary}) — its book holds typed-array candle
 * windows that must not travel per event.
 *
 * @param kind - the root actor's kind for a root snapshot; `null` for children (timers)
 * @example
 * summarizeSnapshot('symbol', actor.getSnapshot()).value; // { active: 'live' }
 */
export function summarizeSnapshot(
  kind: InspectKind | null,
  snapshot: unknown,
): Record<string, unknown> {
  if (typeof snapshot !== 'object' || snapshot === null) return { status: 'active' };
  const s = snapshot as {
    status?: unknown;
    value?: unknown;
    context?: unknown;
    children?: unknown;
    tags?: unknown;
    output?: unknown;
    error?: unknown;
    input?: unknown;
  };
  const out: Record<string, unknown> = {
    status: typeof s.status === 'string' ? s.status : 'active',
  };
  if (s.value !== undefined) out.value = jsonSafe(s.value, contextLimits);
  if (s.context !== undefined) {
    out.context =
      kind === 'symbol' ? symbolContextSummary(s.context) : jsonSafe(s.context, contextLimits);
  }
  if (typeof s.children === 'object' && s.children !== null) {
    const children: Record<string, unknown> = {};
    let n = 0;
    for (const [key, ref] of Object.entries(s.children)) {
      if (n++ >= maxChildren) break;
      const id = (ref as { id?: unknown } | undefined)?.id;
      // The shape XState's actor refs serialize to.
      children[key] = { xstate$$type: 1, id: typeof id === 'string' ? id : key };
    }
    out.children = children;
  }
  if (s.tags instanceof Set || Array.isArray(s.tags)) out.tags = jsonSafe(s.tags, contextLimits);
  if (s.output !== undefined) out.output = jsonSafe(s.output, eventLimits);
  if (s.error !== undefined) out.error = jsonSafe(s.error, eventLimits);
  if (s.input !== undefined) out.input = jsonSafe(s.input, eventLimits);
  return out;
}

/**
 * The summary of a symbolCache context: the book's symbol, last applied sequence, last quote,
 * counters and window fill, and the machine's scalar fields — a few hundred bytes instead of
 * the candle windows.
 */
function symbolContextSummary(context: unknown): Record<string, unknown> {
  const c = context as Partial<SymbolCacheContext> | null;
  const book = c?.book;
  if (!(book instanceof SymbolBook))
    return jsonSafe(context, contextLimits) as Record<string, unknown>;
  const candles: Record<string, number> = {};
  for (const tf of timeframes) candles[tf] = book.windows[tf].length;
  const { book: _book, ...scalars } = c as SymbolCacheContext;
  return {
    symbol: book.symbol,
    lastAppliedSeq: book.lastAppliedSeq,
    lastQuote: book.quote,
    counters: { ...book.counters },
    candles,
    openInterest: book.openInterestLength,
    ...(jsonSafe(scalars, contextLimits) as Record<string, unknown>),
  };
}
