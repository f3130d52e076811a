import { tickSubject } from '@ballast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopSample } from '../src/cluster/queries/topSample.js';
import { spawnBallastFromSource } from './cliProcess.js';
import { makeTicks, type QueryCluster, startQueryCluster, waitUntil } from './queryCluster.js';

describe('ballast top', () => {
  let cluster: QueryCluster;
  beforeAll(async () => {
    cluster = await startQueryCluster(400);
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
  });

  it('--once --json lists the worker with its partitions and counters', async () => {
    const { code, stdout, stderr } = await cluster.run('top', '--once', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const sample = JSON.parse(lines[0] as string) as TopSample;
    expect(sample.workers.map((w) => w.worker)).toEqual(['w1']);
    const w1 = sample.workers[0];
    expect(w1?.partitions).toEqual([0, 1, 2, 3]);
    expect(w1?.ticksFolded).toBe(cluster.worker.host.counters.ticksFolded);
    expect(w1?.liveActors).toBe(5);
    expect(w1?.rss).toBeGreaterThan(0);
    expect(w1?.deadLetters).toBe(0);
    expect(sample.totals).toMatchObject({ workers: 1, partitions: 4, contested: [] });
  });

  it('--once prints one plain block when stdout is not a TTY', async () => {
    const { code, stdout } = await cluster.run('top', '--once');
    expect(code).toBe(0);
    expect(stdout.match(/^ballast top /gm)).toHaveLength(1);
    expect(stdout).toMatch(/^w1 +0-3 +5 +0 +\d+/m);
    expect(stdout).toMatch(/^TOTAL +4 /m);
  });

  it('samples every interval with rates and system lines, and exits 0 on SIGINT', async () => {
    const child = spawnBallastFromSource([
      '--nats',
      cluster.server.url,
      '--data-dir',
      cluster.dataDir,
      'top',
      '--interval',
      '300',
      '--wait',
      '100',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const blocks = () =>
        stdout.split(/^(?=ballast top )/m).filter((b) => b.startsWith('ballast top'));
      await waitUntil('a first block', () => blocks().length >= 1);
      // Garbage on a tick subject: the worker dead-letters it on sys.deadletter.
      const nc = await cluster.connectAs('admin');
      try {
        nc.publish(tickSubject('AAPL', cluster.partitions), new Uint8Array([0xc1, 0xff]));
        await nc.flush();
      } finally {
        await nc.drain();
      }
      await cluster.feed(makeTicks(100, 400));
      await waitUntil(
        'a block with the dead letter and a rate',
        () => {
          const last = blocks().at(-2) ?? '';
          return (
            last.includes('dead letter  decode_failed') && /^w1 +0-3 +\S+ +\S+ +\S+ +\d/m.test(last)
          );
        },
        15_000,
      );
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/seen since start: \d+ errors?, 1 dead letter\)/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
