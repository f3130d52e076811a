import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { partition } from '@ballast/protocol';
import {
  decodeQuery,
  encodeQuery,
  type SymbolQueryReply,
  silentLogger,
  TickPublisher,
  Worker,
} from '@ballast/runtime';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClusterCredentials } from '../cluster/clusterCredentials.js';
import type { RoleName } from '../config/cliConfig.js';
import type { Credentials } from '../nats/credentials.js';
import { PermissionWatch } from '../nats/PermissionWatch.js';
import { renderAuthorization } from './roles.js';

const partitions = 4;

describe('role permissions on a real nats-server', () => {
  let dataDir: string;
  let users: Map<RoleName, Credentials>;
  let server: NatsServer;
  const open: NatsConnection[] = [];
  const as = async (role: RoleName) => {
    const creds = users.get(role) as Credentials;
    const nc = await connect({ servers: server.url, user: creds.user, pass: creds.password });
    open.push(nc);
    return { nc, watch: new PermissionWatch(nc, creds.user) };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ballast-roles-'));
    users = await ensureClusterCredentials(dataDir);
    server = await NatsServer.start({ extraConfig: renderAuthorization(users) });
  });
  afterAll(async () => {
    for (const nc of open) await nc.close();
    await server?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes credentials readable by their owner only, and keeps them across restarts', async () => {
    const mode = statSync(join(dataDir, 'credentials', 'cli.json')).mode & 0o777;
    expect(mode).toBe(0o600);
    const again = await ensureClusterCredentials(dataDir);
    expect(again.get('admin')).toEqual(users.get('admin'));
  });

  it('refuses a wrong password', async () => {
    await expect(connect({ servers: server.url, user: 'cli', pass: 'wrong' })).rejects.toThrow(
      /Authorization/i,
    );
  });

  it('lets feed, worker and cli do their jobs: publish ticks, fold them, query the actor', async () => {
    const admin = await as('admin');
    const { ensureTopology } = await import('@ballast/runtime');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    await ensureTopology(admin.nc, await jetstreamManager(admin.nc), {});
    const worker = users.get('worker') as Credentials;
    await using w = await Worker.start({
      servers: server.url,
      workerId: 'w1',
      partitions,
      http: false,
      log: silentLogger(),
      auth: { user: worker.user, pass: worker.password },
    });
    const feed = await as('feed');
    const publisher = new TickPublisher({ js: jetstream(feed.nc), partitions, feed: 'roles' });
    const ts = Date.UTC(2026, 10, 23, 10);
    for (let i = 1; i <= 50; i++) {
      await publisher.publishNext({ symbol: 'AAPL', price: 100 + i, size: 1, ts: ts + i * 1_000 });
    }
    await publisher.close();
    expect(publisher.counters.published).toBe(50);
    const deadline = Date.now() + 15_000;
    while (w.host.counters.ticksFolded < 50 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(w.host.counters.ticksFolded).toBe(50);
    const cli = await as('cli');
    const reply = decodeQuery(
      (
        await cli.nc.request('actor.symbol.AAPL.query', encodeQuery({ tf: '1m' }), {
          timeout: 5_000,
        })
      ).data,
    ) as SymbolQueryReply;
    expect(reply).toMatchObject({ found: true, symbol: 'AAPL', lastAppliedSeq: 50 });
    expect(reply.partition).toBe(partition('AAPL', partitions));
    expect(feed.watch.count + cli.watch.count).toBe(0);
  });

  it('denies the cli user publishing ticks, with an error naming user, operation and subject', async () => {
    const cli = await as('cli');
    cli.nc.publish('md.tick.0.AAPL', new Uint8Array([1]));
    await cli.nc.flush();
    await expect(cli.watch.check()).rejects.toThrow(
      'permission denied: user "cli" may not publish to "md.tick.0.AAPL"',
    );
  });

  it('denies control subjects to everyone but admin', async () => {
    for (const role of ['cli', 'feed', 'sink', 'gateway'] as const) {
      const { nc, watch } = await as(role);
      nc.publish('ctl.reload', new Uint8Array([1]));
      await nc.flush();
      await watch.check().catch(() => undefined);
      expect(watch.violations.map((v) => [role, v.subject])).toEqual([[role, 'ctl.reload']]);
    }
    const admin = await as('admin');
    admin.nc.publish('ctl.reload', new Uint8Array([1]));
    await admin.nc.flush();
    await admin.watch.check();
    expect(admin.watch.count).toBe(0);
  });

  it('denies the feed reading candles', async () => {
    const feed = await as('feed');
    feed.nc.subscribe('md.candle.>');
    await feed.nc.flush();
    await expect(feed.watch.check()).rejects.toThrow(
      'permission denied: user "feed" may not subscribe to "md.candle.>"',
    );
  });
});
