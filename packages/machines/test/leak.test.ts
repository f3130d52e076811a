import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { createBreaker } from '../src/circuitBreaker/Breaker.js';
import { circuitBreaker } from '../src/circuitBreaker/circuitBreaker.js';
import { reloader } from '../src/reloader/reloader.js';
import { StreamTracker } from '../src/trackers/StreamTracker.js';
import { pendingTimers } from './support/clock.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after forced full collections (vitest runs workers with --expose-gc). */
function heapAfterGc(): number {
  if (!gc) throw new Error('leak tests need --expose-gc (see vitest.config.ts execArgv)');
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const kB = 1024;

function report(what: string, growth: number): void {
  console.log(`[leak] ${what}: heap growth after GC ${(growth / kB).toFixed(1)} KB`);
}

describe('leaks', () => {
  it('StreamTracker: 10,000 start/finish cycles grow the heap by < 500 KB', () => {
    let now = 0;
    const streams = new StreamTracker({ now: () => now });
    const cycle = (i: number) => {
      now++;
      streams.start(`stream:${i}`, 'subscription');
      streams.recordMessages(`stream:${i}`, 3);
      streams.finish(
        `stream:${i}`,
        i % 7 === 0 ? 'failed' : 'completed',
        i % 7 === 0 ? 'boom' : undefined,
      );
    };
    // Fill the completed ring first: its 1,000 records are the bound, not a leak.
    for (let i = 0; i < 2_000; i++) cycle(i);
    const before = heapAfterGc();
    for (let i = 2_000; i < 12_000; i++) cycle(i);
    const growth = heapAfterGc() - before;
    report('StreamTracker 10,000 cycles', growth);
    expect(streams.activeCount).toBe(0);
    expect(streams.completed()).toHaveLength(1_000);
    expect(growth).toBeLessThan(500 * kB);
  });

  // 100,000 cycles each took ~3-6 s here; the bound is on retained heap, not on time.
  const cycles = 100_000;

  it(`circuit breaker: ${cycles.toLocaleString('en')} create/trip/stop cycles leave no timers and a bounded heap`, {
    // ~10 s alone; a shared 2-core CI machine has taken more than 60.
    timeout: 180_000,
  }, () => {
    const clock = new SimulatedClock();
    const cycle = () => {
      const actor = createActor(circuitBreaker, { clock, input: { failureThreshold: 1 } }).start();
      const breaker = createBreaker(actor);
      const permit = breaker.requestCall() as number; // fast path: arms the flush timer
      breaker.reportFailure(permit, new Error('down')); // trips: arms the reset timer
      breaker[Symbol.dispose]();
      actor.stop();
      return actor;
    };
    for (let i = 0; i < 1_000; i++) cycle();
    const before = heapAfterGc();
    let last = cycle();
    for (let i = 1; i < cycles; i++) last = cycle();
    const growth = heapAfterGc() - before;
    report(`circuit breaker ${cycles} cycles`, growth);
    expect(pendingTimers(clock)).toBe(0);
    expect(Object.keys(last.system.getSnapshot()._scheduledEvents)).toEqual([]);
    expect(growth).toBeLessThan(1_024 * kB);
  });

  it(`reloader: ${cycles.toLocaleString('en')} create/trigger/stop cycles leave no timers and a bounded heap`, {
    // ~10 s alone; a shared 2-core CI machine has taken more than 60.
    timeout: 180_000,
  }, () => {
    const clock = new SimulatedClock();
    const cycle = () => {
      const actor = createActor(reloader, { clock, input: {} }).start();
      actor.send({ type: 'TRIGGER' }); // arms the debounce timer
      actor.send({ type: 'TRIGGER' }); // re-arms it
      actor.stop();
      return actor;
    };
    for (let i = 0; i < 1_000; i++) cycle();
    const before = heapAfterGc();
    let last = cycle();
    for (let i = 1; i < cycles; i++) last = cycle();
    const growth = heapAfterGc() - before;
    report(`reloader ${cycles} cycles`, growth);
    expect(pendingTimers(clock)).toBe(0);
    expect(Object.keys(last.system.getSnapshot()._scheduledEvents)).toEqual([]);
    clock.increment(3_600_000);
    expect(growth).toBeLessThan(1_024 * kB);
  });
});
