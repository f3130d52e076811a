import { NatsServer } from '@ballast/nats';
import { encodeCandle, encodePlain } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCandle } from './candles.js';
import { runBallast, startBallast } from './runBallast.js';

let server: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  await nc?.close();
  await server?.[Symbol.asyncDispose]();
});

/** Starts `ballast sub` and resolves once its subscription is on the server. */
async function subscribe(...args: string[]) {
  const sub = startBallast(['sub', ...args, '--nats', server.url]);
  await sub.waitFor(/listening on/);
  return sub;
}

async function publish(subject: string, data: Uint8Array, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) nc.publish(subject, data);
  await nc.flush();
}

describe('ballast sub', () => {
  it('decodes published candles to pretty JSON and stops after --count', async () => {
    const sub = await subscribe('md.candle.1m.*', '--count', '2');
    nc.publish('md.other.x', encodePlain({ skip: true })); // not matched
    for (let i = 0; i < 3; i++) nc.publish('md.candle.1m.AAPL', encodeCandle(testCandle(i)));
    await nc.flush();
    const { code, stdout, stderr } = await sub.exited;
    expect(stderr).toMatch(/listening on "md\.candle\.1m\.\*"/);
    expect(code).toBe(0);
    const blocks = stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    blocks.forEach((block, i) => {
      const [header, ...json] = block.split('\n');
      expect(header).toMatch(
        new RegExp(`^\\[#${i + 1}\\] md\\.candle\\.1m\\.AAPL  \\(\\d+ bytes\\)$`),
      );
      expect(JSON.parse(json.join('\n'))).toEqual(testCandle(i));
    });
  });

  it('--json prints one parseable {subject, data} object per line', async () => {
    const sub = await subscribe('sys.>', '--json', '--count', '3');
    await publish('sys.errors', encodePlain({ n: 1, bytes: new Uint8Array([1, 2, 3]) }));
    await publish('sys.workers', encodePlain([1, 'two']));
    await publish('sys.inspect.w1', encodePlain({ deep: { ok: true } }));
    const { code, stdout } = await sub.exited;
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { subject: 'sys.errors', data: { n: 1, bytes: 'AQID' } },
      { subject: 'sys.workers', data: [1, 'two'] },
      { subject: 'sys.inspect.w1', data: { deep: { ok: true } } },
    ]);
  });

  it('--raw prints the bytes undecoded, base64 by default or hex', async () => {
    const data = encodeCandle(testCandle(0));
    const base64 = await subscribe('md.raw', '--count', '1', '--raw');
    await publish('md.raw', data);
    expect((await base64.exited).stdout).toBe(
      `[#1] md.raw  (${data.length} bytes)\n${Buffer.from(data).toString('base64')}\n\n`,
    );
    const hex = await subscribe('md.raw', '--json', '--count', '1', '--raw', 'hex');
    await publish('md.raw', data);
    expect(JSON.parse((await hex.exited).stdout)).toEqual({
      subject: 'md.raw',
      bytes: data.length,
      hex: Buffer.from(data).toString('hex'),
    });
  });

  it('prints payloads that are not MessagePack as {undecodable, bytes} and keeps going', async () => {
    const sub = await subscribe('md.junk', '--json', '--count', '4');
    await publish('md.junk', new TextEncoder().encode('hello'));
    await publish('md.junk', new Uint8Array([0xc1, 0xff]));
    await publish('md.junk', new Uint8Array(0));
    await publish('md.junk', encodePlain({ after: 'junk' }));
    const { code, stdout } = await sub.exited;
    expect(code).toBe(0);
    const data = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).data);
    expect(data[0]).toEqual({
      undecodable: expect.stringMatching(/^not one MessagePack value/),
      bytes: 5,
      text: 'hello',
    });
    expect(data[1]).toEqual({ undecodable: expect.any(String), bytes: 2 });
    expect(data[2]).toEqual({ empty: true, bytes: 0 });
    expect(data[3]).toEqual({ after: 'junk' });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const sub = await subscribe('md.quiet');
    sub.child.kill('SIGTERM');
    const { code, signal } = await sub.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('refuses bad flags with exit code 2', async () => {
    for (const args of [
      ['sub', 'x', '--count', '0'],
      ['sub', 'x', '--raw', 'base32'],
      ['sub', 'bad subject', '--nats', server.url],
    ]) {
      const { code, stderr } = await runBallast(args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toMatch(
        /--count must be an integer >= 1|--raw takes base64 or hex|cannot subscribe/,
      );
    }
  });
});
