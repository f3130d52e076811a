import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagedProcess } from './ManagedProcess.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-managed-'));
  dirs.push(dir);
  return dir;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ManagedProcess', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the ready line, logs the output, restarts a crashed child, stops it for good', async () => {
    const dir = scratch();
    const script = join(dir, 'child.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      "console.log('hello'); console.log('READY'); setInterval(() => {}, 1000);\n",
    );
    const crashes: string[] = [];
    const child = new ManagedProcess({
      name: 'child',
      script,
      args: [],
      logFile: join(dir, 'child.log'),
      ready: (line) => line === 'READY',
      onCrash: (name, _code, signal) => crashes.push(`${name} ${signal}`),
    });
    await child.start();
    const first = child.pid as number;
    expect(alive(first)).toBe(true);
    process.kill(first, 'SIGKILL');
    await until(() => child.pid !== undefined && child.pid !== first); // restarted after ~1 s
    expect(crashes).toEqual(['child SIGKILL']);
    expect(child.counters).toEqual({ starts: 2, crashes: 1 });
    const hellos = () => readFileSync(join(dir, 'child.log'), 'utf8').match(/hello/g)?.length;
    await until(() => hellos() === 2); // the new child runs and logs to the same file
    const second = child.pid as number;
    await child.stop(2_000);
    expect(alive(second)).toBe(false);
    expect(child.running).toBe(false);
    const log = readFileSync(join(dir, 'child.log'), 'utf8');
    expect(log).toContain('--- child exited: SIGKILL');
  });

  it('fails start() with the log path when the child exits before it is ready', async () => {
    const dir = scratch();
    const script = join(dir, 'dies.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(script, "console.error('bad config'); process.exit(3);\n");
    const child = new ManagedProcess({
      name: 'dies',
      script,
      args: [],
      logFile: join(dir, 'dies.log'),
      restart: false,
      ready: (line) => line === 'READY',
    });
    await expect(child.start()).rejects.toThrow(
      /dies exited \(code 3\) before it was ready; see .*dies\.log/,
    );
    await child.stop();
    expect(readFileSync(join(dir, 'dies.log'), 'utf8')).toContain('bad config');
  });

  it('SIGKILLs a child that ignores SIGTERM after the grace period', async () => {
    const dir = scratch();
    const script = join(dir, 'stubborn.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      "process.on('SIGTERM', () => {}); console.log('READY'); setInterval(() => {}, 1000);\n",
    );
    const child = new ManagedProcess({
      name: 'stubborn',
      script,
      args: [],
      logFile: join(dir, 'stubborn.log'),
      ready: (line) => line === 'READY',
    });
    await child.start();
    const pid = child.pid as number;
    const started = Date.now();
    await child.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(alive(pid)).toBe(false);
    expect(child.counters.crashes).toBe(0);
  });
});
