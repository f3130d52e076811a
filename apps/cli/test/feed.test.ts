import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatsServer } from '@ballast/nats';
import { decodeTick, partition, type Tick } from '@ballast/protocol';
import { ensureTopology, topologyNames } from '@ballast/runtime';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeedSummary } from '../src/feed/feedSummary.js';
import { feedSource } from '../src/feed/sourceSeqStart.js';
import { runCli } from '../src/main.js';
import { renderAuthorization } from '../src/security/roles.js';

const P = 16;
const cliDir = fileURLToPath(new URL('..', import.meta.url));
// The CLI from source in a child process (a signal needs a process of its own), no build needed.
const cliFromSource =
  "import { runCli } from './src/main.ts'; process.exitCode = await runCli(process.argv);";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ballast <args>` in-process, capturing stdout and stderr. */
async function ballast(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runCli(['node', 'ballast', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Every message of the TICKS stream, decoded (throws on the first that is not a valid tick). */
async function streamTicks(nc: NatsConnection): Promise<{ subject: string; tick: Tick }[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(topologyNames.ticks)).state.messages;
  const consumer = await jetstream(nc).consumers.get(topologyNames.ticks);
  const out: { subject: string; tick: Tick }[] = [];
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: total - out.length, expires: 5_000 });
    for await (const m of batch) {
      out.push({ subject: m.subject, tick: decodeTick(m.data, { subject: m.subject }) });
    }
  }
  return out;
}

describe('ballast feed (real NATS)', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let dir: string;
  let base: string[];
  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    await ensureTopology(nc, await jetstreamManager(nc), {});
    dir = await mkdtemp(join(tmpdir(), 'ballast-feed-'));
    // An empty data dir: no credentials of a local cluster get picked up.
    base = ['--nats', server.url, '--data-dir', dir];
  });
  afterAll(async () => {
    await nc?.close();
    await server?.[Symbol.asyncDispose]();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('--count 2000 --rate 20000: the stream holds 2,000 valid ticks, numbered per partition', async () => {
    const run = await ballast(
      ...base,
      'feed',
      '--count',
      '2000',
      '--rate',
      '20000',
      '--json-stats',
    );
    expect(run.stderr).toMatch(/feed sim \(simulate\) stopped by count/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as FeedSummary;
    expect(summary).toMatchObject({
      mode: 'simulate',
      feed: 'sim',
      stoppedBy: 'count',
      sent: 2_000,
      published: 2_000,
      duplicates: 0,
      failed: 0,
      rejected: 0,
      abandoned: 0,
      startSeq: { resumed: 0, fromClock: P },
    });
    const stored = await streamTicks(nc);
    expect(stored).toHaveLength(2_000);
    const bySource = new Map<string, number[]>();
    for (const { subject, tick } of stored) {
      const p = partition(tick.symbol, P);
      expect(subject).toBe(`md.tick.${p}.${tick.symbol}`);
      expect(tick.source).toBe(feedSource('sim', p, P));
      expect(tick.price).toBeGreaterThan(0);
      const seqs = bySource.get(tick.source) ?? [];
      seqs.push(tick.sourceSeq);
      bySource.set(tick.source, seqs);
    }
    // Consecutive per partition from a clock-based start (µs): the SequenceTracker's contract.
    for (const seqs of bySource.values()) {
      expect(seqs[0] as number).toBeGreaterThan(Date.UTC(2020, 0, 1) * 1_000);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    }
    // Several symbols, some hot: not one symbol, not all different.
    const symbols = new Set(stored.map((s) => s.tick.symbol));
    expect(symbols.size).toBeGreaterThan(50);
    expect(symbols.size).toBeLessThan(500);
  });

  it('a second run of the same source continues each partition where the log ends', async () => {
    const before = await streamTicks(nc);
    const lastSeq = new Map<string, number>();
    for (const { tick } of before) lastSeq.set(tick.source, tick.sourceSeq);
    const run = await ballast(
      ...base,
      'feed',
      '--count',
      '500',
      '--rate',
      '20000',
      '--seed',
      '2',
      '--json-stats',
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as FeedSummary;
    expect(summary.startSeq.resumed).toBe(lastSeq.size);
    expect(summary.published).toBe(500);
    const after = (await streamTicks(nc)).slice(before.length);
    expect(after).toHaveLength(500);
    const firstSeen = new Map<string, number>();
    for (const { tick } of after)
      if (!firstSeen.has(tick.source)) firstSeen.set(tick.source, tick.sourceSeq);
    for (const [source, seq] of firstSeen) {
      if (lastSeq.has(source)) expect(seq).toBe((lastSeq.get(source) as number) + 1);
    }
  });

  it('--csv replays good rows and reports bad ones with line and reason', async () => {
    const file = join(dir, 'ticks.csv');
    await writeFile(
      file,
      [
        'ts,symbol,price,size,openInterest',
        '2024-03-01T14:30:00.000Z,AAPL,187.25,100,',
        '2024-03-01T14:30:00.010Z,BRK.B,410,1,',
        '2024-03-01T14:30:00.020Z,AAPL-20241220-C190,4.1,3,1200',
        'yesterday,MSFT,410,1,',
        '2024-03-01T14:30:00.030Z,MSFT,410.5,5,',
      ].join('\n'),
    );
    const before = (await streamTicks(nc)).length;
    const run = await ballast(...base, 'feed', '--csv', file, '--speed', '0', '--json-stats');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as FeedSummary;
    expect(summary).toMatchObject({
      mode: 'csv',
      feed: 'csv',
      stoppedBy: 'end of input',
      published: 3,
    });
    expect(summary.csv).toMatchObject({ rows: 5, good: 3, bad: 2 });
    expect(run.stderr).toMatch(/line 3: symbol "BRK\.B"/);
    expect(run.stderr).toMatch(/line 5: ts "yesterday"/);
    const replayed = (await streamTicks(nc)).slice(before).map((s) => s.tick);
    expect(replayed.map((t) => [t.symbol, t.ts, t.openInterest])).toEqual([
      ['AAPL', Date.UTC(2024, 2, 1, 14, 30), undefined],
      ['AAPL-20241220-C190', Date.UTC(2024, 2, 1, 14, 30, 0, 20), 1200],
      ['MSFT', Date.UTC(2024, 2, 1, 14, 30, 0, 30), undefined],
    ]);
  });

  it('refuses bad flag combinations with exit code 2', async () => {
    for (const args of [
      ['--csv', 'x.csv', '--rate', '10'],
      ['--speed', '2'],
      ['--burst-factor', '3'],
      ['--burst-every', '2', '--burst-seconds', '2'],
      ['--rate', 'fast'],
      ['--source', 'a.b'],
      ['--csv', join(dir, 'missing.csv')],
    ]) {
      const run = await ballast(...base, 'feed', ...args);
      expect(run.code, args.join(' ')).toBe(2);
    }
  });

  it('says to run `ballast up` when the TICKS stream does not exist', async () => {
    await using bare = await NatsServer.start();
    const run = await ballast('--nats', bare.url, '--data-dir', dir, 'feed', '--count', '1');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TICKS stream does not exist: start the cluster with `ballast up`/);
  });

  it('as the feed role, resumes each partition after its last tick in the log', async () => {
    const users = new Map([
      ['feed', { user: 'feed', password: 'feed-secret' }],
      ['admin', { user: 'admin', password: 'admin-secret' }],
    ] as const);
    await using secured = await NatsServer.start({ extraConfig: renderAuthorization(users) });
    const admin = await connect({ servers: secured.url, user: 'admin', pass: 'admin-secret' });
    try {
      await ensureTopology(admin, await jetstreamManager(admin), {});
      const creds = join(dir, 'feed.json');
      await writeFile(creds, JSON.stringify(users.get('feed')));
      const args = ['--nats', secured.url, '--data-dir', dir, '--creds', creds, 'feed'];
      const first = await ballast(...args, '--count', '300', '--rate', '20000', '--json-stats');
      expect(first.code).toBe(0);
      expect((JSON.parse(first.stdout) as FeedSummary).published).toBe(300);
      const again = await ballast(...args, '--count', '300', '--rate', '20000', '--json-stats');
      expect(again.code).toBe(0);
      const summary = JSON.parse(again.stdout) as FeedSummary;
      expect(summary.published).toBe(300);
      // Every partition had a tick of this source: all resume, none falls back to the clock.
      expect(summary.startSeq).toMatchObject({ resumed: P, fromClock: 0 });
      expect(again.stderr).not.toMatch(/tick log not readable/);
    } finally {
      await admin.close();
    }
  });

  it('stops on SIGINT with exit 0, every sent tick acked and in the stream', async () => {
    const before = (await streamTicks(nc)).length;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        cliFromSource,
        'ballast',
        ...base,
        'feed',
        '--rate',
        '3000',
        '--source',
        'sigint',
        '--json-stats',
      ],
      { cwd: cliDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const jsm = await jetstreamManager(nc);
      const deadline = Date.now() + 20_000;
      while ((await jsm.streams.info(topologyNames.ticks)).state.messages < before + 1_000) {
        if (Date.now() > deadline) throw new Error(`the feed published nothing; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const summary = JSON.parse(stdout) as FeedSummary;
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.published).toBe(summary.sent);
    expect(summary.failed).toBe(0);
    expect((await streamTicks(nc)).length).toBe(before + summary.sent);
  });
});
