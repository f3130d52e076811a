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

  it('publishes one per-tick update per symbol per turn, with the newest candle', async () => {
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
      for (let i = 1; i <= 5; i++) {
        book.apply(tick('AAPL', i, 100 + i), i);
        publisher.onTick(aapl, book);
      }
      expect(publisher.waiting).toEqual({ fresh: 1, coalesced: 1 });
      await until('the first update', () => received.length >= 1);
      await nc.flush();
      expect(received).toEqual([{ subject: 'md.candle.1m.AAPL', close: 105 }]);
      expect(publisher.counters).toMatchObject({ published: 1, conflated: 4 });
      // The next turn's tick is a new update.
      book.apply(tick('AAPL', 6, 99), 6);
      publisher.onTick(aapl, book);
      await until('the second update', () => received.length >= 2);
      expect(received[1]).toEqual({ subject: 'md.candle.1m.AAPL', close: 99 });
      // The coalesced timeframes wait for their interval.
      expect(publisher.waiting.coalesced).toBe(1);
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
        publisher.onTick(entryFor(symbol), book);
      }
      publisher.flush(Date.now());
      expect(publisher.counters.published).toBe(0); // not due yet
      const later = Date.now() + 60_000;
      publisher.flush(later);
      // 64 symbols per flush, every non-1m timeframe each (the 1m one is coalesced here too).
      expect(publisher.counters.published).toBe(64 * timeframes.length);
      expect(publisher.waiting.coalesced).toBe(236);
      for (let turn = 0; turn < 4; turn++) publisher.flush(later);
      expect(publisher.waiting.coalesced).toBe(0);
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
      publisher.onTick(entry, book);
      publisher.forget(entry);
      expect(publisher.waiting).toEqual({ fresh: 0, coalesced: 0 });
      publisher.flush(Date.now() + 10_000);
      expect(publisher.counters.published).toBe(0);
    } finally {
      publisher.stop();
      await nc.close();
    }
  });
});
