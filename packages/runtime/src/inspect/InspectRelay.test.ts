import { circuitBreaker } from '@ballast/machines';
import { type DeadLetter, encodeControl, type InspectCommand } from '@ballast/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { fakeNats, symbolActor, tickEvent } from '../../test/harness/inspectKit.js';
import { silentLogger } from '../logger.js';
import { InspectRelay } from './InspectRelay.js';
import type { InspectSources } from './inspectKinds.js';
import type { InspectRelayOptions } from './inspectRelayOptions.js';

type SymbolActor = ReturnType<typeof symbolActor>['actor'];

function setup(options: InspectRelayOptions = {}) {
  const nats = fakeNats();
  const live = new Map<string, SymbolActor>();
  const breaker = createActor(circuitBreaker, { input: {} }).start();
  const letters: DeadLetter[] = [];
  const sources: InspectSources = {
    symbol: {
      find: (symbol) => {
        const actor = live.get(symbol);
        return actor ? { actor } : undefined;
      },
      list: () => [...live].map(([symbol, actor]) => [symbol, { actor }] as const),
    },
    breaker: {
      find: (name) => (name === 'candleSink' ? { poll: () => breaker.getSnapshot() } : undefined),
      list: () => [['candleSink', { poll: () => breaker.getSnapshot() }]],
    },
  };
  const relay = new InspectRelay({
    nc: nats.nc,
    workerId: 'w1',
    sources,
    reporter: { deadLetter: (letter) => letters.push(letter) },
    log: silentLogger(),
    options,
  });
  relay.start();
  /** A live, hydrated symbol actor that the relay was told about, as the host does. */
  const hydrate = (symbol: string) => {
    const { actor } = symbolActor(symbol);
    relay.actorCreated('symbol', symbol, actor);
    actor.start();
    actor.send({ type: 'HYDRATED' });
    live.set(symbol, actor);
    return actor;
  };
  const command = (fields: Partial<InspectCommand>): InspectCommand => ({
    v: 1,
    type: 'inspect',
    enabled: true,
    at: Date.now(),
    ...fields,
  });
  const events = (type?: string) =>
    nats.published
      .map((p) => p.value)
      .filter((v) => typeof v._version === 'string' && (type === undefined || v.type === type));
  return { nats, relay, breaker, letters, hydrate, command, events, live };
}

describe('InspectRelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('relays nothing and watches no actor without a selection', () => {
    const { relay, hydrate, nats } = setup();
    const actor = hydrate('AAPL');
    for (let seq = 1; seq <= 20; seq++) actor.send(tickEvent('AAPL', seq));
    expect(nats.published).toEqual([]);
    expect(relay.inspectedActors()).toEqual([]);
    relay.stop();
  });

  it('announces a selected live actor: @xstate.actor with definition, its children, a snapshot', () => {
    const { relay, hydrate, command, events, nats } = setup();
    const aapl = hydrate('AAPL');
    hydrate('MSFT');
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    expect(nats.published.every((p) => p.subject === 'sys.inspect.w1')).toBe(true);
    const actors = events('@xstate.actor');
    expect(actors.map((a) => a.name)).toEqual([
      'symbol/AAPL@w1',
      'expiryTimer',
      'housekeepingTimer',
    ]);
    expect(actors.every((a) => a.rootId === `w1:${aapl.sessionId}`)).toBe(true);
    const definition = JSON.parse(actors[0]?.definition as string);
    expect(Object.keys(definition.states)).toContain('passivated');
    expect(events('@xstate.snapshot')).toEqual([
      expect.objectContaining({
        sessionId: `w1:${aapl.sessionId}`,
        event: { type: '@ballast.announce' },
        snapshot: expect.objectContaining({ value: { active: 'live' } }),
      }),
    ]);
    expect(relay.inspectedActors()).toEqual(['symbol/AAPL']);
    relay.stop();
  });

  it('re-announces on every enabling command, at most once per announceIntervalMs', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { relay, hydrate, command, events } = setup({ announceIntervalMs: 1_000 });
    hydrate('AAPL');
    relay.apply(command({ actorKind: 'symbol' }));
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    expect(events('@xstate.actor').filter((a) => a.name === 'symbol/AAPL@w1')).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    expect(events('@xstate.actor').filter((a) => a.name === 'symbol/AAPL@w1')).toHaveLength(2);
    relay.stop();
  });

  it('relays an actor created while selected from its start, and ticks as they fold', () => {
    const { relay, hydrate, command, events } = setup();
    relay.apply(command({ actorKind: 'symbol', actorId: 'NVDA' }));
    const nvda = hydrate('NVDA');
    nvda.send(tickEvent('NVDA', 1));
    const types = events('@xstate.event').map((e) => (e.event as { type: string }).type);
    expect(types.slice(0, 1)).toEqual(['xstate.init']);
    expect(types).toContain('HYDRATED');
    expect(types).toContain('TICK');
    const last = events('@xstate.snapshot').at(-1);
    expect(last).toMatchObject({
      sessionId: `w1:${nvda.sessionId}`,
      snapshot: { context: { symbol: 'NVDA', lastAppliedSeq: 1 } },
    });
    relay.stop();
  });

  it('rate-limits each actor and counts what it drops', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { relay, hydrate, command } = setup({ ratePerSecond: 10, burst: 5 });
    const actor = hydrate('AAPL');
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    const announced = relay.counters.announced;
    // Each tick is one @xstate.event and one @xstate.snapshot.
    for (let seq = 1; seq <= 50; seq++) actor.send(tickEvent('AAPL', seq));
    expect(relay.counters.relayed - announced).toBe(5);
    expect(relay.counters.rateLimited).toBe(95);
    vi.advanceTimersByTime(1_000);
    for (let seq = 51; seq <= 100; seq++) actor.send(tickEvent('AAPL', seq));
    expect(relay.counters.relayed - announced).toBe(10);
    relay.stop();
  });

  it('expires a selection after its TTL unless renewed, then relays nothing', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { relay, hydrate, command, nats } = setup({ ttlMs: 500, tickMs: 100 });
    const actor = hydrate('AAPL');
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    vi.advanceTimersByTime(300);
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    vi.advanceTimersByTime(300);
    expect(relay.inspectedActors()).toEqual(['symbol/AAPL']);
    vi.advanceTimersByTime(300);
    expect(relay.inspectedActors()).toEqual([]);
    expect(relay.selectionCount).toBe(0);
    expect(relay.counters.expired).toBe(1);
    const before = nats.published.length;
    actor.send(tickEvent('AAPL', 1));
    vi.advanceTimersByTime(5_000);
    expect(nats.published.length).toBe(before);
    relay.stop();
  });

  it('disabling stops the observer; a catch-all disable clears every selection', () => {
    const { relay, hydrate, command, nats } = setup();
    const actor = hydrate('AAPL');
    hydrate('MSFT');
    relay.apply(command({ actorKind: 'symbol' }));
    expect(relay.inspectedActors().sort()).toEqual(['symbol/AAPL', 'symbol/MSFT']);
    relay.apply(command({ enabled: false }));
    expect(relay.inspectedActors()).toEqual([]);
    const before = nats.published.length;
    actor.send(tickEvent('AAPL', 1));
    expect(nats.published.length).toBe(before);
    relay.stop();
  });

  it('sends the last snapshot of an actor that ends, past the rate limit, then lets it go', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { relay, hydrate, command, events } = setup({ burst: 1, ratePerSecond: 1 });
    const actor = hydrate('AAPL');
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    actor.send(tickEvent('AAPL', 1));
    actor.send({ type: 'PASSIVATE' });
    expect(events('@xstate.snapshot').at(-1)).toMatchObject({
      snapshot: { status: 'done', value: 'passivated' },
    });
    expect(relay.inspectedActors()).toEqual([]);
    relay.stop();
  });

  it('dead-letters and counts bad ctl.inspect payloads, and keeps working', () => {
    const { relay, hydrate, nats, letters, events } = setup();
    hydrate('AAPL');
    nats.deliver(new Uint8Array([0xc1, 0x00]));
    nats.deliver(encodeControl({ v: 1, type: 'reload', reason: 'wrong subject', at: Date.now() }));
    nats.deliver(
      encodeControl({ v: 1, type: 'inspect', enabled: true, actorKind: 'nosuch', at: Date.now() }),
    );
    nats.deliver(
      encodeControl({ v: 1, type: 'inspect', enabled: true, worker: 'w9', at: Date.now() }),
    );
    expect(relay.counters).toMatchObject({ badCommands: 2, unknownKind: 1, otherWorker: 1 });
    expect(letters.map((l) => l.reason)).toEqual(['decode_failed', 'processing_failed']);
    expect(relay.selectionCount).toBe(0);
    nats.deliver(
      encodeControl({
        v: 1,
        type: 'inspect',
        enabled: true,
        actorKind: 'symbol',
        actorId: 'AAPL',
        at: Date.now(),
      }),
    );
    expect(events('@xstate.actor')[0]).toMatchObject({ name: 'symbol/AAPL@w1' });
    relay.stop();
  });

  it('bounds selections and inspected actors, counting refusals', () => {
    const { relay, hydrate, command } = setup({ maxSelections: 2, maxActors: 2 });
    for (const s of ['A', 'B', 'C']) hydrate(s);
    relay.apply(command({ actorKind: 'symbol' }));
    expect(relay.inspectedActors()).toHaveLength(2);
    expect(relay.counters.actorsRefused).toBe(1);
    relay.apply(command({ actorKind: 'breaker' }));
    relay.apply(command({ actorKind: 'reloader' }));
    expect(relay.selectionCount).toBe(2);
    expect(relay.counters.selectionsRefused).toBe(1);
    relay.stop();
  });

  it('polls an actor it only has snapshots of and relays each change', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { relay, breaker, command, events } = setup({ tickMs: 100 });
    relay.apply(command({ actorKind: 'breaker', actorId: 'candleSink' }));
    const announced = events('@xstate.actor');
    expect(announced).toEqual([
      expect.objectContaining({
        name: 'breaker/candleSink@w1',
        sessionId: 'w1:breaker:candleSink',
      }),
    ]);
    expect(Object.keys(JSON.parse(announced[0]?.definition as string).states)).toEqual([
      'CLOSED',
      'OPEN',
      'HALF_OPEN',
    ]);
    vi.advanceTimersByTime(300);
    expect(events('@xstate.snapshot')).toHaveLength(1);
    breaker.send({ type: 'ISOLATE' });
    vi.advanceTimersByTime(100);
    expect(events('@xstate.snapshot').at(-1)).toMatchObject({
      sessionId: 'w1:breaker:candleSink',
      event: { type: '@ballast.poll' },
      snapshot: { value: { OPEN: expect.any(String) } },
    });
    relay.stop();
  });

  it('never throws into an actor when publishing fails', () => {
    const { relay, hydrate, command, nats } = setup();
    const actor = hydrate('AAPL');
    relay.apply(command({ actorKind: 'symbol', actorId: 'AAPL' }));
    (nats.nc as { publish: unknown }).publish = () => {
      throw new Error('connection closed');
    };
    for (let seq = 1; seq <= 3; seq++) actor.send(tickEvent('AAPL', seq));
    expect(actor.getSnapshot().context.book.lastAppliedSeq).toBe(3);
    expect(relay.counters.failed).toBe(6);
    relay.stop();
  });
});
