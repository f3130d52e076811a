import { actorQuerySubject } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  decodeQuery,
  encodeQuery,
  type SymbolQueryReply,
} from '../../src/queries/queryMessages.js';

/** Asks the owning worker for a symbol's state; `undefined` when nobody answered in time. */
export async function querySymbol(
  nc: NatsConnection,
  symbol: string,
  timeoutMs = 2_000,
): Promise<SymbolQueryReply | undefined> {
  try {
    const msg = await nc.request(actorQuerySubject('symbol', symbol), encodeQuery({}), {
      timeout: timeoutMs,
    });
    return decodeQuery(msg.data) as SymbolQueryReply;
  } catch {
    return undefined;
  }
}

/**
 * Compares every symbol's live digest with the reference fold; returns the differences
 * (empty when equal). Unanswered queries count as differences.
 */
export async function digestMismatches(
  nc: NatsConnection,
  reference: ReadonlyMap<string, { digest: string; lastSeq: number }>,
): Promise<string[]> {
  const problems: string[] = [];
  const symbols = [...reference.keys()];
  for (let i = 0; i < symbols.length; i += 50) {
    const batch = symbols.slice(i, i + 50);
    const replies = await Promise.all(batch.map((s) => querySymbol(nc, s)));
    batch.forEach((symbol, j) => {
      const reply = replies[j];
      const want = reference.get(symbol);
      if (reply === undefined) problems.push(`${symbol}: no reply`);
      else if (!reply.found) problems.push(`${symbol}: not found`);
      else if (reply.digest !== want?.digest) {
        problems.push(
          `${symbol}: digest ${reply.digest} seq ${reply.lastAppliedSeq}, clean fold ${want?.digest} seq ${want?.lastSeq}`,
        );
      }
    });
  }
  return problems;
}

/**
 * Waits until every symbol answers with the clean fold's digest (a worker may still be
 * catching up, or re-claiming partitions after a fault), then returns the last differences:
 * empty when they all matched within `timeoutMs`.
 */
export async function digestMismatchesEventually(
  nc: NatsConnection,
  reference: ReadonlyMap<string, { digest: string; lastSeq: number }>,
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems = await digestMismatches(nc, reference);
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
