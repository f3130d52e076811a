import { NatsServer } from '@ballast/nats';
import {
  controlSubjects,
  decodePlain,
  encodeControl,
  type InspectCommand,
  partition,
  systemSubjects,
} from '@ballast/protocol';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TickFields, TickPublisher } from '../src/ingest/TickPublisher.js';
import { silentLogger } from '../src/logger.js';
import { Worker } from '../src/worker/Worker.js';
import { workerStats } from '../src/worker/workerStatus.js';
import { symbols } from './harness/seededFeed.js';
import { until, waitFor } from './harness/waitFor.js';

const P = 4;
const baseTs = Date.UTC(2026, 0, 5, 14, 30);

interface Relayed {
  readonly worker: string;
  readonly value: Record<string, unknown> & { type: string; sessionId?: string };
}

describe('inspection relay on two workers', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let w1: Worker;
  let w2: Worker;
  let publisher: TickPublisher;
  const relayed: Relayed[] = [];
  let seq = 0;
  // One selected and one unselected symbol on each worker.
  const picked: Record<'w1' | 'w2', { selected: string; other: string }> = {
    w1: { selected: '', other: '' },
    w2: { selected: '', other: '' },
  };

  const feed = async (symbol: string, count: number) => {
    const ticks: TickFields[] = [];
    for (let i = 0; i < count; i++) {
      seq++;
      ticks.push({ symbol, price: 100 + (seq % 13), size: 1, ts: baseTs + seq * 1_000 });
    }
    const target = w1.host.counters.ticksFolded + w2.host.counters.ticksFolded + count;
    for (const tick of ticks) await publisher.publishNext(tick);
    await publisher.flush();
    await until(
      `${target} ticks folded`,
      () => w1.host.counters.ticksFolded + w2.host.counters.ticksFolded >= target,
    );
  };
  const command = (fields: Partial<InspectCommand>) =>
    nc.publish(
      controlSubjects.inspect,
      encodeControl({ v: 1, type: 'inspect', enabled: true, at: Date.now(), ...fields }),
    );
  const stately = () => relayed.filter((r) => typeof r.value._version === 'string');
  const rootActors = (name: string) =>
    stately().filter((r) => r.value.type === '@xstate.actor' && r.value.name === name);

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    nc.subscribe(systemSubjects.allInspect, {
      callback: (_, msg) => {
        relayed.push({
          worker: msg.subject.slice('sys.inspect.'.length),
          value: decodePlain(msg.data, { maxBytes: 1 << 20 }) as Relayed['value'],
        });
      },
    });
    const start = (workerId: string) =>
      Worker.start({
        servers: server.url,
        workerId,
        partitions: P,
        log: silentLogger(),
        http: false,
        topology: { leaseTtlMs: 2_000 },
      });
    w1 = await start('w1');
    await waitFor('w1 owns every partition', () => w1.ownedPartitions().length === P);
    w2 = await start('w2');
    await waitFor(
      'partitions split 2/2',
      () => w1.ownedPartitions().length === 2 && w2.ownedPartitions().length === 2,
      30_000,
    );
    for (const [id, worker] of [
      ['w1', w1],
      ['w2', w2],
    ] as const) {
      const mine = symbols(40).filter((s) => worker.ownedPartitions().includes(partition(s, P)));
      picked[id] = { selected: mine[0] as string, other: mine[1] as string };
    }
    publisher = new TickPublisher({ js: jetstream(nc), partitions: P, feed: 'inspect-test' });
    for (const { selected, other } of Object.values(picked)) {
      await feed(selected, 3);
      await feed(other, 3);
    }
  }, 60_000);

  afterAll(async () => {
    await publisher?.[Symbol.asyncDispose]();
    await w1?.stop();
    await w2?.stop();
    await nc?.drain();
    await server?.[Symbol.asyncDispose]();
  });

  it('relays well-formed Stately events from both workers, ids prefixed and never colliding', async () => {
    for (const { selected } of Object.values(picked)) {
      command({ actorKind: 'symbol', actorId: selected });
    }
    await waitFor('both selected actors announced', () =>
      Object.entries(picked).every(([w, p]) => rootActors(`symbol/${p.selected}@${w}`).length > 0),
    );
    for (const { selected, other } of Object.values(picked)) {
      await feed(selected, 5);
      await feed(other, 5);
    }
    await waitFor('snapshots of the ticks', () =>
      Object.values(picked).every(({ selected }) =>
        stately().some(
          (r) =>
            r.value.type === '@xstate.snapshot' &&
            (r.value.snapshot as { context?: { symbol?: string; lastAppliedSeq?: number } }).context
              ?.symbol === selected &&
            (r.value.event as { type: string }).type === 'TICKS',
        ),
      ),
    );
    const events = stately();
    for (const [w, { selected }] of Object.entries(picked)) {
      const [announced] = rootActors(`symbol/${selected}@${w}`);
      expect(announced?.worker).toBe(w);
      const definition = JSON.parse(announced?.value.definition as string);
      expect(definition.id).toBe('symbolCache');
      expect(Object.keys(definition.states)).toEqual([
        'hydrating',
        'active',
        'passivated',
        'expired',
      ]);
      expect(Object.keys(definition.states.active.states)).toEqual(['live', 'idle']);
      expect(announced?.value).toMatchObject({
        id: null,
        rootId: announced?.value.sessionId,
        snapshot: { status: 'active', value: { active: 'live' } },
      });
      // The symbol's ticks of one read of the log come as one TICKS event.
      const ticks = events
        .filter(
          (r) =>
            r.value.sessionId === announced?.value.sessionId &&
            r.value.type === '@xstate.event' &&
            (r.value.event as { type: string }).type === 'TICKS',
        )
        .flatMap((r) => (r.value.event as { ticks: { seq: number }[] }).ticks);
      expect(ticks).toHaveLength(5);
    }
    for (const r of events) {
      expect(typeof r.value.createdAt).toBe('string');
      expect(r.value._version).toBe('0.7.2');
      for (const key of ['sessionId', 'rootId', 'parentId', 'sourceId']) {
        const id = r.value[key];
        if (id !== undefined) expect(id).toMatch(new RegExp(`^${r.worker}:`));
      }
    }
    const sessions = (w: string) =>
      new Set(events.filter((r) => r.worker === w).map((r) => r.value.sessionId));
    const both = [...sessions('w1')].filter((id) => sessions('w2').has(id));
    expect(both).toEqual([]);
    expect(sessions('w1').size).toBeGreaterThan(1);
    expect(sessions('w2').size).toBeGreaterThan(1);
    // Unselected actors produce nothing.
    const names = events.filter((r) => r.value.type === '@xstate.actor').map((r) => r.value.name);
    for (const { other } of Object.values(picked)) {
      expect(names.filter((n) => String(n).startsWith(`symbol/${other}@`))).toEqual([]);
      expect(
        events.some(
          (r) => (r.value.snapshot as { context?: { symbol?: string } })?.context?.symbol === other,
        ),
      ).toBe(false);
    }
  });

  it('announces each selected live actor again on every enabling command', async () => {
    const { selected } = picked.w1;
    const before = rootActors(`symbol/${selected}@w1`).length;
    await new Promise((resolve) => setTimeout(resolve, w1.inspect.options.announceIntervalMs));
    command({ actorKind: 'symbol', actorId: selected });
    await waitFor('announced again', () => rootActors(`symbol/${selected}@w1`).length > before);
    const again = rootActors(`symbol/${selected}@w1`).at(-1);
    const snapshot = stately().find(
      (r) =>
        r.value.type === '@xstate.snapshot' &&
        r.value.sessionId === again?.value.sessionId &&
        (r.value.event as { type: string }).type === '@ballast.announce' &&
        Number(r.value.createdAt) >= Number(again?.value.createdAt),
    );
    expect(snapshot?.value.snapshot).toMatchObject({ value: { active: 'live' } });
  });

  it('relays polled breakers of both workers', async () => {
    command({ actorKind: 'breaker' });
    await waitFor('both breakers announced', () =>
      ['w1', 'w2'].every((w) => rootActors(`breaker/candleSink@${w}`).length > 0),
    );
    const [breaker] = rootActors('breaker/candleSink@w2');
    expect(breaker?.value).toMatchObject({
      sessionId: 'w2:breaker:candleSink',
      snapshot: { value: 'CLOSED' },
    });
    command({ actorKind: 'breaker', enabled: false });
    await waitFor('breaker selections gone', () =>
      [w1, w2].every((w) => !w.inspect.inspectedActors().some((a) => a.startsWith('breaker/'))),
    );
  });

  it('rate-limits a hot actor and counts the drops in its metrics', async () => {
    const { selected } = picked.w2;
    const c = w2.inspect.counters;
    const before = { relayed: c.relayed, dropped: c.rateLimited };
    const actor = [...w2.host.liveSymbolActors()].find(([symbol]) => symbol === selected)?.[1];
    if (actor === undefined) throw new Error(`${selected} is not live on w2`);
    // A hot actor: 400 events at once. (Ticks of one read of the log fold as one event, so the
    // feed cannot make 400 of them; these carry an applied tick, which changes nothing.)
    const applied = actor.getSnapshot().context.book.lastAppliedSeq;
    const tick = {
      v: 1 as const,
      symbol: selected,
      price: 100,
      size: 1,
      ts: baseTs,
      source: 'x',
      sourceSeq: 0,
    };
    const startedAt = Date.now();
    for (let i = 0; i < 400; i++) actor.send({ type: 'TICKS', ticks: [{ tick, seq: applied }] });
    // An @xstate.event and an @xstate.snapshot each: relayed or dropped, never queued.
    await until(
      'the relay has seen them',
      () => c.relayed + c.rateLimited - before.relayed - before.dropped >= 800,
    );
    const seconds = (Date.now() - startedAt) / 1_000;
    const relayed = c.relayed - before.relayed;
    const dropped = c.rateLimited - before.dropped;
    expect(actor.getSnapshot().context.book.lastAppliedSeq).toBe(applied);
    const { burst, ratePerSecond } = w2.inspect.options;
    expect(relayed).toBeLessThanOrEqual(burst + Math.ceil(ratePerSecond * seconds));
    expect(dropped).toBeGreaterThan(0);
    expect(workerStats(w2).drops.inspectRateLimited).toBe(c.rateLimited);
    expect(w1.inspect.counters.rateLimited).toBe(0);
  });

  it('counts and dead-letters bad ctl.inspect payloads, and the workers keep folding', async () => {
    const letters: string[] = [];
    const sub = nc.subscribe(systemSubjects.deadLetter, {
      callback: (_, msg) => {
        letters.push(msg.subject);
      },
    });
    await nc.flush();
    nc.publish(controlSubjects.inspect, new Uint8Array([0xc1, 0xff]));
    nc.publish(
      controlSubjects.inspect,
      encodeControl({ v: 1, type: 'reload', reason: 'x', at: Date.now() }),
    );
    await waitFor('both workers counted two', () =>
      [w1, w2].every((w) => w.inspect.counters.badCommands === 2),
    );
    await waitFor('dead letters', () => letters.length >= 4);
    sub.unsubscribe();
    await feed(picked.w1.other, 3);
    expect(w1.inspect.selectionCount).toBeGreaterThan(0);
  });
});
