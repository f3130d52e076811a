import { describe, expect, it } from 'vitest';
import { catchProtocolError } from '../../test/catchProtocolError.js';
import { at, plainPack } from '../../test/fixtures.js';
import { type ControlMessage, decodeControl, encodeControl } from './control.js';

const messages: ControlMessage[] = [
  { v: 1, type: 'reload', reason: 'registry changed', at },
  { v: 1, type: 'reload', reason: '', at },
  { v: 1, type: 'inspect', enabled: true, at },
  {
    v: 1,
    type: 'inspect',
    enabled: false,
    worker: 'w1',
    actorKind: 'symbolCache',
    actorId: 'AAPL',
    at,
  },
  { v: 1, type: 'breaker', action: 'reset', name: 'candlePublish', at },
  { v: 1, type: 'breaker', action: 'isolate', name: 'candlePublish', at },
  { v: 1, type: 'instrument', action: 'add', symbol: 'ESZ5', expiresAt: 1_765_497_600_000, at },
  { v: 1, type: 'instrument', action: 'remove', symbol: 'ESZ5', at },
];

describe('encodeControl / decodeControl', () => {
  it.each(messages.map((m) => [`${m.type} ${JSON.stringify(m).length}`, m] as const))(
    'round-trips %s',
    (_, message) => {
      expect(decodeControl(encodeControl(message))).toEqual(message);
    },
  );

  it('writes inspect selectors in schema order, `at` last', () => {
    const decoded = decodeControl(encodeControl(messages[3]!));
    expect(Object.keys(decoded)).toEqual([
      'v',
      'type',
      'enabled',
      'worker',
      'actorKind',
      'actorId',
      'at',
    ]);
  });

  it('treats nil selectors and expiry as absent', () => {
    const inspect = plainPack({ v: 1, type: 'inspect', enabled: true, worker: null, at });
    expect(decodeControl(inspect)).toEqual({ v: 1, type: 'inspect', enabled: true, at });
    const remove = plainPack({
      v: 1,
      type: 'instrument',
      action: 'remove',
      symbol: 'X',
      expiresAt: null,
      at,
    });
    expect(decodeControl(remove)).toEqual({
      v: 1,
      type: 'instrument',
      action: 'remove',
      symbol: 'X',
      at,
    });
  });

  it.each([
    [{ v: 1, type: 'reboot', at }, 'type', 'one of reload, inspect, breaker, instrument'],
    [{ v: 1, type: 'reload', reason: 7, at }, 'reason', 'a string'],
    [{ v: 1, type: 'reload', reason: 'x'.repeat(4097), at }, 'reason', 'at most 4096'],
    [{ v: 1, type: 'inspect', enabled: 'yes', at }, 'enabled', 'true or false'],
    [{ v: 1, type: 'inspect', enabled: true, worker: 'a.b', at }, 'worker', "'.'"],
    [{ v: 1, type: 'breaker', action: 'open', name: 'b', at }, 'action', 'one of reset, isolate'],
    [{ v: 1, type: 'breaker', action: 'reset', name: '', at }, 'name', 'must not be empty'],
    [{ v: 1, type: 'instrument', action: 'add', symbol: 'A B', at }, 'symbol', 'whitespace'],
    [
      { v: 1, type: 'instrument', action: 'add', symbol: 'A', expiresAt: 5, at },
      'expiresAt',
      'between',
    ],
    [{ v: 1, type: 'reload', reason: 'x', at: -1 }, 'at', 'between'],
    [{ v: 1, type: 'reload', reason: 'x', at, extra: 1 }, 'extra', 'unknown field'],
    [
      { v: 1, type: 'breaker', action: 'reset', name: 'b', at, worker: 'w' },
      'worker',
      'unknown field',
    ],
  ])('refuses %j', (message, field, rule) => {
    const error = catchProtocolError(() => decodeControl(plainPack(message), { subject: 'ctl.x' }));
    expect(error.code).toBe('schema_violation');
    expect(error.field).toBe(field);
    expect(error.message).toContain(rule);
    expect(error.subject).toBe('ctl.x');
  });

  it('validates when encoding too', () => {
    const bad = {
      v: 1,
      type: 'breaker',
      action: 'explode',
      name: 'b',
      at,
    } as unknown as ControlMessage;
    expect(catchProtocolError(() => encodeControl(bad)).field).toBe('action');
  });
});
