import { NatsServer } from '@ballast/nats';
import { decodePlain, encodePlain } from '@ballast/protocol';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBallast, startBallast } from './runBallast.js';

let server: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  // A small responder: echoes the decoded request; "svc.silent" never answers.
  nc.subscribe('svc.echo', {
    callback: (_e, msg: Msg) => {
      const request = msg.data.length === 0 ? null : decodePlain(msg.data);
      msg.respond(encodePlain({ echo: request, bytes: new Uint8Array([7]) }));
    },
  });
  nc.subscribe('svc.silent', { callback: () => {} });
  await nc.flush();
});

afterAll(async () => {
  await nc?.close();
  await server?.[Symbol.asyncDispose]();
});

describe('ballast pub', () => {
  it('publishes JSON as MessagePack: ballast sub sees the same object', async () => {
    const value = { a: [1, 'b', { c: null }], d: -2.5, e: true, f: 'ü' };
    const sub = startBallast(['sub', 'test.pub', '--json', '--count', '1', '--nats', server.url]);
    await sub.waitFor(/listening on/);
    const pub = await runBallast(['pub', 'test.pub', JSON.stringify(value), '--nats', server.url]);
    expect(pub).toMatchObject({ code: 0, stdout: '' });
    expect(pub.stderr).toMatch(/^published 1 message \(\d+ bytes each\) to "test\.pub"\n$/);
    const { code, stdout } = await sub.exited;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ subject: 'test.pub', data: value });
  });

  it('reads stdin when no JSON argument is given and repeats with --count', async () => {
    const received: unknown[] = [];
    const sub = nc.subscribe('test.stdin', {
      callback: (_e, msg) => {
        received.push(decodePlain(msg.data));
      },
    });
    await nc.flush();
    try {
      const pub = await runBallast(
        ['pub', 'test.stdin', '--count', '3', '--json', '--nats', server.url],
        { stdin: '{\n  "symbol": "AAPL"\n}\n' },
      );
      expect(pub.code).toBe(0);
      expect(JSON.parse(pub.stdout)).toEqual({ subject: 'test.stdin', count: 3, bytes: 13 });
      await nc.flush();
      expect(received).toEqual([{ symbol: 'AAPL' }, { symbol: 'AAPL' }, { symbol: 'AAPL' }]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('refuses invalid JSON with exit code 2, the parse error and its position, before connecting', async () => {
    // No --nats: it must fail on the JSON, not on finding a server.
    const arg = await runBallast(['pub', 'test.x', '{"a": tru}']);
    expect(arg.code).toBe(2);
    expect(arg.stderr).toContain('invalid JSON in argument at line 1, column 10 (position 9)');
    const stdin = await runBallast(['pub', 'test.x'], { stdin: '{\n "a": 1,\n}' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/invalid JSON in stdin at line 3, column 1 \(position 11\)/);
    expect(stdin.stderr).toContain('\n  }\n  ^');
  });
});

describe('ballast req', () => {
  it('prints the decoded reply, pretty by default', async () => {
    const { code, stdout } = await runBallast(['req', 'svc.echo', '{"q":1}', '--nats', server.url]);
    expect(code).toBe(0);
    expect(stdout).toBe('{\n  "echo": {\n    "q": 1\n  },\n  "bytes": "Bw=="\n}\n');
  });

  it('--json prints one line {subject, data}; no argument sends an empty request', async () => {
    const { code, stdout } = await runBallast(['req', 'svc.echo', '--json', '--nats', server.url]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      subject: 'svc.echo',
      data: { echo: null, bytes: 'Bw==' },
    });
  });

  it('exits 1 with a clear message for no responders and for a timeout', async () => {
    const none = await runBallast(['req', 'svc.nobody', '--nats', server.url]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no responders on "svc.nobody"');
    const started = Date.now();
    const slow = await runBallast(['req', 'svc.silent', '--timeout', '300', '--nats', server.url]);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('no reply on "svc.silent" within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a bad --timeout with exit code 2', async () => {
    const { code, stderr } = await runBallast(['req', 'svc.echo', '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout must be a positive number, got "soon"');
  });
});
