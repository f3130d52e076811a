import { encodeCandle, encodePlain } from '@ballast/protocol';
import { headers } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { decodePayload } from './decodePayload.js';
import { prettyPayload, renderMessage } from './renderMessage.js';
import { toJsonValue } from './toJsonValue.js';

const candle = {
  v: 1,
  symbol: 'AAPL',
  tf: '1m',
  start: Date.UTC(2026, 0, 5, 9, 30),
  open: 10,
  high: 11,
  low: 9,
  close: 10.5,
  volume: 100,
  trades: 3,
  closed: true,
} as const;

describe('toJsonValue', () => {
  it('renders bytes as base64, bigint as text, dates as ISO, non-finite numbers by name', () => {
    const value = toJsonValue({
      id: new Uint8Array([1, 2, 3]),
      buf: Buffer.from('hi'),
      big: 12345678901234567890n,
      at: new Date(0),
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      nothing: undefined,
      list: [new Uint8Array([255])],
    });
    expect(value).toEqual({
      id: 'AQID',
      buf: 'aGk=',
      big: '12345678901234567890',
      at: '1970-01-01T00:00:00.000Z',
      nan: 'NaN',
      inf: '-Infinity',
      nothing: null,
      list: ['/w=='],
    });
  });

  it('keeps a "__proto__" key as data and cuts absurd nesting', () => {
    const value = toJsonValue(JSON.parse('{"__proto__": {"x": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"x":1}}');
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = [deep];
    expect(JSON.stringify(toJsonValue(deep))).toContain('nested deeper than 256 levels');
  });
});

describe('decodePayload', () => {
  it('decodes plain MessagePack, byte strings included', () => {
    expect(decodePayload(encodePlain({ a: 1, b: new Uint8Array([1, 2]) }))).toEqual({
      kind: 'value',
      value: { a: 1, b: 'AQI=' },
    });
  });

  it('describes a payload that is not MessagePack instead of throwing, with printable text', () => {
    const text = decodePayload(new TextEncoder().encode('{"a":1}'));
    expect(text).toMatchObject({ kind: 'undecodable', bytes: 7, text: '{"a":1}' });
    expect(text.kind === 'undecodable' && text.reason).toMatch(/^not one MessagePack value: /);
    const binary = decodePayload(new Uint8Array([0xc1, 0x00, 0x01]));
    expect(binary).toMatchObject({ kind: 'undecodable', bytes: 3 });
    expect(binary).not.toHaveProperty('text');
    expect(decodePayload(new Uint8Array([0xd4, 5, 1]))).toMatchObject({
      kind: 'undecodable',
      reason: expect.stringMatching(/Unknown extension/),
    });
  });

  it('tells an empty payload apart', () => {
    expect(decodePayload(new Uint8Array(0))).toEqual({ kind: 'empty' });
  });
});

describe('renderMessage', () => {
  it('prints a header and indented JSON by default', () => {
    const data = encodeCandle(candle);
    const out = renderMessage(
      { subject: 'md.candle.1m.AAPL', data },
      { format: 'pretty', index: 3 },
    );
    const [header, ...body] = out.trimEnd().split('\n');
    expect(header).toBe(`[#3] md.candle.1m.AAPL  (${data.length} bytes)`);
    expect(JSON.parse(body.join('\n'))).toEqual(candle);
    expect(out.endsWith('}\n\n')).toBe(true);
  });

  it('prints one JSON line per message with --json, headers and reply included', () => {
    const h = headers();
    h.set('Nats-Msg-Id', 'AAPL:1');
    const line = renderMessage(
      { subject: 's.x', data: encodeCandle(candle), reply: '_INBOX.1', headers: h },
      { format: 'json' },
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      subject: 's.x',
      reply: '_INBOX.1',
      headers: { 'Nats-Msg-Id': ['AAPL:1'] },
      data: candle,
    });
  });

  it('shows undecodable payloads as {undecodable, bytes}', () => {
    const line = renderMessage(
      { subject: 'x', data: new Uint8Array([0xc1, 7]) },
      { format: 'json' },
    );
    expect(JSON.parse(line).data).toEqual({ undecodable: expect.any(String), bytes: 2 });
  });

  it('prints payload bytes undecoded with raw, base64 or hex', () => {
    const data = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    expect(
      JSON.parse(renderMessage({ subject: 'x', data }, { format: 'json', raw: 'hex' })),
    ).toEqual({ subject: 'x', bytes: 4, hex: 'deadbeef' });
    const pretty = renderMessage({ subject: 'x', data }, { format: 'pretty', raw: 'base64' });
    expect(pretty).toBe('x  (4 bytes)\n3q2+7w==\n\n');
  });

  it('prints an empty reply as such', () => {
    expect(prettyPayload(new Uint8Array(0))).toBe('(empty payload)');
    expect(prettyPayload(encodePlain({ ok: false }))).toBe('{\n  "ok": false\n}');
  });
});
