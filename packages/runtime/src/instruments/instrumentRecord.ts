import {
  assertSymbol,
  decodePlain,
  encodePlain,
  maxTimestamp,
  minTimestamp,
} from '@ballast/protocol';
import { InvalidInstrumentError } from './instrumentErrors.js';

/**
 * One instrument of the registry: the value under key `symbol` in the KV bucket `instruments`,
 * stored as a plain MessagePack map `{ symbol, expiresAt, addedAt }`.
 *
 * @example
 * const record: InstrumentRecord = { symbol: 'AAPL', expiresAt: null, addedAt: Date.now() };
 */
export interface InstrumentRecord {
  readonly symbol: string;
  /** When the instrument expires (options), ms since the epoch; `null`: never. */
  readonly expiresAt: number | null;
  /** When it was added, ms since the epoch. */
  readonly addedAt: number;
}

// Records are three short fields; anything bigger is not one of ours.
const maxRecordBytes = 1_024;
const recordKeys = new Set(['symbol', 'expiresAt', 'addedAt']);
// KV keys are NATS subjects of these characters; a symbol token allows more (e.g. '^', ':').
const kvKeyChars = /^[-/=\w]+$/;

/**
 * Checks that `symbol` can be an instrument: a valid subject token that is also a KV key.
 *
 * @throws {InvalidInstrumentError} naming the rule it breaks
 * @example
 * assertInstrumentSymbol('BRK-B'); // ok; 'BRK.B' and '^GSPC' throw
 */
export function assertInstrumentSymbol(symbol: string): void {
  try {
    assertSymbol(symbol);
  } catch (error) {
    throw new InvalidInstrumentError('symbol', symbol, (error as Error).message, { cause: error });
  }
  if (!kvKeyChars.test(symbol)) {
    throw new InvalidInstrumentError(
      'symbol',
      symbol,
      'the registry keys instruments by symbol in KV, so only A-Z a-z 0-9 - / = _ are allowed (map e.g. BTC:USD to BTC-USD)',
    );
  }
}

/**
 * Validates a record and encodes it as a plain MessagePack map.
 *
 * @throws {InvalidInstrumentError} naming the first invalid field
 * @example
 * await kv.put('AAPL', encodeInstrumentRecord({ symbol: 'AAPL', expiresAt: null, addedAt: Date.now() }));
 */
export function encodeInstrumentRecord(record: InstrumentRecord): Uint8Array {
  return encodePlain(checkedRecord(record, undefined));
}

/**
 * Decodes and validates a registry value.
 *
 * @param bytes - the KV value
 * @param key - the KV key it was stored under; the record's symbol must equal it
 * @throws {InvalidInstrumentError} for undecodable bytes, a wrong shape, or a symbol that is not the key
 * @example
 * const record = decodeInstrumentRecord(entry.value, entry.key);
 */
export function decodeInstrumentRecord(bytes: Uint8Array, key?: string): InstrumentRecord {
  if (bytes.length > maxRecordBytes) {
    throw new InvalidInstrumentError(
      'value',
      `${bytes.length} bytes`,
      `at most ${maxRecordBytes} bytes`,
      undefined,
      key,
    );
  }
  let value: unknown;
  try {
    value = decodePlain(bytes);
  } catch (error) {
    throw new InvalidInstrumentError(
      'value',
      `${bytes.length} bytes`,
      `one MessagePack map (${(error as Error).message})`,
      { cause: error },
      key,
    );
  }
  return checkedRecord(value, key);
}

function checkedRecord(value: unknown, key: string | undefined): InstrumentRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInstrumentError(
      'value',
      describe(value),
      'a map { symbol, expiresAt, addedAt }',
      undefined,
      key,
    );
  }
  const fields = value as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (!recordKeys.has(field)) {
      throw new InvalidInstrumentError(
        field,
        describe(fields[field]),
        'no such field (symbol, expiresAt, addedAt)',
        undefined,
        key,
      );
    }
  }
  const symbol = fields.symbol;
  if (typeof symbol !== 'string') {
    throw new InvalidInstrumentError('symbol', describe(symbol), 'a string', undefined, key);
  }
  assertInstrumentSymbol(symbol);
  if (key !== undefined && symbol !== key) {
    throw new InvalidInstrumentError(
      'symbol',
      symbol,
      `the KV key it is stored under (${key})`,
      undefined,
      key,
    );
  }
  const expiresAt = fields.expiresAt ?? null;
  if (expiresAt !== null && !isTimestamp(expiresAt)) {
    throw new InvalidInstrumentError(
      'expiresAt',
      describe(expiresAt),
      `null or ${timestampRule}`,
      undefined,
      key,
    );
  }
  const addedAt = fields.addedAt;
  if (!isTimestamp(addedAt)) {
    throw new InvalidInstrumentError('addedAt', describe(addedAt), timestampRule, undefined, key);
  }
  return { symbol, expiresAt, addedAt };
}

// Seconds or microseconds by mistake land outside this range (the protocol's timestamp rule).
const timestampRule = 'whole milliseconds since the epoch, between 2000-01-01 and 2100-01-01';

function isTimestamp(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= minTimestamp &&
    (value as number) < maxTimestamp
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'a map';
}
