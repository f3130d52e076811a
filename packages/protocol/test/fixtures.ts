import { Packr } from 'msgpackr';
import type { Candle } from '../src/messages/candle.js';
import type { ErrorEntry } from '../src/messages/errorEntry.js';
import type { Tick } from '../src/messages/tick.js';

/** 2023-11-14T22:13:20.123Z. */
export const at = 1_700_000_000_123;

export const tick: Tick = {
  v: 1,
  symbol: 'AAPL',
  price: 187.25,
  size: 100,
  ts: at,
  source: 'nasdaq',
  sourceSeq: 42,
};

export const candle: Candle = {
  v: 1,
  symbol: 'AAPL',
  tf: '1m',
  start: 1_700_000_040_000,
  open: 187.25,
  high: 187.5,
  low: 187,
  close: 187.4,
  volume: 1200,
  trades: 14,
  closed: false,
};

export const errorEntry: ErrorEntry = {
  v: 1,
  source: 'symbolCache/AAPL',
  kind: 'symbolCache',
  state: 'live',
  code: 'publish_failed',
  message: 'candle publish timed out',
  cause: 'TimeoutError: 2000 ms',
  at,
};

/** Bytes as lowercase hex, for comparing encodings. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Lowercase hex (spaces allowed) to bytes. */
export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

const plain = new Packr({ useRecords: false, variableMapSize: true });

/** Encodes any value with a plain (records off) msgpackr, bypassing the codec's validation. */
export function plainPack(value: unknown): Uint8Array {
  return plain.pack(value);
}
