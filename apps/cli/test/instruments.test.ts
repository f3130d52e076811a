import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueryCluster, startQueryCluster, waitUntil } from './queryCluster.js';

describe('ballast instruments', () => {
  let cluster: QueryCluster;
  beforeAll(async () => {
    cluster = await startQueryCluster(0);
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
  });

  it('adds, lists and removes; the worker reloads the registry', async () => {
    const add = await cluster.run(
      'instruments',
      'add',
      'AAPL-C-190',
      '--expires',
      '2030-06-01T21:00:00Z',
      '--json',
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      symbol: 'AAPL-C-190',
      expiresAt: Date.parse('2030-06-01T21:00:00Z'),
    });
    expect((await cluster.run('instruments', 'add', 'MSFT')).stdout).toBe(
      'added MSFT (expires never)\n',
    );

    const list = await cluster.run('instruments', 'list', '--json');
    expect(list.code).toBe(0);
    const records = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { symbol: string });
    expect(records.map((r) => r.symbol)).toEqual(['AAPL-C-190', 'MSFT']);
    const pretty = await cluster.run('instruments', 'list');
    expect(pretty.stdout).toMatch(/│ AAPL-C-190 +│ 2030-06-01T21:00:00.000Z/);
    expect(pretty.stdout).toContain('2 instruments');

    const registry = cluster.worker.services.registry;
    await waitUntil('the worker sees MSFT', () => registry.has('MSFT'), 20_000);

    const remove = await cluster.run('instruments', 'remove', 'MSFT');
    expect(remove.code).toBe(0);
    expect(remove.stdout).toBe('removed MSFT\n');
    const after = await cluster.run('instruments', 'list', '--json');
    expect(
      after.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { symbol: string }).symbol),
    ).toEqual(['AAPL-C-190']);
    await waitUntil('the worker drops MSFT', () => !registry.has('MSFT'), 20_000);
  });

  it('exits 2 for an invalid symbol or expiry, with the registry rule', async () => {
    const bad = await cluster.run('instruments', 'add', 'BTC:USD');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('instrument symbol = BTC:USD is invalid');
    expect(bad.stderr).toContain('map e.g. BTC:USD to BTC-USD');
    const badRemove = await cluster.run('instruments', 'remove', 'BRK.B');
    expect(badRemove.code).toBe(2);
    const badDate = await cluster.run('instruments', 'add', 'X', '--expires', 'soon');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--expires must be an ISO date');
    const past = await cluster.run('instruments', 'add', 'X', '--expires', '2020-01-01');
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('a time after now');
  });

  it('exits 1 removing an unknown symbol, or without the admin role', async () => {
    const unknown = await cluster.run('instruments', 'remove', 'NOPE');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no instrument NOPE in the registry');
    const denied = await cluster.run('--user', 'cli', 'instruments', 'add', 'NVDA');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('permission denied: user "cli"');
  });
});
