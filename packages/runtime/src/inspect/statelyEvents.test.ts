import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { symbolActor, tickEvent } from '../../test/harness/inspectKit.js';
import { summarizeSnapshot } from './snapshotSummary.js';
import {
  announceActor,
  type StatelyConversion,
  type StatelyInspectionEvent,
  statelyWireVersion,
  toStatelyEvent,
} from './statelyEvents.js';

function convert(symbol: string) {
  const { actor, clock } = symbolActor(symbol);
  const conversion: StatelyConversion = {
    prefix: 'w1:',
    root: actor,
    rootName: `symbol/${symbol}@w1`,
    summarize: (snapshot, isRoot) => summarizeSnapshot(isRoot ? 'symbol' : null, snapshot),
  };
  const out: StatelyInspectionEvent[] = [];
  actor.system.inspect((event: InspectionEvent) => {
    const converted = toStatelyEvent(event, conversion, 1_000);
    if (converted) out.push(converted);
  });
  return { actor, clock, conversion, out };
}

describe('toStatelyEvent', () => {
  it("announces a symbol actor with its machine's definition, prefixed ids and a compact snapshot", () => {
    const { actor, conversion } = convert('AAPL');
    actor.start();
    const announced = announceActor(actor, conversion, actor.sessionId, 1_000);
    expect(announced).toMatchObject({
      type: '@xstate.actor',
      name: 'symbol/AAPL@w1',
      sessionId: `w1:${actor.sessionId}`,
      rootId: `w1:${actor.sessionId}`,
      id: null,
      createdAt: '1000',
      _version: statelyWireVersion,
    });
    expect(announced).not.toHaveProperty('parentId');
    const definition = JSON.parse(announced.definition);
    expect(definition.id).toBe('symbolCache');
    expect(Object.keys(definition.states)).toEqual([
      'hydrating',
      'active',
      'passivated',
      'expired',
    ]);
    expect(Object.keys(definition.states.active.states)).toEqual(['live', 'idle']);
    expect(announced.snapshot).toMatchObject({
      status: 'active',
      value: 'hydrating',
      context: { symbol: 'AAPL', lastAppliedSeq: 0, lastQuote: null },
    });
    // The book's windows never travel.
    expect(JSON.stringify(announced.snapshot).length).toBeLessThan(2_000);
    actor.stop();
  });

  it('relays events and snapshots as ticks fold, children with prefixed parent and source ids', () => {
    const { actor, clock, out } = convert('MSFT');
    actor.start();
    actor.send({ type: 'HYDRATED' });
    actor.send(tickEvent('MSFT', 7));
    const tick = out.find((e) => e.type === '@xstate.event' && e.event.type === 'TICK');
    expect(tick).toMatchObject({ sessionId: `w1:${actor.sessionId}`, event: { seq: 7 } });
    expect(tick).not.toHaveProperty('sourceId');
    const after = out.filter((e) => e.type === '@xstate.snapshot').at(-1);
    expect(after).toMatchObject({
      event: { type: 'TICK' },
      snapshot: {
        value: { active: 'live' },
        context: { lastAppliedSeq: 7, lastQuote: { price: 100.07, seq: 7 } },
      },
    });
    // Timers are children: announced with their parent, and their events name their source.
    const timer = out.find((e) => e.type === '@xstate.actor' && e.name === 'housekeepingTimer');
    expect(timer).toMatchObject({
      parentId: `w1:${actor.sessionId}`,
      rootId: `w1:${actor.sessionId}`,
    });
    clock.increment(1_000);
    const due = out.find((e) => e.type === '@xstate.event' && e.event.type === 'HOUSEKEEPING_DUE');
    expect(due?.type === '@xstate.event' && due.sourceId?.startsWith('w1:x:')).toBe(true);
    for (const e of out) {
      expect(e.sessionId.startsWith('w1:x:')).toBe(true);
      expect(e.rootId).toBe(`w1:${actor.sessionId}`);
      expect(e._version).toBe(statelyWireVersion);
    }
    actor.stop();
  });
});
