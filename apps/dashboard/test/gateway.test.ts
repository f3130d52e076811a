import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import {
  decodeControl,
  encodeCandle,
  encodeDeadLetter,
  encodeErrorEntry,
  type InspectCommand,
} from '@ballast/protocol';
import { decodeQuery, encodeQuery, type WorkerStatus } from '@ballast/runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage, StatechartDefinition } from '../src/gateway/index.js';
import { type Gateway, startGateway } from '../src/gateway/index.js';
import { GatewayClient } from './gatewayClient.js';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
const is =
  <T extends ServerMessage['type']>(type: T) =>
  (m: ServerMessage): m is Of<T> =>
    m.type === type;

function status(worker: string, at: number, ticksFolded: number, breaker: number): WorkerStatus {
  return {
    v: 1,
    worker,
    at,
    startedAt: at - 60_000,
    partitions: worker === 'worker-1' ? [0, 1] : [2, 3],
    liveActors: 12,
    retiringActors: 0,
    ticksFolded,
    lag: 3,
    rss: 90_000_000,
    heapUsed: 40_000_000,
    connection: 'connected',
    breakers: { candleSink: breaker },
    sinkDropped: 0,
    deadLetters: 0,
    errors: 0,
    httpUrl: null,
  };
}

describe('dashboard gateway', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let gateway: Gateway;
  const staticDir = mkdtempSync(join(tmpdir(), 'ballast-dashboard-web-'));

  beforeAll(async () => {
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Ballast</title>');
    server = await NatsServer.start({ jetStream: false });
    nc = await connect({ servers: server.url });
    gateway = await startGateway({
      servers: server.url,
      staticDir,
      partitions: 4,
      scrapeMetrics: false,
      limits: { maxClients: 4, queryTimeoutMs: 1_000, pollIntervalMs: 200 },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await nc?.close();
    await server?.stop();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('serves the page and refuses other upgrades than /ws from its own origin', async () => {
    const page = await fetch(gateway.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Ballast</title>');
    expect((await fetch(new URL('/../../etc/passwd', gateway.url))).status).toBe(404);
    const refused = gateway.counters.clientsRefused;
    await expect(
      GatewayClient.connect(gateway.wsUrl, { headers: { Origin: 'http://evil.example' } }),
    ).rejects.toThrow(/403/);
    await expect(GatewayClient.connect(gateway.url.replace('http', 'ws'))).rejects.toThrow(/403/);
    expect(gateway.counters.clientsRefused).toBe(refused + 2);
  });

  it('streams announcements, derives rates and breaker transitions, and replays history to a late page', async () => {
    const early = await GatewayClient.connect(gateway.wsUrl);
    try {
      await early.next(is('hello'));
      const t0 = Date.now();
      nc.publish('sys.workers', encodeQuery(status('worker-1', t0, 1_000, 0)));
      nc.publish('sys.workers', encodeQuery(status('worker-1', t0 + 2_000, 1_600, 1)));
      nc.publish('sys.workers', encodeQuery(status('worker-2', t0, 500, 0)));
      nc.publish('sys.workers', encodeQuery({ worker: 42 })); // not a status: counted
      nc.publish(
        'sys.errors',
        encodeErrorEntry({
          v: 1,
          source: 'symbolCache/AAPL',
          kind: 'symbolCache',
          code: 'publish_failed',
          message: 'candle publish timed out',
          at: t0,
        }),
      );
      nc.publish(
        'sys.deadletter',
        encodeDeadLetter({
          v: 1,
          reason: 'decode_failed',
          subject: 'md.tick.0.ZZZ',
          detail: 'not msgpack',
          at: t0,
          payload: new Uint8Array([0xc1, 0xff]),
          payloadSize: 2,
        }),
      );
      nc.publish(
        'sys.sink',
        encodeQuery({
          v: 1,
          id: 'sink-1',
          at: t0,
          settings: { down: true },
          counters: { received: 7 },
          symbols: 3,
        }),
      );
      await nc.flush();

      const transition = await early.next(is('breaker'));
      expect(transition.transition).toMatchObject({
        worker: 'worker-1',
        breaker: 'candleSink',
        from: 'CLOSED',
        to: 'OPEN',
      });
      const rated = await early.next(
        (m): m is Of<'worker'> => m.type === 'worker' && m.sample.ticksPerSecond > 0,
      );
      expect(rated.sample.ticksPerSecond).toBe(300); // 600 ticks in 2 s
      await early.next(is('sink'));

      // A page opened now gets all of it in its hello.
      await using late = await GatewayClient.connect(gateway.wsUrl);
      const { history, partitions } = await late.next(is('hello'));
      expect(partitions).toBe(4);
      expect(history.workers.map((w) => w.status.worker)).toEqual(['worker-1', 'worker-2']);
      expect(history.samples['worker-1']?.map((s) => s.ticksPerSecond)).toEqual([0, 300]);
      expect(history.breakerTransitions).toHaveLength(1);
      expect(history.errors.map((e) => e.code)).toEqual(['publish_failed']);
      expect(history.deadLetters[0]).toMatchObject({ reason: 'decode_failed', payloadHex: 'c1ff' });
      expect(history.sinks[0]).toMatchObject({ id: 'sink-1', settings: { down: true } });
      expect(gateway.counters.invalidMessages).toBeGreaterThanOrEqual(1);
    } finally {
      await early.close();
    }
  });

  it('proxies symbol queries to the owning worker and says when nobody answers', async () => {
    const asked: unknown[] = [];
    const responder = nc.subscribe('actor.symbol.AAPL.query', {
      callback: (_e, msg) => {
        asked.push(decodeQuery(msg.data));
        msg.respond(
          encodeQuery({
            v: 1,
            kind: 'symbol',
            found: true,
            symbol: 'AAPL',
            worker: 'worker-1',
            partition: 1,
            lifecycle: 'live',
            lastAppliedSeq: 41,
            digest: 'abc',
            quote: { price: 187.5, size: 100, ts: 1_700_000_000_000, seq: 41 },
            tf: '5m',
            candles: [],
            openInterest: null,
          }),
        );
      },
    });
    try {
      await nc.flush();
      await using client = await GatewayClient.connect(gateway.wsUrl);
      const reply = await client.request({ type: 'query', symbol: 'AAPL', tf: '5m', limit: 20 });
      expect(reply).toMatchObject({ ok: true, result: { symbol: 'AAPL', lifecycle: 'live' } });
      expect(asked).toEqual([{ tf: '5m', limit: 20 }]);

      const missing = await client.request({ type: 'query', symbol: 'NOPE' });
      expect(missing).toMatchObject({ ok: false });
      expect(missing.ok === false && missing.error).toMatch(
        /no worker answered actor\.symbol\.NOPE\.query/,
      );
      const bad = await client.request({ type: 'query', symbol: 'AAPL', tf: '2m' });
      expect(bad.ok === false && bad.error).toMatch(/unknown timeframe "2m"/);
    } finally {
      responder.unsubscribe();
    }
  });

  it('serves statecharts whose JSON names the machine states', async () => {
    await using client = await GatewayClient.connect(gateway.wsUrl);
    const reply = await client.request({ type: 'definition', machine: 'symbolCache' });
    expect(reply.ok).toBe(true);
    const definition = (reply as { result: StatechartDefinition }).result;
    expect(definition.id).toBe('symbolCache');
    expect(definition.initial).toBe('hydrating');
    expect(definition.states.map((s) => s.id)).toEqual([
      'hydrating',
      'active',
      'active.live',
      'active.idle',
      'passivated',
      'expired',
    ]);
    const unknown = await client.request({ type: 'definition', machine: 'nope' as 'reloader' });
    expect(unknown.ok).toBe(false);
  });

  it('switches inspection on with an InspectCommand on ctl.inspect', async () => {
    const commands: InspectCommand[] = [];
    const sub = nc.subscribe('ctl.inspect', {
      callback: (_e, msg) => {
        commands.push(decodeControl(msg.data) as InspectCommand);
      },
    });
    try {
      await nc.flush();
      await using client = await GatewayClient.connect(gateway.wsUrl);
      const reply = await client.request({ type: 'inspect', actorKind: 'symbol', actorId: 'AAPL' });
      expect(reply).toMatchObject({
        ok: true,
        result: { command: 'ballast inspect --actor symbol/AAPL', url: 'http://localhost:8080' },
      });
      await expect.poll(() => commands.length).toBe(1);
      expect(commands[0]).toMatchObject({
        type: 'inspect',
        enabled: true,
        actorKind: 'symbol',
        actorId: 'AAPL',
      });
      const bad = await client.request({ type: 'inspect', actorKind: 'symbol', actorId: 'a b' });
      expect(bad.ok).toBe(false);
    } finally {
      sub.unsubscribe();
    }
  });

  it("streams the watched symbol's candles only, until it stops watching", async () => {
    await using client = await GatewayClient.connect(gateway.wsUrl);
    expect(await client.request({ type: 'watch', symbol: 'AAPL', tf: '1m' })).toMatchObject({
      ok: true,
      result: { subject: 'md.candle.1m.AAPL' },
    });
    const candle = (symbol: string, close: number) =>
      encodeCandle({
        v: 1,
        symbol,
        tf: '1m',
        start: 1_700_000_040_000,
        open: 10,
        high: 12,
        low: 9,
        close,
        volume: 5,
        trades: 2,
        closed: false,
      });
    nc.publish('md.candle.1m.MSFT', candle('MSFT', 11));
    nc.publish('md.candle.1m.AAPL', candle('AAPL', 11.5));
    await nc.flush();
    const got = await client.next(is('candle'));
    expect(got.candle).toMatchObject({ symbol: 'AAPL', close: 11.5 });
    await client.request({ type: 'watch', symbol: null });
    nc.publish('md.candle.1m.AAPL', candle('AAPL', 11.7));
    await nc.flush();
    await client.request({ type: 'definition', machine: 'reloader' }); // a round trip after it
    expect(client.messages.filter((m) => m.type === 'candle')).toHaveLength(1);
  });

  it('refuses browsers beyond maxClients and counts them', async () => {
    await expect.poll(() => gateway.counters.clients).toBe(0);
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => GatewayClient.connect(gateway.wsUrl)),
    );
    try {
      const refused = gateway.counters.clientsRefused;
      const extra = await GatewayClient.connect(gateway.wsUrl);
      const code = await new Promise<number>((r) => extra.socket.once('close', (c) => r(c)));
      expect(code).toBe(1013);
      expect(gateway.counters.clientsRefused).toBe(refused + 1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
