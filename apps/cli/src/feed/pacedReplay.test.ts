import type { TickFields } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { instrumentUniverse } from './instrumentUniverse.js';
import { MarketSimulator } from './MarketSimulator.js';
import { pacedReplay } from './pacedReplay.js';
import { pacedSimulation } from './pacedSimulation.js';
import { RatePacer } from './RatePacer.js';

const base = Date.UTC(2024, 2, 1, 14, 30);

function fakeTime() {
  const time = { clock: 0, sleeps: [] as number[] };
  return {
    time,
    now: () => time.clock,
    sleep: async (ms: number) => {
      time.sleeps.push(ms);
      time.clock += ms;
    },
  };
}

async function* recorded(offsets: number[]): AsyncGenerator<TickFields> {
  for (const offset of offsets) yield { symbol: 'AAPL', price: 1, size: 1, ts: base + offset };
}

describe('pacedReplay', () => {
  it('releases each tick at its recorded offset divided by speed, late ones at once', async () => {
    const { time, now, sleep } = fakeTime();
    const released: [number, number][] = [];
    for await (const tick of pacedReplay(recorded([0, 100, 100, 50, 300, 300.5]), {
      speed: 2,
      now,
      sleep,
    })) {
      released.push([tick.ts - base, time.clock]);
    }
    expect(released).toEqual([
      [0, 0],
      [100, 50],
      [100, 50],
      [50, 50], // went backwards: at once
      [300, 150],
      [300.5, 150], // 0.25 ms later: not worth a timer
    ]);
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('does not wait at speed 0, and stops when the signal aborts', async () => {
    const { time, now, sleep } = fakeTime();
    let n = 0;
    for await (const _ of pacedReplay(recorded([0, 1_000, 5_000]), { speed: 0, now, sleep })) n++;
    expect(n).toBe(3);
    expect(time.sleeps).toEqual([]);
    const stop = new AbortController();
    const seen: number[] = [];
    for await (const tick of pacedReplay(recorded([0, 10, 20, 30]), {
      speed: 1,
      now,
      sleep,
      signal: stop.signal,
    })) {
      seen.push(tick.ts - base);
      if (seen.length === 2) stop.abort();
    }
    expect(seen).toEqual([0, 10]);
  });
});

describe('pacedSimulation', () => {
  it('yields the pacer rate of simulated ticks in batches, one sleep per batch', async () => {
    const { time, now, sleep } = fakeTime();
    const instruments = instrumentUniverse({ count: 50, seed: 1, now: base });
    const simulator = new MarketSimulator({ instruments, seed: 1 });
    const pacer = new RatePacer({ rate: 10_000, now });
    const stop = new AbortController();
    let n = 0;
    for await (const tick of pacedSimulation({
      simulator,
      pacer,
      signal: stop.signal,
      clock: () => base + time.clock,
      sleep,
    })) {
      expect(tick.ts).toBe(base + time.clock);
      n++;
      if (time.clock >= 1_000) stop.abort();
    }
    expect(n).toBeGreaterThanOrEqual(9_900);
    expect(n).toBeLessThanOrEqual(10_100);
    expect(time.sleeps.length).toBeLessThanOrEqual(201);
    expect(Math.min(...time.sleeps)).toBeGreaterThanOrEqual(5);
  });
});
