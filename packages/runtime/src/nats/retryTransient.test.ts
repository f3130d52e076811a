import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { retryTransient } from './retryTransient.js';

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

describe('retryTransient', () => {
  it('retries timeouts and no-responders until the attempt succeeds', async () => {
    const failures = [named('TimeoutError'), named('JetStreamNotEnabled')];
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'topology';
      },
      { what: 'test', withinMs: 10_000, log: silentLogger() },
    );
    expect(result).toBe('topology');
    expect(calls).toBe(3);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new TypeError('TICKS exists with other subjects');
    };
    await expect(
      retryTransient(attempt, { what: 'test', withinMs: 10_000, log: silentLogger() }),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('gives up with the last transient error once the time is up', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw named('TimeoutError');
    };
    await expect(
      retryTransient(attempt, { what: 'test', withinMs: 600, log: silentLogger() }),
    ).rejects.toThrow('TimeoutError');
    // 250 ms, then 500 ms would pass the deadline: two attempts.
    expect(calls).toBe(2);
  });
});
