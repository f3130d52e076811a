import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { clockAt, pendingTimers, viaJson } from '../../test/support/clock.js';
import { InvalidOptionError } from '../errors.js';
import { restartDelay } from './restartBackoff.js';
import { childFailed } from './superviseActor.js';
import { supervisor } from './supervisor.js';
import { initialSupervisorContext } from './supervisorSettings.js';
import type {
  EscalationOrder,
  FailureReport,
  RestartOrder,
  SupervisorInput,
} from './supervisorTypes.js';

function setup(input: SupervisorInput = {}, clock = new SimulatedClock()) {
  const reports: FailureReport[] = [];
  const restarts: (RestartOrder & { at: number })[] = [];
  const stops: EscalationOrder[] = [];
  const escalations: EscalationOrder[] = [];
  const machine = supervisor.provide({
    actions: {
      reportFailure: (_, report) => reports.push(report),
      restartChild: (_, order) => restarts.push({ ...order, at: clock.now() }),
      stopChild: (_, order) => stops.push(order),
      escalate: (_, order) => escalations.push(order),
    },
  });
  const actor = createActor(machine, { clock, input }).start();
  const fail = (id = 'sym:BTC', kind = 'symbolCache') =>
    actor.send(
      childFailed(id, kind, '"live"', new Error('fold failed', { cause: new Error('NaN price') })),
    );
  return { actor, clock, reports, restarts, stops, escalations, fail, machine };
}

describe('supervisor', () => {
  it('reports every failure with its full context and restarts after the base delay', () => {
    const s = setup({ baseDelayMs: 1_000 });
    s.fail();
    expect(s.reports).toEqual([
      {
        id: 'sym:BTC',
        kind: 'symbolCache',
        state: '"live"',
        error: { message: 'fold failed', name: 'Error' },
        cause: { message: 'NaN price', name: 'Error' },
        at: 0,
        failures: 1,
        decision: 'restart',
        restartAt: 1_000,
      },
    ]);
    s.clock.increment(999);
    expect(s.restarts).toEqual([]);
    s.clock.increment(1);
    expect(s.restarts).toEqual([{ id: 'sym:BTC', kind: 'symbolCache', attempt: 1, at: 1_000 }]);
    expect(s.actor.getSnapshot().context.counters).toMatchObject({ failures: 1, restarts: 1 });
    expect(s.actor.getSnapshot().value).toBe('idle');
    expect(pendingTimers(s.clock)).toBe(0);
  });

  it('backs off exponentially up to maxDelayMs', () => {
    const s = setup({ baseDelayMs: 100, backoffFactor: 3, maxDelayMs: 1_000, maxRestarts: 10 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.fail();
      const report = s.reports.at(-1) as FailureReport;
      delays.push((report.restartAt as number) - report.at);
      s.clock.increment(delays.at(-1) as number);
    }
    expect(delays).toEqual([100, 300, 900, 1_000]);
    expect(s.restarts.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('stops and escalates a child past maxRestarts within the window, then restarts it no more', () => {
    const s = setup({ baseDelayMs: 10, backoffFactor: 1, maxRestarts: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      s.fail();
      s.clock.increment(10);
    }
    expect(s.restarts).toHaveLength(3);
    s.fail();
    expect(s.reports.at(-1)).toMatchObject({ decision: 'escalate', restartAt: null });
    const order = {
      id: 'sym:BTC',
      kind: 'symbolCache',
      reason: 'restart_limit',
      restarts: 3,
      windowMs: 60_000,
    };
    expect(s.stops).toEqual([expect.objectContaining(order)]);
    expect(s.escalations).toEqual([expect.objectContaining(order)]);
    s.fail();
    s.clock.increment(60_000);
    expect(s.reports.at(-1)).toMatchObject({ decision: 'already_escalated' });
    expect(s.restarts).toHaveLength(3);
    expect(s.actor.getSnapshot().context.counters).toMatchObject({
      failures: 5,
      restarts: 3,
      escalations: 1,
    });
  });

  it('forgets restarts older than the window', () => {
    const s = setup({ baseDelayMs: 10, backoffFactor: 2, maxRestarts: 2, windowMs: 1_000 });
    s.fail();
    s.clock.increment(10);
    s.fail();
    s.clock.increment(20);
    s.clock.increment(1_000);
    s.fail();
    expect(s.reports.at(-1)).toMatchObject({ decision: 'restart', restartAt: 1_040 });
  });

  it('applies the same deterministic jitter on every run', () => {
    const settings = { baseDelayMs: 1_000, backoffFactor: 2, maxDelayMs: 60_000, jitterRatio: 0.5 };
    const a = restartDelay(settings, 'sym:ETH', 2);
    expect(restartDelay(settings, 'sym:ETH', 2)).toBe(a);
    expect(a).toBeGreaterThan(2_000);
    expect(a).toBeLessThanOrEqual(4_000);
    const spread = new Set(['a', 'b', 'c', 'd', 'e'].map((id) => restartDelay(settings, id, 0)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('keeps one timer for several children and restarts each when due', () => {
    const s = setup({ baseDelayMs: 100 });
    s.fail('a');
    s.clock.increment(50);
    s.fail('b');
    expect(pendingTimers(s.clock)).toBe(1);
    s.clock.increment(50);
    expect(s.restarts.map((r) => [r.id, r.at])).toEqual([['a', 100]]);
    s.clock.increment(50);
    expect(s.restarts.map((r) => [r.id, r.at])).toEqual([
      ['a', 100],
      ['b', 150],
    ]);
  });

  it('reports a repeated failure while a restart is pending without ordering another', () => {
    const s = setup({ baseDelayMs: 100 });
    s.fail();
    s.fail();
    expect(s.reports.map((r) => r.decision)).toEqual(['restart', 'restart_already_pending']);
    s.clock.increment(1_000);
    expect(s.restarts).toHaveLength(1);
  });

  it('bounds its child table: evicts an idle record, escalates when every record is busy', () => {
    const s = setup({ baseDelayMs: 100, maxTrackedChildren: 2 });
    s.fail('a');
    s.clock.increment(100); // a restarted: idle record
    s.fail('b');
    s.fail('c'); // evicts a
    expect(s.actor.getSnapshot().context.children.map((c) => c.id)).toEqual(['b', 'c']);
    s.fail('d'); // b and c both have restarts pending
    expect(s.reports.at(-1)).toMatchObject({ id: 'd', decision: 'untracked_escalate' });
    expect(s.escalations).toEqual([
      expect.objectContaining({ id: 'd', reason: 'supervisor_full' }),
    ]);
    expect(s.actor.getSnapshot().context.counters).toMatchObject({
      evictions: 1,
      overflows: 1,
      failures: 4,
    });
    expect(s.actor.getSnapshot().context.children).toHaveLength(2);
  });

  it('drops a stopped child and its pending restart', () => {
    const s = setup({ baseDelayMs: 100 });
    s.fail('a');
    s.actor.send({ type: 'CHILD_STOPPED', id: 'a' });
    expect(pendingTimers(s.clock)).toBe(0);
    s.clock.increment(1_000);
    expect(s.restarts).toEqual([]);
    expect(s.actor.getSnapshot().context.children).toEqual([]);
  });

  it('restarts on time after persist and restore', () => {
    const s = setup({ baseDelayMs: 5_000 }, clockAt(1_000));
    s.fail();
    s.clock.increment(2_000);
    const persisted = viaJson(s.actor.getPersistedSnapshot());
    s.actor.stop();
    expect(pendingTimers(s.clock)).toBe(0);
    const clock = clockAt(3_000);
    const restarts: number[] = [];
    const machine = supervisor.provide({
      actions: { restartChild: () => restarts.push(clock.now()) },
    });
    createActor(machine, { clock, snapshot: persisted }).start();
    clock.increment(2_999);
    expect(restarts).toEqual([]);
    clock.increment(1);
    expect(restarts).toEqual([6_000]);
  });
});

describe('supervisor input', () => {
  it('rejects an out-of-range option by name', () => {
    expect(() => initialSupervisorContext({ jitterRatio: 2 })).toThrow(/jitterRatio/);
    expect(() => initialSupervisorContext({ maxTrackedChildren: 0 })).toThrow(InvalidOptionError);
  });
});
