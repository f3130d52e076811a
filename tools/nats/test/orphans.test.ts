import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOwnedServers, NatsServer, reapOwnedServers } from '../src/index.js';
import setup from '../src/vitestGlobalSetup.js';
import { isAlive, isZombie, waitUntil } from './processProbe.js';

const holder = fileURLToPath(new URL('./holdServer.mjs', import.meta.url));

describe('findOwnedServers', () => {
  it('finds a running server of its owner and none after dispose', async () => {
    const owner = `t${process.pid}own`;
    const previous = process.env.BALLAST_NATS_OWNER;
    process.env.BALLAST_NATS_OWNER = owner;
    try {
      const server = await NatsServer.start({ jetStream: false });
      expect((await findOwnedServers(owner)).map((s) => s.pid)).toEqual([server.pid]);
      await server[Symbol.asyncDispose]();
      expect(await findOwnedServers(owner)).toEqual([]);
    } finally {
      process.env.BALLAST_NATS_OWNER = previous;
    }
  });

  it('finds the orphan of a SIGKILLed parent, so the test teardown can reap it', async () => {
    const owner = `t${process.pid}orphan`;
    const parent = spawn(process.execPath, [holder], {
      env: { ...process.env, BALLAST_NATS_OWNER: owner },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const serverPid = Number(line.toString().trim());
    parent.kill('SIGKILL');
    await once(parent, 'exit');

    expect(isAlive(serverPid)).toBe(true); // no exit hook runs on SIGKILL: a real orphan
    const orphans = await reapOwnedServers(owner);
    expect(orphans.map((o) => o.pid)).toEqual([serverPid]);
    await waitUntil(() => !isAlive(serverPid) || isZombie(serverPid));
    expect(await findOwnedServers(owner)).toEqual([]);
  });
});

describe('vitest global setup', () => {
  it('fails the run and kills the server when a test leaves one running', async () => {
    const previous = process.env.BALLAST_NATS_OWNER;
    try {
      const teardown = setup();
      const leaked = await NatsServer.start({ jetStream: false });
      const pid = leaked.pid!;
      await expect(teardown()).rejects.toThrow(/1 nats-server process\(es\) outlived the tests/);
      await waitUntil(() => !isAlive(pid) || isZombie(pid));
      // With nothing left, the next teardown passes.
      await expect(teardown()).resolves.toBeUndefined();
    } finally {
      process.env.BALLAST_NATS_OWNER = previous;
    }
  });
});
