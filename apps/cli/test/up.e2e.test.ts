import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, runBallast } from './cliProcess.js';

/** Processes whose command line mentions `text` (workers, feed, sink of this data dir). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** nats-servers whose config stores JetStream in `dataDir` (other runs' servers do not count). */
function natsServersOf(dataDir: string): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'nats-server') continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const config = args[args.indexOf('-c') + 1];
      if (config !== undefined && readFileSync(config, 'utf8').includes(dataDir)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

interface CandleLine {
  readonly subject: string;
  readonly data: {
    symbol: string;
    tf: string;
    start: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
    trades: number;
  };
}

describe('ballast up, end to end', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ballast-up-'));
  let up: ChildProcess | null = null;
  afterAll(async () => {
    // After a failure: stop it the way a user would, so it takes its nats-server along.
    if (up !== null && up.exitCode === null) {
      const exited = once(up, 'exit');
      up.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      up.kill('SIGKILL');
      for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a cluster whose candles, queries and shutdown behave', async () => {
    up = spawn(
      process.execPath,
      [
        cliBin,
        'up',
        '--data-dir',
        dataDir,
        '--symbols',
        '40',
        '--rate',
        '400',
        '--partitions',
        '4',
      ],
      // A process group of its own, like a terminal's foreground job, so the test can press
      // Ctrl-C: the terminal sends SIGINT to every process of the group, not to `up` alone.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let output = '';
    up.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    up.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const started = Date.now();
    while (!output.includes('Ballast is up.')) {
      if (up.exitCode !== null || Date.now() - started > 90_000) {
        throw new Error(`ballast up did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toMatch(/NATS\s+nats:\/\/127\.0\.0\.1:\d+/);
    // The dashboard is served (offline page + gateway) at the printed URL.
    const dashboard = /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(dashboard).toBeDefined();
    const page = await fetch(`${dashboard}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    // Candles arrive on the public subjects within 10 s.
    const sub = await runBallast(
      ['sub', 'md.candle.1m.*', '--count', '5', '--json', '--data-dir', dataDir],
      10_000,
    );
    expect([sub.code, sub.stderr]).toEqual([0, expect.not.stringContaining('ballast:')]);
    const candles = sub.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CandleLine);
    expect(candles).toHaveLength(5);
    for (const { subject, data } of candles) {
      expect(subject).toBe(`md.candle.1m.${data.symbol}`);
      expect(data.tf).toBe('1m');
      expect(data.high).toBeGreaterThanOrEqual(Math.max(data.open, data.close));
      expect(data.low).toBeLessThanOrEqual(Math.min(data.open, data.close));
      expect(data.volume).toBeGreaterThan(0);
    }

    // The owning actor agrees: its candle of the same minute holds at least what was published.
    const seen = candles[candles.length - 1] as CandleLine;
    const query = await runBallast(['query', seen.data.symbol, '--json', '--data-dir', dataDir]);
    expect(query.code).toBe(0);
    const reply = JSON.parse(query.stdout) as { symbol: string; candles: CandleLine['data'][] };
    expect(reply.symbol).toBe(seen.data.symbol);
    const same = reply.candles.find((c) => c.start === seen.data.start);
    expect(same).toBeDefined();
    expect(same?.open).toBe(seen.data.open);
    expect(same?.trades).toBeGreaterThanOrEqual(seen.data.trades);
    expect(same?.high).toBeGreaterThanOrEqual(seen.data.high);
    expect(same?.low).toBeLessThanOrEqual(seen.data.low);

    // The CLI's default user is read-only for ticks.
    const pub = await runBallast(['pub', 'md.tick.0.ZZZ', '{"v":1}', '--data-dir', dataDir]);
    expect(pub.code).toBe(1);
    expect(pub.stderr).toContain(
      'permission denied: user "cli" may not publish to "md.tick.0.ZZZ"',
    );

    // Ctrl-C stops everything in order and leaves nothing behind.
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(4); // 2 workers, feed, sink
    expect(natsServersOf(dataDir)).toBe(1);
    const exited = once(up, 'exit');
    process.kill(-(up.pid as number), 'SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('ballast up: stopped.');
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(natsServersOf(dataDir)).toBe(0);
    // In order: NATS still ran while the workers wrote final snapshots and released leases.
    const workerLogs = ['worker-1.log', 'worker-2.log']
      .map((log) => readFileSync(join(dataDir, 'logs', log), 'utf8'))
      .join('');
    // Each of the 4 partitions given back once at shutdown (rebalances log the same line).
    expect(workerLogs.match(/"reason":"shutdown","msg":"partition lease released"/g)?.length).toBe(
      4,
    );
    expect(workerLogs).not.toMatch(/onReleasing failed|lease delete failed/);
  });
});
