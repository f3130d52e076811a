import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../cli/CliError.js';
import { loadCliConfig } from './cliConfig.js';

describe('loadCliConfig', () => {
  const dirs: string[] = [];
  const dir = (config?: unknown) => {
    const d = mkdtempSync(join(tmpdir(), 'ballast-config-'));
    dirs.push(d);
    if (config !== undefined) writeFileSync(join(d, 'ballast.config.json'), JSON.stringify(config));
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('takes flags over environment over the config file over defaults', () => {
    const cwd = dir({ nats: ['nats://127.0.0.1:1001'], user: 'admin', partitions: 8 });
    expect(loadCliConfig({ flags: {}, env: {}, cwd })).toMatchObject({
      nats: ['nats://127.0.0.1:1001'],
      user: 'admin',
      partitions: 8,
      dataDir: '.ballast',
    });
    const env = {
      BALLAST_NATS_URL: 'nats://127.0.0.1:1002,nats://127.0.0.1:1003',
      BALLAST_USER: 'cli',
    };
    expect(loadCliConfig({ flags: {}, env, cwd })).toMatchObject({
      nats: ['nats://127.0.0.1:1002', 'nats://127.0.0.1:1003'],
      user: 'cli',
      partitions: 8,
    });
    expect(loadCliConfig({ flags: { nats: 'nats://127.0.0.1:1004' }, env, cwd }).nats).toEqual([
      'nats://127.0.0.1:1004',
    ]);
  });

  it('names the bad key, its value and where it came from', () => {
    const cwd = dir({ partitions: 0 });
    expect(() => loadCliConfig({ flags: {}, env: {}, cwd })).toThrow(
      /invalid partitions = 0 \(from .*ballast\.config\.json\)/,
    );
    expect(() => loadCliConfig({ flags: {}, env: { BALLAST_USER: 'root' }, cwd: dir() })).toThrow(
      /invalid user = "root" \(from environment variable BALLAST_USER\)/,
    );
    expect(() => loadCliConfig({ flags: { nats: 'http://x' }, env: {}, cwd: dir() })).toThrow(
      /invalid nats = \["http:\/\/x"\] \(from flag --nats\)/,
    );
    expect(() => loadCliConfig({ flags: {}, env: {}, cwd: dir({ natz: 1 }) })).toThrow(
      /unknown key "natz"/,
    );
  });

  it('refuses a missing or malformed config file with exit code 2', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bad.json'), '{ nope');
    const attempt = (config: string) => {
      try {
        loadCliConfig({ flags: { config }, env: {}, cwd });
      } catch (error) {
        return error;
      }
      return null;
    };
    const missing = attempt('missing.json');
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as UsageError).exitCode).toBe(2);
    expect((missing as Error).message).toMatch(/missing\.json does not exist/);
    expect((attempt('bad.json') as Error).message).toMatch(/bad\.json is not valid JSON/);
  });
});
