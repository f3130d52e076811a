import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { decodePlain, encodeCandle } from '@ballast/protocol';
import { decodeSinkReply, sinkSubject } from '@ballast/runtime';
import { errors, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleName } from '../../src/config/cliConfig.js';
import { type Credentials, credentialsPath, writeCredentials } from '../../src/nats/credentials.js';
import { generateCredentials, renderAuthorization } from '../../src/security/roles.js';
import type { SinkStats } from '../../src/sink/sinkStats.js';
import { testCandle } from './candles.js';
import { runBallast, startBallast } from './runBallast.js';
import { until } from './until.js';

let server: NatsServer;
let dataDir: string;
let users: Map<RoleName, Credentials>;
/** Sends candles as a worker does, with the worker role's rights. */
let worker: NatsConnection;
/** Reads sys.> as the cli role. */
let watcher: NatsConnection;

beforeAll(async () => {
  users = new Map(
    (['sink', 'admin', 'worker', 'cli'] as const).map((role) => [role, generateCredentials(role)]),
  );
  server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
  dataDir = await mkdtemp(join(tmpdir(), 'ballast-sink-'));
  for (const [role, creds] of users) await writeCredentials(credentialsPath(dataDir, role), creds);
  const as = (role: RoleName) => {
    const { user, password } = users.get(role) as Credentials;
    return connect({ servers: server.url, user, pass: password });
  };
  worker = await as('worker');
  watcher = await as('cli');
});

afterAll(async () => {
  await worker?.close();
  await watcher?.close();
  await server?.[Symbol.asyncDispose]();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const cluster = () => ['--data-dir', dataDir, '--nats', server.url];

async function sendCandle(i: number, timeout = 2_000) {
  const reply = await worker.request(sinkSubject, encodeCandle(testCandle(i)), { timeout });
  return decodeSinkReply(reply.data);
}

describe('ballast sink', () => {
  it('refuses bad flags with exit code 2', async () => {
    for (const [args, message] of [
      [['sink', '--fail-rate', '2'], '--fail-rate must be between 0 and 1, got "2"'],
      [['sink', '--max-in-flight', '0'], '--max-in-flight must be an integer >= 1'],
      [['sink', '--latency', 'soon'], '--latency must be a number >= 0, got "soon"'],
      [['sink', 'set', '--latency', '9999999'], '--latency must be at most 600000 ms'],
      [['sink', 'set', '--down', '--up'], '--down and --up cannot be used together'],
    ] as const) {
      const { code, stderr } = await runBallast([...args, ...cluster()]);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain(message);
    }
  });

  it('sink set says so when no sink runs', async () => {
    const { code, stderr } = await runBallast(['sink', 'set', '--down', ...cluster()]);
    expect(code).toBe(1);
    expect(stderr).toContain('no sink is running (start one with `ballast sink`)');
  });

  it('answers candles as the sink role, obeys sink set, publishes stats, stops on SIGTERM', async () => {
    const stats: SinkStats[] = [];
    const statsSub = watcher.subscribe('sys.sink', {
      callback: (_e, msg) => {
        stats.push(decodePlain(msg.data) as SinkStats);
      },
    });
    await watcher.flush();
    const sink = startBallast(['sink', '--max-in-flight', '8', ...cluster()]);
    try {
      await sink.waitFor(
        /answering sink\.candles .*\(up, fail-rate 0, latency 0 ms, max-in-flight 8\)/,
      );
      expect(await sendCandle(0)).toEqual({ ok: true });

      const failing = await runBallast(['sink', 'set', '--fail-rate', '1', '--json', ...cluster()]);
      expect(failing.code).toBe(0);
      expect(JSON.parse(failing.stdout)).toEqual({
        down: false,
        failRate: 1,
        latencyMs: 0,
        maxInFlight: 8,
      });
      expect(await sendCandle(1)).toEqual({ ok: false, error: 'injected failure (fail rate 1)' });

      const down = await runBallast(['sink', 'set', '--down', ...cluster()]);
      expect(down).toMatchObject({
        code: 0,
        stdout: 'down, fail-rate 1, latency 0 ms, max-in-flight 8\n',
      });
      expect(await sendCandle(2, 300).catch((e: unknown) => e)).toBeInstanceOf(errors.TimeoutError);

      const up = await runBallast(['sink', 'set', '--up', '--fail-rate', '0', ...cluster()]);
      expect(up.stdout).toBe('up, fail-rate 0, latency 0 ms, max-in-flight 8\n');
      expect(await sendCandle(3)).toEqual({ ok: true });
      // Reading the settings (no flags) changes nothing and is not logged as a change.
      const read = await runBallast(['sink', 'set', '--json', ...cluster()]);
      expect(JSON.parse(read.stdout)).toMatchObject({ down: false, failRate: 0 });
      expect(sink.stderr.match(/sink: settings now .*/g)).toEqual([
        'sink: settings now up, fail-rate 1, latency 0 ms, max-in-flight 8',
        'sink: settings now down, fail-rate 1, latency 0 ms, max-in-flight 8',
        'sink: settings now up, fail-rate 0, latency 0 ms, max-in-flight 8',
      ]);

      // sys.sink every 2 s, the stderr line every 5 s.
      await until('stats on sys.sink', () => stats.some((s) => s.counters.received === 4), 5_000);
      expect(stats.at(-1)?.counters).toMatchObject({
        received: 4,
        acked: 2,
        failed: 1,
        ignoredWhileDown: 1,
      });
      await sink.waitFor(
        /sink: received 4 \(\+\d+\/5s\) acked 2 failed 1 refused 0 ignored\(down\) 1/,
      );

      sink.child.kill('SIGTERM');
      const { code, stderr } = await sink.exited;
      expect(code).toBe(0);
      expect(stderr).toMatch(/sink: SIGTERM, stopped; received 4 acked 2 /);
    } finally {
      statsSub.unsubscribe();
      sink.child.kill('SIGKILL');
    }
  });
});
