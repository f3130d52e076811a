import { actorQuerySubject, type Timeframe } from '@ballast/protocol';
import {
  decodeQuery,
  encodeQuery,
  type QueryErrorReply,
  type SymbolQueryReply,
} from '@ballast/runtime';
import { errors, type NatsConnection } from '@nats-io/nats-core';
import { CliError } from '../../cli/CliError.js';
import { deniedBy, isNoResponders } from './natsFailure.js';

/** Options of {@link querySymbol}. */
export interface QuerySymbolOptions {
  /** Candle timeframe; the worker's default is `1m`. */
  readonly tf?: Timeframe;
  /** Candles to return (newest last); the worker's default is 100. */
  readonly limit?: number;
  /** How long to wait for the owner's reply. A cold symbol is hydrated first. Default 5,000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Asks the worker that owns `symbol`'s partition for its actor's state
 * (`actor.symbol.<SYMBOL>.query`). Exactly one worker answers: the others stay silent.
 *
 * @returns the reply; `found: false` when the symbol has never had a tick (the caller decides)
 * @throws {CliError} no worker owns the symbol, no reply in time, an error reply, or a denied publish
 * @example
 * const reply = await querySymbol(nc, 'AAPL', { tf: '5m', limit: 10 });
 * reply.candles.at(-1)?.close;
 */
export async function querySymbol(
  nc: NatsConnection,
  symbol: string,
  options: QuerySymbolOptions = {},
): Promise<SymbolQueryReply> {
  let subject: string;
  try {
    subject = actorQuerySubject('symbol', symbol);
  } catch (error) {
    throw new CliError(`invalid symbol ${JSON.stringify(symbol)}: ${(error as Error).message}`, 2, {
      cause: error,
    });
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  const request = {
    ...(options.tf !== undefined && { tf: options.tf }),
    ...(options.limit !== undefined && { limit: options.limit }),
  };
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, encodeQuery(request), { timeout: timeoutMs })).data;
  } catch (error) {
    throw requestFailure(error, subject, symbol, timeoutMs);
  }
  let reply: unknown;
  try {
    reply = decodeQuery(data);
  } catch (error) {
    throw new CliError(
      `the reply on ${subject} is not MessagePack: ${(error as Error).message}`,
      1,
      {
        cause: error,
      },
    );
  }
  if (isErrorReply(reply)) {
    throw new CliError(`the worker refused the query of ${symbol}: ${reply.error}`);
  }
  if (!isSymbolReply(reply)) {
    throw new CliError(`the reply on ${subject} is not a symbol query reply (a newer worker?)`);
  }
  return reply;
}

/**
 * The one-line error for a failed request: nobody listening is the common case (no cluster,
 * or the partition between owners), so it gets its own message.
 *
 * @example
 * throw requestFailure(error, 'sys.workers', 'the workers', 300);
 */
export function requestFailure(
  error: unknown,
  subject: string,
  what: string,
  timeoutMs: number,
): CliError {
  if (isNoResponders(error)) {
    return new CliError(
      `no worker owns ${what} (no responder on ${subject}; is the cluster running?)`,
      1,
      { cause: error },
    );
  }
  if (error instanceof errors.TimeoutError) {
    return new CliError(
      `no reply on ${subject} within ${timeoutMs} ms (the owning worker may be busy or restarting; retry)`,
      1,
      { cause: error },
    );
  }
  const denied = deniedBy(error);
  if (denied !== null) return denied;
  return new CliError(`request on ${subject} failed: ${(error as Error).message}`, 1, {
    cause: error,
  });
}

function isErrorReply(value: unknown): value is QueryErrorReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'string'
  );
}

function isSymbolReply(value: unknown): value is SymbolQueryReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Partial<SymbolQueryReply>;
  return (
    reply.kind === 'symbol' &&
    typeof reply.found === 'boolean' &&
    typeof reply.symbol === 'string' &&
    typeof reply.lastAppliedSeq === 'number' &&
    typeof reply.digest === 'string' &&
    Array.isArray(reply.candles)
  );
}
