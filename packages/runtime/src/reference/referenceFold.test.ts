import { SymbolBook } from '@ballast/machines';
import { NatsServer } from '@ballast/nats';
import {
  type DeadLetterReason,
  encodeTick,
  type Tick,
  tickMessageId,
  tickSubject,
} from '@ballast/protocol';
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TickPublisher } from '../ingest/TickPublisher.js';
import { ensureTopology } from '../topology.js';
import { type FoldedSymbol, ReferenceFoldError, referenceFold } from './referenceFold.js';

const P = 4;
const t0 = Date.UTC(2026, 0, 2, 9, 30);
const book = { candles: { '1m': 30, '5m': 10 } };

interface Logged {
  readonly seq: number;
  readonly tick: Tick;
}

/** A fold written out by hand from what the test published: every good tick, in log order. */
function handFold(logged: readonly Logged[], upTo = Number.POSITIVE_INFINITY) {
  const books = new Map<string, SymbolBook>();
  for (const { seq, tick } of logged) {
    if (seq > upTo) continue;
    let b = books.get(tick.symbol);
    if (b === undefined) {
      b = new SymbolBook(tick.symbol, book);
      books.set(tick.symbol, b);
    }
    b.apply(tick, seq);
  }
  const out = new Map<string, FoldedSymbol>();
  for (const [symbol, b] of books) {
    out.set(symbol, { digest: b.digest(), lastSeq: b.lastAppliedSeq, applied: b.counters.applied });
  }
  return out;
}

describe('referenceFold', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  const logged: Logged[] = [];
  const skipped: [number, DeadLetterReason][] = [];
  let resend = 0;

  async function put(subject: string, data: Uint8Array, msgID: string): Promise<number> {
    const ack = await js.publish(subject, data, { msgID });
    expect(ack.duplicate).toBe(false);
    return ack.seq;
  }

  async function good(tick: Tick, msgID = tickMessageId(tick)): Promise<void> {
    const seq = await put(tickSubject(tick.symbol, P), encodeTick(tick), msgID);
    logged.push({ seq, tick });
  }

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await ensureTopology(nc, jsm);
    js = jetstream(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await server?.[Symbol.asyncDispose]();
  });

  it('folds nothing from an empty log', async () => {
    expect(await referenceFold({ js, partitions: P })).toEqual(new Map());
  });

  it('matches a hand fold: bad messages skipped, a resent sourceSeq folded like any logged tick', async () => {
    const seqBySource = new Map<string, number>();
    const next = (symbol: string, i: number, minutes: number): Tick => {
      const source = `sim-p${tickSubject(symbol, P).split('.')[2]}`;
      const sourceSeq = seqBySource.get(source) ?? 0;
      seqBySource.set(source, sourceSeq + 1);
      const ts = t0 + minutes * 60_000 + i;
      return { v: 1, symbol, price: 100 + (i % 11), size: 1 + (i % 4), ts, source, sourceSeq };
    };
    const symbols = Array.from({ length: 12 }, (_, i) => `SYM${i}`);
    for (let i = 0; i < 300; i++) {
      await good(next(symbols[i % 12] as string, i, Math.floor(i / 10)));
      if (i === 100) {
        // Garbage on a valid subject, a tick in the wrong partition, a tick on another symbol's subject.
        const s = tickSubject('SYM1', P);
        skipped.push([await put(s, Uint8Array.of(0xc1), 'junk-1'), 'decode_failed']);
        const wrong = `md.tick.${(Number(s.split('.')[2]) + 1) % P}.SYM1`;
        skipped.push([await put(wrong, encodeTick(next('SYM1', i, 10)), 'junk-2'), 'bad_subject']);
        const other = tickSubject('SYM2', P);
        skipped.push([
          await put(other, encodeTick(next('SYM1', i, 10)), 'junk-3'),
          'schema_violation',
        ]);
      }
      if (i === 200) {
        // A feed resend after the duplicate window: same source and sourceSeq, new msgID. The
        // log holds it twice; a worker folds it (and reports it), so the clean fold does too.
        const earlier = logged[150]?.tick as Tick;
        const resent = { ...earlier, price: 999 };
        const seq = await put(tickSubject(resent.symbol, P), encodeTick(resent), 'resend-1');
        logged.push({ seq, tick: resent });
        resend = seq;
      }
    }
    // A gap: the next seqs of SYM5's source are skipped, then one arrives late. Both fold.
    const late = next('SYM5', 300, 31);
    await good(next('SYM5', 301, 31));
    await good(late);

    const got: [number, DeadLetterReason][] = [];
    const folded = await referenceFold({
      js,
      partitions: P,
      book,
      onSkip: (seq, reason) => got.push([seq, reason]),
    });
    expect(got).toEqual(skipped);
    const expected = handFold(logged);
    expect(folded.size).toBe(12);
    expect(folded).toEqual(expected);
    expect([...folded.values()].reduce((n, s) => n + s.applied, 0)).toBe(303);

    // The test can fail: leaving the resend out gives another digest for its symbol.
    const withoutResend = handFold(logged.filter((l) => l.seq !== resend));
    const resentSymbol = logged.find((l) => l.seq === resend)?.tick.symbol as string;
    expect(withoutResend.get(resentSymbol)?.digest).not.toBe(expected.get(resentSymbol)?.digest);
  });

  it('stops at upToSeq', async () => {
    const upTo = logged[120]?.seq as number;
    const folded = await referenceFold({ js, partitions: P, book, upToSeq: upTo });
    expect(folded).toEqual(handFold(logged, upTo));
    expect(Math.max(...[...folded.values()].map((s) => s.lastSeq))).toBe(upTo);
  });

  it('reads past one pull batch: 3,000 more ticks from a TickPublisher all fold', async () => {
    const pub = new TickPublisher({ js, partitions: P, feed: 'bulk', maxInFlight: 256 });
    for (let i = 0; i < 3_000; i++) {
      const ts = t0 + 32 * 60_000 + i;
      await pub.publishNext({ symbol: `SYM${i % 12}`, price: 50 + (i % 5), size: 1, ts });
    }
    await pub.close();
    const folded = await referenceFold({ js, partitions: P, book });
    expect([...folded.values()].reduce((n, s) => n + s.applied, 0)).toBe(303 + 3_000);
    const info = await (await js.streams.get('TICKS')).info();
    expect(Math.max(...[...folded.values()].map((s) => s.lastSeq))).toBe(info.state.last_seq);
  });

  it('refuses to hold more than maxSymbols books', async () => {
    await expect(referenceFold({ js, partitions: P, maxSymbols: 5 })).rejects.toThrow(
      ReferenceFoldError,
    );
  });
});
