import {
  deadLetterReasons,
  decodeDeadLetter,
  encodeDeadLetter,
  encodeTick,
  type Tick,
  tickSubject,
} from '@ballast/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitTick } from './tickAdmission.js';

const P = 16;
const at = Date.UTC(2026, 0, 2);
const tick: Tick = {
  v: 1,
  symbol: 'AAPL',
  price: 187.25,
  size: 100,
  ts: Date.UTC(2026, 0, 2, 9, 30),
  source: 'sim-p11',
  sourceSeq: 42,
};

type Plain = null | boolean | number | string | Uint8Array | Plain[] | { [key: string]: Plain };

/** A small MessagePack encoder, so the fuzz can write maps the protocol's encoder refuses. */
function pack(value: Plain, out: number[] = []): number[] {
  const u16 = (n: number) => out.push(n >> 8, n & 0xff);
  const u32 = (n: number) => out.push(n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  if (value === null) out.push(0xc0);
  else if (typeof value === 'boolean') out.push(value ? 0xc3 : 0xc2);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 128) out.push(value);
    else if (Number.isInteger(value) && value >= -32 && value < 0) out.push(value & 0xff);
    else {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, value);
      out.push(0xcb, ...new Uint8Array(view.buffer));
    }
  } else if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    out.push(0xda);
    u16(bytes.length);
    out.push(...bytes);
  } else if (value instanceof Uint8Array) {
    out.push(0xc5);
    u16(value.length);
    out.push(...value);
  } else if (Array.isArray(value)) {
    out.push(0xdd);
    u32(value.length);
    for (const item of value) pack(item, out);
  } else {
    const entries = Object.entries(value);
    out.push(0xde);
    u16(entries.length);
    for (const [k, v] of entries) {
      pack(k, out);
      pack(v, out);
    }
  }
  return out;
}

const bytesOf = (value: Plain) => Uint8Array.from(pack(value));
const tickMap = { ...tick } as unknown as { [key: string]: Plain };

const plain: fc.Arbitrary<Plain> = fc.letrec<{ value: Plain }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A tick with some fields replaced by arbitrary values, some removed, some added. */
const mutatedTick: fc.Arbitrary<Plain> = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom('v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq', 'openInterest'),
      plain,
      { maxKeys: 3 },
    ),
    fc.subarray(['v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq']),
    fc.dictionary(fc.string({ maxLength: 6 }), plain, { maxKeys: 2 }),
  )
  .map(([replaced, removed, extra]) => {
    const map: { [key: string]: Plain } = { ...extra, ...tickMap, ...replaced };
    for (const key of removed) delete map[key];
    return map;
  });

const subjects = fc.oneof(
  fc.constant(tickSubject('AAPL', P)),
  fc.string(),
  fc.constantFrom('md.tick.3.AAPL', 'md.tick.11.MSFT', 'md.tick.011.AAPL', 'md.tick.>', ''),
  fc
    .tuple(fc.nat(2000), fc.string({ minLength: 1, maxLength: 8 }))
    .map(([p, s]) => `md.tick.${p}.${s}`),
);

/** Every refusal must be a dead letter that goes on the wire and comes back unchanged. */
function expectEncodableDeadLetter(subject: string, data: Uint8Array): void {
  const result = admitTick(subject, data, P, at);
  if (result.ok) {
    expect(result.tick.symbol).toBe(subject.split('.')[3]);
    return;
  }
  const letter = result.deadLetter;
  expect(deadLetterReasons).toContain(letter.reason);
  expect(letter.at).toBe(at);
  expect(letter.payloadSize).toBe(data.length);
  expect(decodeDeadLetter(encodeDeadLetter(letter)).reason).toBe(letter.reason);
}

describe('admitTick', () => {
  it('admits a valid tick on its own subject, with its partition', () => {
    const result = admitTick('md.tick.11.AAPL', encodeTick(tick), P, at);
    expect(result).toEqual({ ok: true, tick, partition: 11 });
  });

  it('refuses a tick in the wrong partition as bad_subject, naming both partitions', () => {
    const result = admitTick('md.tick.3.AAPL', encodeTick(tick), P, at);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.deadLetter.reason).toBe('bad_subject');
    expect(result.deadLetter.subject).toBe('md.tick.3.AAPL');
    expect(result.deadLetter.detail).toMatch(/partition 3.*belongs in 11/);
  });

  it('refuses a tick whose symbol is not the subject symbol as schema_violation, naming both', () => {
    const msft = tickSubject('MSFT', P);
    const result = admitTick(msft, encodeTick(tick), P, at);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.deadLetter.reason).toBe('schema_violation');
    expect(result.deadLetter.detail).toContain('"AAPL"');
    expect(result.deadLetter.detail).toContain('"MSFT"');
    expect(result.deadLetter.payloadSize).toBe(encodeTick(tick).length);
  });

  it('refuses garbage, oversize and invalid ticks with their protocol reason', () => {
    const subject = tickSubject('AAPL', P);
    const reason = (data: Uint8Array) => {
      const result = admitTick(subject, data, P, at);
      return result.ok ? 'admitted' : result.deadLetter.reason;
    };
    expect(reason(Uint8Array.of(0xc1))).toBe('decode_failed');
    expect(reason(new Uint8Array(70_000))).toBe('oversize');
    expect(reason(bytesOf({ ...tickMap, price: Number.NaN }))).toBe('schema_violation');
    expect(reason(bytesOf({ ...tickMap, extra: 1 }))).toBe('schema_violation');
    expect(reason(bytesOf(tickMap))).toBe('admitted');
    expect(admitTick('md.candle.1m.AAPL', encodeTick(tick), P, at).ok).toBe(false);
  });

  it('refuses everything, without throwing, when the partition count is invalid', () => {
    const result = admitTick(tickSubject('AAPL', P), encodeTick(tick), 0, at);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.deadLetter.detail).toMatch(/partition count 0 is invalid/);
  });

  it('never throws on random bytes and always yields an encodable dead letter', () => {
    fc.assert(
      fc.property(subjects, fc.uint8Array({ maxLength: 200 }), (subject, data) => {
        expectEncodableDeadLetter(subject, data);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on random MessagePack maps and mutated ticks', () => {
    fc.assert(
      fc.property(subjects, fc.oneof(plain, mutatedTick), (subject, value) => {
        expectEncodableDeadLetter(subject, bytesOf(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('admits exactly the mutated ticks that are still valid ticks of the subject symbol', () => {
    const subject = tickSubject('AAPL', P);
    let admitted = 0;
    fc.assert(
      fc.property(mutatedTick, (value) => {
        const result = admitTick(subject, bytesOf(value), P, at);
        let valid = true;
        try {
          encodeTick(value as unknown as Tick);
        } catch {
          valid = false;
        }
        // The encoder ignores extra keys the decoder refuses, and checks the same rules else.
        const extra = Object.keys(value as object).some(
          (k) =>
            !['v', 'symbol', 'price', 'size', 'ts', 'source', 'sourceSeq', 'openInterest'].includes(
              k,
            ),
        );
        const sameSymbol = (value as { symbol?: unknown }).symbol === 'AAPL';
        if (result.ok) admitted++;
        expect(result.ok).toBe(valid && !extra && sameSymbol);
      }),
      { numRuns: 1_000 },
    );
    expect(admitted).toBeGreaterThan(0);
  });
});
