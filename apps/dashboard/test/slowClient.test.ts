import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '@ballast/nats';
import { encodeErrorEntry } from '@ballast/protocol';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../src/gateway/index.js';
import { GatewayClient } from './gatewayClient.js';

/** Opens `/ws` with a raw TCP socket and then never reads from it again. */
async function neverReadingClient(port: number) {
  const socket = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    [
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  // From here on the kernel's buffers fill, then the gateway's: it must let go of us.
  socket.pause();
  socket.on('error', () => {});
  return socket;
}

function retained(): number {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('a slow dashboard client', () => {
  it('is disconnected and counted, while the gateway memory stays flat and others keep up', async () => {
    await using server = await NatsServer.start({ jetStream: false });
    const staticDir = mkdtempSync(join(tmpdir(), 'ballast-dashboard-web-'));
    const nc = await connect({ servers: server.url });
    const maxBufferedBytes = 256 * 1024;
    const gateway = await startGateway({
      servers: server.url,
      staticDir,
      scrapeMetrics: false,
      limits: { maxBufferedBytes, maxQueuedFrames: 10_000 },
    });
    const port = Number(new URL(gateway.url).port);
    const slow = await neverReadingClient(port);
    try {
      await using fast = await GatewayClient.connect(gateway.wsUrl, { keep: 100 });
      await expect.poll(() => gateway.counters.clients).toBe(2);
      const before = retained();

      // ~4 KB per message: 60 MB at most, far beyond the kernel's socket buffers.
      const message = 'x'.repeat(4_000);
      let published = 0;
      while (gateway.counters.slowClientsDropped === 0 && published < 15_000) {
        for (let i = 0; i < 50; i++, published++) {
          nc.publish(
            'sys.errors',
            encodeErrorEntry({
              v: 1,
              source: `flood/${published}`,
              kind: 'test',
              code: 'flood',
              message,
              at: Date.now(),
            }),
          );
        }
        await nc.flush();
        // Let the gateway and the fast client run between bursts, as a real cluster would.
        await new Promise((r) => setImmediate(r));
      }
      expect(gateway.counters.slowClientsDropped).toBe(1);
      const droppedAfter = published;

      // Another 20 MB to the remaining client: nothing piles up for the dropped one.
      for (let burst = 0; burst < 100; burst++) {
        for (let i = 0; i < 50; i++, published++) {
          nc.publish(
            'sys.errors',
            encodeErrorEntry({
              v: 1,
              source: `flood/${published}`,
              kind: 'test',
              code: 'flood',
              message,
              at: Date.now(),
            }),
          );
        }
        await nc.flush();
        await new Promise((r) => setImmediate(r));
      }
      const last = `flood/${published - 1}`;
      await fast.next((m) => m.type === 'error' && m.entry.source === last, 20_000);
      expect(gateway.counters.slowClientsDropped).toBe(1);
      expect(gateway.counters.clients).toBe(1);
      const growth = retained() - before;
      // Unbounded, the dropped client alone would hold the ~20 MB sent after it stalled.
      expect(growth).toBeLessThan(12 * 1024 * 1024);
      console.log(
        `slow client dropped after ${droppedAfter} messages of ~4 KB; retained growth ${(growth / 1e6).toFixed(1)} MB; the fast client got ${fast.received} frames`,
      );
    } finally {
      slow.destroy();
      await gateway.stop();
      await nc.close();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});
