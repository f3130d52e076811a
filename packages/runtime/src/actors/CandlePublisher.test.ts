import { SymbolBook } from '@ballast/machines';
import { NatsServer } from '@ballast/nats';
import { candleSubject, decodeCandle, type Tick, timeframes } from '@ballast/protocol';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test/harness/waitFor.js';
import { CandlePublisher } from './CandlePublisher.js';
import { SymbolEntry } from './SymbolEntry.js';

const t0 = Date.UTC(2026, 10, 23, 9, 30);

function tick(symbol: string, i: number, price: number): Tick {
  return { v: 1, symbol, price, size: 1, ts: t0 + i * 1_000, source: 'test', sourceSeq: i };
}

function entryFor(symbol: string): SymbolEntry {
  const subjects = Object.fromEntries(timeframes.map((tf) => [tf, candleSubject(tf, symbol)]));
  return new SymbolEntry(symbol, 0, 0, subjects);
}

describe('CandlePublisher', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start({ jetStream: false });
  });
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  it('publishes the per-tick timeframes once per live batch, with the newest candle', async () => {
    const nc = await connect({ servers: server.url });
    const received: { subject: string; close: number }[] = [];
    const sub = nc.subscribe('md.candle.>', {
      callback: (_, msg) => {
        received.push({ subject: msg.subject, close: decodeCandle(msg.data).close });
      },
    });
    await nc.flush();
    const publisher = new CandlePublisher(nc, ['1m'], 60_000);
    try {
      const aapl = entryFor('AAPL');
      const book = new SymbolBook('AAPL');
      // One batch of five ticks: one update.
      for (let i = 1; i <= 5; i++) book.apply(tick('AAPL', i, 100 + i), i);
      publisher.onFold(aapl, book);
      expect(publisher.counters.published).toBe(1);
      expect(publisher.waiting).toBe(1);
      book.apply(tick('AAPL', 6, 99), 6);
      publisher.onFold(aapl, book);
      await nc.flush();
      await until('both updates', () => received.length >= 2);
      expect(received).toEqual([
        { subject: 'md.candle.1m.AAPL', close: 105 },
        { subject: 'md.candle.1m.AAPL', close: 99 },
      ]);
      // The coalesced timeframes wait for their interval.
      expect(publisher.waiting).toBe(1);
      expect(publisher.counters.published).toBe(2);
    } finally {
      publisher.stop();
      sub.unsubscribe();
      await nc.close();
    }
  });

  it('publishes coalesced timeframes when due, a bounded number of symbols per flush', async () => {
    const nc = await connect({ servers: server.url });
    let published = 0;
    const sub = nc.subscribe('md.candle.>', {
      callback: () => {
        published++;
      },
    });
    await nc.flush();
    const publisher = new CandlePublisher(nc, [], 60_000);
    try {
      for (let s = 0; s < 300; s++) {
        const symbol = `S${s}`;
        const book = new SymbolBook(symbol);
        book.apply(tick(symbol, 1, 10), 1);
        publisher.onFold(entryFor(symbol), book);
      }
      publisher.flush(Date.now());
      expect(publisher.counters.published).toBe(0); // not due yet
      const later = Date.now() + 60_000;
      publisher.flush(later);
      // 64 symbols per flush, every non-1m timeframe each (the 1m one is coalesced here too).
      expect(publisher.counters.published).toBe(64 * timeframes.length);
      expect(publisher.waiting).toBe(236);
      for (let turn = 0; turn < 4; turn++) publisher.flush(later);
      expect(publisher.waiting).toBe(0);
      expect(publisher.counters.published).toBe(300 * timeframes.length);
      await nc.flush();
      await until('every update delivered', () => published === 300 * timeframes.length);
    } finally {
      publisher.stop();
      sub.unsubscribe();
      await nc.close();
    }
  });

  it('forgets a stopped entry', async () => {
    const nc = await connect({ servers: server.url });
    const publisher = new CandlePublisher(nc, ['1m'], 1_000);
    try {
      const entry = entryFor('MSFT');
      const book = new SymbolBook('MSFT');
      book.apply(tick('MSFT', 1, 10), 1);
      publisher.onFold(entry, book);
      expect(publisher.counters.published).toBe(1); // the per-tick 1m update
      publisher.forget(entry);
      expect(publisher.waiting).toBe(0);
      publisher.flush(Date.now() + 10_000);
      expect(publisher.counters.published).toBe(1);
    } finally {
      publisher.stop();
      await nc.close();
    }
  });
});
