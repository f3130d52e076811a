import { setTimeout as sleep } from 'node:timers/promises';
import { actorQuerySubject, type DeadLetterReason } from '@ballast/protocol';
import {
  decodeQuery,
  encodeQuery,
  type FoldedSymbol,
  referenceFold,
  type SymbolQueryReply,
} from '@ballast/runtime';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

/** The clean fold of the whole tick log, and what it skipped. */
export interface CleanFold {
  readonly symbols: ReadonlyMap<string, FoldedSymbol>;
  /** Ticks applied over all symbols: each admitted log message once (a resend stored twice folds twice, as in a worker). */
  readonly applied: number;
  /** Messages not folded, by dead-letter reason. */
  readonly skipped: Readonly<Partial<Record<DeadLetterReason, number>>>;
}

/**
 * Folds the tick log from its first message by the workers' rules (`referenceFold`).
 *
 * @example
 * const clean = await cleanFold(jetstream(nc), 8);
 */
export async function cleanFold(
  js: Pick<JetStreamClient, 'consumers' | 'streams'>,
  partitions: number,
): Promise<CleanFold> {
  const skipped: Partial<Record<DeadLetterReason, number>> = {};
  const symbols = await referenceFold({
    js,
    partitions,
    timeoutMs: 300_000,
    onSkip: (_seq, reason) => {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    },
  });
  let applied = 0;
  for (const s of symbols.values()) applied += s.applied;
  return { symbols, applied, skipped };
}

/** How the workers' state compares with the clean fold. */
export interface AuditResult {
  readonly symbols: number;
  /** One line per symbol whose digest differs (or that did not answer), at most 20 kept. */
  readonly mismatches: readonly string[];
  readonly mismatchCount: number;
  /** Ticks the clean fold applied that the workers' books do not hold. */
  readonly lost: number;
  /** Ticks the workers' books hold beyond the clean fold's (applied more than once). */
  readonly appliedTwice: number;
  /** Symbols without an answer (no owner, busy, timeout). */
  readonly unanswered: number;
}

/**
 * Asks every symbol's owner for its state and compares it with the clean fold: the digest
 * (candles, quote, last applied sequence), and the number of ticks its book holds, read as the
 * `trades` of its 1d candles — the widest window, which no test fills, so it holds every
 * applied tick once. A book holding fewer ticks lost some; more, applied some twice.
 *
 * @example
 * const audit = await auditSymbols(nc, clean);
 * audit.lost; // 0
 */
export async function auditSymbols(nc: NatsConnection, clean: CleanFold): Promise<AuditResult> {
  const names = [...clean.symbols.keys()];
  const mismatches: string[] = [];
  let mismatchCount = 0;
  let lost = 0;
  let appliedTwice = 0;
  let unanswered = 0;
  const batch = 32;
  for (let i = 0; i < names.length; i += batch) {
    const slice = names.slice(i, i + batch);
    const replies = await Promise.all(slice.map((s) => queryDaily(nc, s)));
    slice.forEach((symbol, j) => {
      const want = clean.symbols.get(symbol) as FoldedSymbol;
      const reply = replies[j] ?? 'no answer';
      const problem = (text: string) => {
        mismatchCount++;
        if (mismatches.length < 20) mismatches.push(`${symbol}: ${text}`);
      };
      if (typeof reply === 'string') {
        unanswered++;
        problem(reply);
        return;
      }
      const held = reply.found ? reply.candles.reduce((n, c) => n + c.trades, 0) : 0;
      if (held < want.applied) lost += want.applied - held;
      if (held > want.applied) appliedTwice += held - want.applied;
      if (!reply.found || reply.digest !== want.digest) {
        problem(
          `digest ${reply.digest || '-'} seq ${reply.lastAppliedSeq} ticks ${held}; clean fold ${want.digest} seq ${want.lastSeq} ticks ${want.applied}`,
        );
      }
    });
  }
  return { symbols: names.length, mismatches, mismatchCount, lost, appliedTwice, unanswered };
}

/**
 * The row's "lost" and "applied twice" from an audit: unknown (`null`) when some symbol did not
 * answer, since its book could not be counted.
 *
 * @example
 * const { lost, appliedTwice } = auditFigures(audit);
 */
export function auditFigures(audit: AuditResult): {
  lost: number | null;
  appliedTwice: number | null;
  silentSymbols: number;
} {
  return audit.unanswered > 0
    ? { lost: null, appliedTwice: null, silentSymbols: audit.unanswered }
    : { lost: audit.lost, appliedTwice: audit.appliedTwice, silentSymbols: 0 };
}

/**
 * {@link auditSymbols} until every symbol matches or `timeoutMs` passes (workers may still be
 * catching up or re-claiming partitions); returns the last audit.
 *
 * @example
 * const audit = await auditEventually(nc, clean, 60_000);
 */
export async function auditEventually(
  nc: NatsConnection,
  clean: CleanFold,
  timeoutMs: number,
): Promise<AuditResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const audit = await auditSymbols(nc, clean);
    if (audit.mismatchCount === 0 || Date.now() > deadline) return audit;
    await sleep(500);
  }
}

/** The owner's reply, or why there is none. */
async function queryDaily(nc: NatsConnection, symbol: string): Promise<SymbolQueryReply | string> {
  try {
    const msg = await nc.request(
      actorQuerySubject('symbol', symbol),
      encodeQuery({ tf: '1d', limit: 365 }),
      { timeout: 3_000 },
    );
    const reply = decodeQuery(msg.data) as SymbolQueryReply | { error: string };
    return 'error' in reply ? `error reply: ${reply.error}` : reply;
  } catch (error) {
    return `no answer (${(error as Error).message})`;
  }
}
