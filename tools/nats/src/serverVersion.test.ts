import { describe, expect, it } from 'vitest';
import { NatsToolError } from './errors.js';
import { compareServerVersions, parseServerVersion, supportsFeature } from './serverVersion.js';

describe('parseServerVersion', () => {
  it('reads the output of nats-server --version', () => {
    expect(parseServerVersion('nats-server: v2.9.10\n')).toEqual({
      major: 2,
      minor: 9,
      patch: 10,
      text: '2.9.10',
    });
  });

  it('keeps a pre-release tag in the text', () => {
    expect(parseServerVersion('v2.11.0-RC.1').text).toBe('2.11.0-RC.1');
  });

  it('throws a typed error naming the text when there is no version', () => {
    expect(() => parseServerVersion('command not found')).toThrow(NatsToolError);
    expect(() => parseServerVersion('command not found')).toThrow(/"command not found"/);
  });
});

describe('compareServerVersions', () => {
  it('orders by major, minor, patch numerically, not as strings', () => {
    expect(compareServerVersions('2.9.10', '2.9.9')).toBeGreaterThan(0);
    expect(compareServerVersions('2.10.0', '2.9.10')).toBeGreaterThan(0);
    expect(compareServerVersions('2.9.10', '2.9.10')).toBe(0);
    expect(compareServerVersions('2.9.10', '3.0.0')).toBeLessThan(0);
  });
});

describe('supportsFeature', () => {
  it('says 2.9.10 lacks multi-filter consumers and per-message TTL', () => {
    expect(supportsFeature('2.9.10', 'multiFilterConsumers')).toBe(false);
    expect(supportsFeature('2.9.10', 'perMessageTtl')).toBe(false);
  });

  it('says 2.10 has multi-filter consumers but not per-message TTL', () => {
    expect(supportsFeature('2.10.3', 'multiFilterConsumers')).toBe(true);
    expect(supportsFeature('2.10.3', 'perMessageTtl')).toBe(false);
    expect(supportsFeature('2.11.0', 'perMessageTtl')).toBe(true);
  });
});
