import { timeframes } from '@ballast/protocol';
import { candleFields } from '@ballast/streams';
import type { SymbolBook } from './SymbolBook.js';

// FNV-1a 32-bit parameters; two lanes with different offset bases give a 64-bit digest, so an
// accidental match between two different books is about 1 in 2^64, not 1 in 4 billion.
const prime = 0x01000193;
const laneA = 0x811c9dc5;
const laneB = 0x050c5d1f;

/**
 * A digest of the fold's state in logical order (oldest to newest), independent of where rows
 * sit in the ring buffers: symbol, last applied sequence, every candle of every timeframe,
 * the open-interest history and the last quote. Counters are not part of it: they describe
 * how the state was reached, not the state.
 * @internal used by {@link SymbolBook.digest}
 */
export function bookDigest(book: SymbolBook): string {
  const values: number[] = [book.lastAppliedSeq];
  for (const tf of timeframes) {
    const window = book.windows[tf];
    values.push(window.length);
    for (let age = window.length - 1; age >= 0; age--) {
      for (const field of candleFields) values.push(window.get(field, age));
    }
  }
  values.push(book.openInterestLength);
  for (let age = book.openInterestLength - 1; age >= 0; age--) {
    const sample = book.openInterest(age);
    values.push(sample.start, sample.value);
  }
  const quote = book.quote;
  if (quote) values.push(quote.price, quote.size, quote.ts, quote.seq);
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let a = hashText(laneA, book.symbol);
  let b = hashText(laneB, book.symbol);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    a = Math.imul(a ^ byte, prime);
    b = Math.imul(b ^ byte, prime);
  }
  return hex(a) + hex(b);
}

function hashText(seed: number, text: string): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime);
  return h;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
