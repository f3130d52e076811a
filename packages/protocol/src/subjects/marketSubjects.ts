import { describeValue } from '../describeValue.js';
import { ProtocolError } from '../errors.js';
import { maxPartitions, partition } from '../partition.js';
import { assertToken } from '../subjectToken.js';
import { isTimeframe, type Timeframe, timeframes } from '../timeframes.js';
import { splitSubject } from './badSubject.js';

/** A parsed `md.tick.<partition>.<SYMBOL>` subject. */
export interface TickSubject {
  readonly kind: 'md.tick';
  readonly partition: number;
  readonly symbol: string;
}

/** A parsed `md.candle.<tf>.<SYMBOL>` subject. */
export interface CandleSubject {
  readonly kind: 'md.candle';
  readonly tf: Timeframe;
  readonly symbol: string;
}

const tickShape = 'md.tick.<partition>.<SYMBOL>';
const candleShape = 'md.candle.<tf>.<SYMBOL>';
// Canonical decimal only ("7", never "07" or "+7"), so one partition has one subject.
const partitionToken = /^(?:0|[1-9][0-9]{0,3})$/;

/**
 * The subject a tick for `symbol` is published on: `md.tick.<partition>.<SYMBOL>`, with
 * the partition computed by {@link partition}.
 *
 * @param partitions - the tick stream's partition count `P`
 * @throws {ProtocolError} `bad_subject` for an invalid symbol or partition count
 * @example
 * tickSubject('AAPL', 16); // 'md.tick.11.AAPL'
 */
export function tickSubject(symbol: string, partitions: number): string {
  return `md.tick.${partition(symbol, partitions)}.${symbol}`;
}

/**
 * Parses a tick subject. With `partitions`, also checks that the partition token is the
 * one {@link partition} computes for the symbol, which catches a publisher that hashes
 * differently.
 *
 * @throws {ProtocolError} `bad_subject`, naming the subject and what is wrong with it
 * @example
 * parseTickSubject('md.tick.11.AAPL', { partitions: 16 }); // { kind: 'md.tick', partition: 11, symbol: 'AAPL' }
 */
export function parseTickSubject(
  subject: string,
  options?: { readonly partitions?: number | undefined },
): TickSubject {
  const [, , token, symbol] = splitSubject(subject, 4, ['md', 'tick'], tickShape);
  assertToken(symbol, 'symbol', subject);
  const p = Number(token);
  if (!partitionToken.test(token ?? '') || p >= maxPartitions) {
    throw new ProtocolError(
      'bad_subject',
      `partition token ${describeValue(token)} in subject ${describeValue(subject)} must be a decimal integer from 0 to ${maxPartitions - 1} without leading zeros`,
      { subject, field: 'partition' },
    );
  }
  const partitions = options?.partitions;
  if (partitions !== undefined) {
    const expected = partition(symbol, partitions);
    if (p !== expected) {
      throw new ProtocolError(
        'bad_subject',
        `subject ${describeValue(subject)} puts ${symbol} in partition ${p}, but with ${partitions} partitions it belongs in ${expected}; the publisher must use FNV-1a 32 of the UTF-8 symbol mod P`,
        { subject, field: 'partition' },
      );
    }
  }
  return { kind: 'md.tick', partition: p, symbol };
}

/**
 * The filter a consumer of one partition uses (`md.tick.<p>.>`), or, without a partition,
 * the tick stream's whole subject space (`md.tick.>`). One filter per consumer works on
 * nats-server 2.9.
 *
 * @throws {ProtocolError} `bad_subject` for a partition outside `0..maxPartitions - 1`
 * @example
 * tickFilter(3); // 'md.tick.3.>'
 * tickFilter(); // 'md.tick.>'
 */
export function tickFilter(partitionIndex?: number): string {
  if (partitionIndex === undefined) return 'md.tick.>';
  if (!Number.isInteger(partitionIndex) || partitionIndex < 0 || partitionIndex >= maxPartitions) {
    throw new ProtocolError(
      'bad_subject',
      `partition ${String(partitionIndex)} is invalid: it must be an integer from 0 to ${maxPartitions - 1}`,
      { field: 'partition' },
    );
  }
  return `md.tick.${partitionIndex}.>`;
}

/**
 * The subject candle updates for `symbol` and `tf` are published on.
 *
 * @throws {ProtocolError} `bad_subject` for an invalid symbol or timeframe
 * @example
 * candleSubject('5m', 'AAPL'); // 'md.candle.5m.AAPL'
 */
export function candleSubject(tf: Timeframe, symbol: string): string {
  assertTimeframe(tf, undefined);
  assertToken(symbol, 'symbol');
  return `md.candle.${tf}.${symbol}`;
}

/**
 * Parses a candle subject.
 *
 * @throws {ProtocolError} `bad_subject`, naming the subject and what is wrong with it
 * @example
 * parseCandleSubject('md.candle.1h.AAPL'); // { kind: 'md.candle', tf: '1h', symbol: 'AAPL' }
 */
export function parseCandleSubject(subject: string): CandleSubject {
  const [, , tf, symbol] = splitSubject(subject, 4, ['md', 'candle'], candleShape);
  assertTimeframe(tf, subject);
  assertToken(symbol, 'symbol', subject);
  return { kind: 'md.candle', tf, symbol };
}

/**
 * A candle subscription filter: one timeframe, one symbol, both, or all candles.
 *
 * @example
 * candleFilter({ tf: '1m' }); // 'md.candle.1m.>'
 * candleFilter({ symbol: 'AAPL' }); // 'md.candle.*.AAPL'
 * candleFilter(); // 'md.candle.>'
 */
export function candleFilter(
  options: { readonly tf?: Timeframe | undefined; readonly symbol?: string | undefined } = {},
): string {
  const { tf, symbol } = options;
  if (tf !== undefined) assertTimeframe(tf, undefined);
  if (symbol !== undefined) assertToken(symbol, 'symbol');
  if (symbol === undefined) return tf === undefined ? 'md.candle.>' : `md.candle.${tf}.>`;
  return `md.candle.${tf ?? '*'}.${symbol}`;
}

function assertTimeframe(tf: unknown, subject: string | undefined): asserts tf is Timeframe {
  if (isTimeframe(tf)) return;
  const where = subject === undefined ? '' : ` in subject ${describeValue(subject)}`;
  throw new ProtocolError(
    'bad_subject',
    `timeframe ${describeValue(tf)}${where} is not one of ${timeframes.join(', ')}`,
    { subject, field: 'tf' },
  );
}
