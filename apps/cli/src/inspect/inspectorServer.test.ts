import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startInspectorServer } from './inspectorServer.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

describe('startInspectorServer', () => {
  it('serves the bridge page, reports connections, and closes open ones on close', async () => {
    const port = await freePort();
    const server = await startInspectorServer({ port, inspectorUrl: 'http://127.0.0.1:1/x' });
    let seen = 0;
    server.onConnection(() => seen++);
    try {
      const page = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(page).toContain(`ws://localhost:${port}`);
      expect(page).toContain('src="http://127.0.0.1:1/x"');
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      expect(seen).toBeGreaterThanOrEqual(2);
      const closed = new Promise((resolve) => ws.once('close', resolve));
      await server.close();
      await closed;
    } finally {
      await server.close();
    }
  });

  it('disconnects other hosts at once', async () => {
    const address = externalAddress();
    const port = await freePort();
    const server = await startInspectorServer({ port });
    try {
      if (address !== undefined) {
        await expect(fetch(`http://${address}:${port}/`)).rejects.toThrow();
        expect(server.counters.refusedRemote).toBe(1);
      }
      await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(server.counters.connections).toBe(1);
    } finally {
      await server.close();
    }
  });
});
