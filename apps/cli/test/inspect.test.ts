import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { controlSubjects, decodeControl, type InspectCommand, partition } from '@ballast/protocol';
import { silentLogger, type TickFields, TickPublisher, Worker } from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { RoleName } from '../src/config/cliConfig.js';
import { runCli } from '../src/main.js';
import type { Credentials } from '../src/nats/credentials.js';
import { credentialsPath, writeCredentials } from '../src/nats/credentials.js';
import { generateCredentials, renderAuthorization } from '../src/security/roles.js';
import { spawnBallastFromSource } from './cliProcess.js';
import { waitUntil } from './queryCluster.js';

const P = 4;
const baseTs = Date.UTC(2026, 0, 5, 14, 30);

type Event = Record<string, unknown> & { type: string; sessionId: string; name?: string };

/** A WebSocket client of the inspector server, as a browser's page is. */
class InspectorClient {
  readonly events: Event[] = [];
  readonly #ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    // Before 'open': the server's replay can arrive in the same read as the handshake.
    ws.on('message', (data) => this.events.push(JSON.parse(String(data)) as Event));
  }

  static async connect(port: number): Promise<InspectorClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const client = new InspectorClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  actor(name: string): Event | undefined {
    return this.events.find((e) => e.type === '@xstate.actor' && e.name === name);
  }

  close(): void {
    this.#ws.close();
  }
}

/** Runs `ballast <args>` in this process, capturing stderr. */
async function runCaptured(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(['node', 'ballast', ...args]);
    return { code, stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ballast inspect', () => {
  let server: NatsServer;
  let dataDir: string;
  let users: Map<RoleName, Credentials>;
  let w1: Worker;
  let w2: Worker;
  let feedNc: NatsConnection;
  let publisher: TickPublisher;
  let seq = 0;
  const picked: Record<'w1' | 'w2', { selected: string; other: string }> = {
    w1: { selected: '', other: '' },
    w2: { selected: '', other: '' },
  };
  const folded = () => w1.host.counters.ticksFolded + w2.host.counters.ticksFolded;
  const feed = async (symbol: string, count: number) => {
    const target = folded() + count;
    for (let i = 0; i < count; i++) {
      seq++;
      const tick: TickFields = { symbol, price: 50 + (seq % 7), size: 2, ts: baseTs + seq * 500 };
      await publisher.publishNext(tick);
    }
    await publisher.flush();
    await waitUntil(`${target} ticks folded`, () => folded() >= target);
  };
  const connectAs = (role: RoleName) => {
    const creds = users.get(role) as Credentials;
    return connect({ servers: server.url, user: creds.user, pass: creds.password });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ballast-cli-inspect-'));
    users = new Map(
      (['worker', 'gateway', 'admin', 'feed'] as const).map((role) => [
        role,
        generateCredentials(role),
      ]),
    );
    for (const [role, creds] of users) {
      await writeCredentials(credentialsPath(dataDir, role), creds);
    }
    server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
    const worker = users.get('worker') as Credentials;
    const start = (workerId: string) =>
      Worker.start({
        servers: server.url,
        workerId,
        partitions: P,
        http: false,
        log: silentLogger(),
        topology: { leaseTtlMs: 2_000 },
        auth: { user: worker.user, pass: worker.password },
      });
    w1 = await start('w1');
    await waitUntil('w1 owns every partition', () => w1.ownedPartitions().length === P);
    w2 = await start('w2');
    await waitUntil(
      'partitions split 2/2',
      () => w1.ownedPartitions().length === 2 && w2.ownedPartitions().length === 2,
    );
    for (const [id, w] of [
      ['w1', w1],
      ['w2', w2],
    ] as const) {
      const mine = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'TSLA', 'META', 'GOOG', 'NFLX', 'ORCL', 'IBM']
        .concat(Array.from({ length: 30 }, (_, i) => `S${i}`))
        .filter((s) => w.ownedPartitions().includes(partition(s, P)));
      picked[id] = { selected: mine[0] as string, other: mine[1] as string };
    }
    feedNc = await connectAs('feed');
    publisher = new TickPublisher({ js: jetstream(feedNc), partitions: P, feed: 'inspect' });
    for (const { selected, other } of Object.values(picked)) {
      await feed(selected, 3);
      await feed(other, 3);
    }
  }, 60_000);

  afterAll(async () => {
    await publisher?.[Symbol.asyncDispose]();
    await feedNc?.drain();
    await w1?.stop();
    await w2?.stop();
    await server?.[Symbol.asyncDispose]();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 2 on bad selections and 1 when the port is taken', async () => {
    const usage: [string[], RegExp][] = [
      [[], /name what to inspect: --actor symbol\/AAPL/],
      [['--actor', 'nosuch/AAPL'], /unknown actor kind "nosuch"/],
      [['--actor', 'symbol/BRK.B'], /must not contain '\.'/],
      [['--kind', 'symbol', '--port', 'http'], /--port must be an integer >= 1/],
    ];
    for (const [args, message] of usage) {
      const { code, stderr } = await runCaptured(['inspect', ...args]);
      expect([args.join(' '), code]).toEqual([args.join(' '), 2]);
      expect(stderr).toMatch(message);
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const { port } = taken.address() as { port: number };
      const run = await runCaptured([
        '--nats',
        server.url,
        '--data-dir',
        dataDir,
        'inspect',
        '--kind',
        'breaker',
        '--port',
        String(port),
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} is in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('feeds the inspector server events of two workers; late browsers get every actor; Ctrl-C turns it off', async () => {
    const port = await freePort();
    const admin = await connectAs('admin');
    const commands: InspectCommand[] = [];
    admin.subscribe(controlSubjects.inspect, {
      callback: (_, msg) => {
        const c = decodeControl(msg.data);
        if (c.type === 'inspect') commands.push(c);
      },
    });
    await admin.flush();
    const { w1: one, w2: two } = picked;
    const child = spawnBallastFromSource([
      '--nats',
      server.url,
      '--data-dir',
      dataDir,
      'inspect',
      '--actor',
      `symbol/${one.selected}`,
      '--actor',
      `symbol/${two.selected}`,
      '--kind',
      'breaker',
      '--port',
      String(port),
      // Longer than the test: a late browser must not depend on a renewal.
      '--renew-ms',
      '600000',
      '--stats-ms',
      '200',
      '--json',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const clients: InspectorClient[] = [];
    try {
      await waitUntil('the listening line', () => stdout.includes('"type":"listening"'));
      const listening = JSON.parse(stdout.split('\n')[0] as string);
      expect(listening).toMatchObject({
        url: `http://localhost:${port}`,
        selections: [`symbol/${one.selected}`, `symbol/${two.selected}`, 'breaker/*'],
      });
      const early = await InspectorClient.connect(port);
      clients.push(early);
      const roots = [
        `symbol/${one.selected}@w1`,
        `symbol/${two.selected}@w2`,
        'breaker/candleSink@w1',
        'breaker/candleSink@w2',
      ];
      await waitUntil('every selected actor announced', () =>
        roots.every((name) => early.actor(name) !== undefined),
      );
      for (const { selected, other } of Object.values(picked)) {
        await feed(selected, 5);
        await feed(other, 5);
      }
      // A symbol's ticks of one read of the log come as one TICKS event.
      const tickSnapshots = (symbol: string) =>
        early.events.filter(
          (e) =>
            e.type === '@xstate.snapshot' &&
            (e.event as { type: string }).type === 'TICKS' &&
            (e.snapshot as { context: { symbol: string } }).context.symbol === symbol,
        );
      const ticksSeen = (symbol: string) =>
        tickSnapshots(symbol).reduce(
          (n, e) => n + (e.event as { ticks: unknown[] }).ticks.length,
          0,
        );
      await waitUntil('snapshots as ticks arrive', () =>
        Object.values(picked).every(({ selected }) => ticksSeen(selected) === 5),
      );

      for (const [w, { selected }] of Object.entries(picked)) {
        const actor = early.actor(`symbol/${selected}@${w}`) as Event;
        const definition = JSON.parse(actor.definition as string);
        expect(definition.id).toBe('symbolCache');
        expect(Object.keys(definition.states)).toEqual([
          'hydrating',
          'active',
          'passivated',
          'expired',
        ]);
        expect(Object.keys(definition.states.active.states)).toEqual(['live', 'idle']);
        expect(actor.snapshot).toMatchObject({ value: { active: 'live' } });
        expect(actor.sessionId).toMatch(new RegExp(`^${w}:x:\\d+$`));
        expect(tickSnapshots(selected).at(-1)?.sessionId).toBe(actor.sessionId);
      }
      expect(early.actor('breaker/candleSink@w2')?.definition).toContain('HALF_OPEN');
      const ids = (w: string) =>
        new Set(
          early.events.flatMap((e) =>
            ['sessionId', 'rootId', 'parentId', 'sourceId'].flatMap((key) => {
              const id = e[key];
              return typeof id === 'string' && id.startsWith(`${w}:`) ? [id] : [];
            }),
          ),
        );
      for (const e of early.events) {
        expect(e._version).toBe('0.7.2');
        expect(e.sessionId).toMatch(/^w[12]:/);
        expect(String(e.rootId).slice(0, 3)).toBe(e.sessionId.slice(0, 3));
      }
      expect(ids('w1').size).toBeGreaterThan(2);
      expect(ids('w2').size).toBeGreaterThan(2);
      expect([...ids('w1')].filter((id) => ids('w2').has(id))).toEqual([]);
      // Every id an event carries names the worker that relayed it.
      const lines = stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => JSON.parse(line) as { worker: string; event: Event });
      // Each relayed event is a line: at least the four announcements and the selected
      // symbols' TICKS events with their snapshots.
      const tickEvents = Object.values(picked).reduce(
        (n, { selected }) => n + tickSnapshots(selected).length,
        0,
      );
      expect(lines.length).toBeGreaterThanOrEqual(roots.length + 2 * tickEvents);
      for (const { worker, event } of lines) {
        for (const key of ['sessionId', 'rootId', 'parentId', 'sourceId']) {
          if (event[key] !== undefined) expect(event[key]).toMatch(new RegExp(`^${worker}:`));
        }
      }
      const names = early.events.map((e) => String(e.name ?? ''));
      for (const { other } of Object.values(picked)) {
        expect(names.filter((n) => n.startsWith(`symbol/${other}@`))).toEqual([]);
        expect(tickSnapshots(other)).toEqual([]);
      }

      // Push the announcements out of the server's 200-message replay.
      const announcedAt = Math.max(
        ...roots.map((name) => early.events.indexOf(early.actor(name) as Event)),
      );
      while (early.events.length - announcedAt < 230) {
        await feed(one.selected, 20);
        await feed(two.selected, 20);
      }
      const late = await InspectorClient.connect(port);
      clients.push(late);
      await waitUntil(
        'the late client got every selected actor',
        () => roots.every((name) => late.actor(name) !== undefined),
        5_000,
      );
      for (const name of roots)
        expect(late.actor(name)?.sessionId).toBe(early.actor(name)?.sessionId);
      const oneSession = early.actor(`symbol/${one.selected}@w1`)?.sessionId;
      expect(
        late.events.some((e) => e.type === '@xstate.snapshot' && e.sessionId === oneSession),
      ).toBe(true);
      expect(commands.filter((c) => c.enabled)).toHaveLength(3);
      await waitUntil('a stats line', () => /relayed by 2 worker\(s\): \d+ events/.test(stderr));
      expect(stdout).toMatch(/^\{"worker":"w1","event":\{"type":"@xstate\.actor"/m);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(commands.filter((c) => !c.enabled)).toEqual([
        expect.objectContaining({ actorKind: 'symbol', actorId: one.selected }),
        expect.objectContaining({ actorKind: 'symbol', actorId: two.selected }),
        expect.objectContaining({ actorKind: 'breaker' }),
      ]);
      await waitUntil(
        'inspection off on both workers',
        () => w1.inspect.selectionCount === 0 && w2.inspect.selectionCount === 0,
      );
      expect(w1.inspect.inspectedActors()).toEqual([]);
    } finally {
      for (const client of clients) client.close();
      if (child.exitCode === null) child.kill('SIGKILL');
      await admin.drain();
    }
  });
});
