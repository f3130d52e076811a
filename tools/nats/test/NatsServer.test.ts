import { access } from 'node:fs/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { NatsServer } from '../src/index.js';
import { isAlive } from './processProbe.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('NatsServer', () => {
  it('starts one JetStream node that accepts a publish, and leaves nothing after dispose', async () => {
    let pid: number | undefined;
    let tempDir: string;
    {
      await using server = await NatsServer.start();
      pid = server.pid;
      tempDir = server.tempDir;
      expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(server.version.text).toMatch(/^2\.\d+\.\d+/);

      const nc = await connect({ servers: server.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
      const ack = await jetstream(nc).publish('t.a', 'hello');
      expect(ack.seq).toBe(1);
      expect(ack.stream).toBe('T');
      await nc.close();

      const jsz = await server.monitor<{ config: { max_memory: number; max_storage: number } }>(
        '/jsz',
      );
      // Explicit limits, not 75% of RAM and 1 TB.
      expect(jsz.config.max_memory).toBe(256 * 1024 * 1024);
      expect(jsz.config.max_storage).toBe(2 * 1024 * 1024 * 1024);
    }
    expect(pid).toBeTypeOf('number');
    expect(isAlive(pid!)).toBe(false);
    expect(await exists(tempDir)).toBe(false);
  });

  it('restarts on the same URL with its stored messages after a SIGKILL', async () => {
    await using server = await NatsServer.start();
    const url = server.url;
    const nc = await connect({ servers: url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
    for (let i = 0; i < 10; i++) await jetstream(nc).publish('t.a', `m${i}`);
    await nc.close();

    const oldPid = server.pid;
    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    expect(server.url).toBe(url);
    expect(server.pid).not.toBe(oldPid);

    const again = await connect({ servers: url });
    const info = await (await jetstreamManager(again)).streams.info('T');
    expect(info.state.messages).toBe(10);
    await again.close();
  });

  it('gives two servers different ports and stores', async () => {
    await using a = await NatsServer.start();
    await using b = await NatsServer.start();
    expect(a.url).not.toBe(b.url);
    expect(a.storeDir).not.toBe(b.storeDir);
  });
});
