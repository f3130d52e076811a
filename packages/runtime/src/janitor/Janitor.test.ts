import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Janitor, type JanitorTask } from './Janitor.js';
import type { MemorySample } from './memoryUsage.js';

function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** A task whose runs are counted and whose concurrency is tracked. */
function countingTask(name: string, trims: number) {
  const task = {
    name,
    calls: 0,
    run: () => {
      task.calls++;
      return trims;
    },
  };
  return task;
}

/** A task that blocks until released, tracking how many of its runs overlap. */
function slowTask(name: string) {
  let release: () => void = () => {};
  const task = {
    name,
    active: 0,
    maxActive: 0,
    calls: 0,
    release: () => release(),
    run: async () => {
      task.calls++;
      task.active++;
      task.maxActive = Math.max(task.maxActive, task.active);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      task.active--;
      return 1;
    },
  };
  return task;
}

describe('Janitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once at start, then every interval', async () => {
    const { log } = capturingLogger();
    const task = countingTask('instruments', 2);
    await using janitor = new Janitor({ intervalMs: 1000, tasks: [task], log });
    janitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(task.calls).toBe(1);
    expect(janitor.counters).toMatchObject({ runs: 1, trimmed: 2 });
    await vi.advanceTimersByTimeAsync(999);
    expect(task.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(task.calls).toBe(5);
    expect(janitor.counters).toMatchObject({ runs: 5, trimmed: 10, failures: 0, skipped: 0 });
    expect(janitor.lastReport).toMatchObject({ run: 5, trimmed: { instruments: 2 } });
  });

  it('logs one line per run with memory before and after and the count of each task', async () => {
    const { log, lines } = capturingLogger();
    const samples: MemorySample[] = [
      { rss: 300, heapUsed: 200 },
      { rss: 250, heapUsed: 120 },
    ];
    let clock = 1_000;
    const janitor = new Janitor({
      tasks: [
        { name: 'a', run: () => 3 },
        {
          name: 'b',
          run: async () => {
            clock += 40;
            return 4;
          },
        },
      ],
      log,
      memory: () => samples.shift()!,
      now: () => clock,
    });
    const report = await janitor.runNow();
    expect(report).toEqual({
      run: 1,
      startedAt: 1_000,
      durationMs: 40,
      before: { rss: 300, heapUsed: 200 },
      after: { rss: 250, heapUsed: 120 },
      trimmed: { a: 3, b: 4 },
      trimmedTotal: 7,
      failed: [],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'janitor run',
      run: 1,
      durationMs: 40,
      rssBefore: 300,
      rssAfter: 250,
      heapUsedBefore: 200,
      heapUsedAfter: 120,
      trimmed: { a: 3, b: 4 },
      trimmedTotal: 7,
      failed: [],
    });
  });

  it('a task that throws is logged and counted and the other tasks still run', async () => {
    const { log, lines } = capturingLogger();
    const after = countingTask('after', 5);
    const tasks: JanitorTask[] = [
      countingTask('before', 1),
      {
        name: 'sync-throw',
        run: () => {
          throw new Error('boom');
        },
      },
      { name: 'async-reject', run: () => Promise.reject(new Error('async boom')) },
      { name: 'not-a-count', run: () => Number.NaN },
      after,
    ];
    const janitor = new Janitor({ tasks, log });
    const report = await janitor.runNow();
    expect(after.calls).toBe(1);
    expect(report.trimmed).toEqual({ before: 1, after: 5 });
    expect(report.failed).toEqual(['sync-throw', 'async-reject', 'not-a-count']);
    expect(janitor.counters).toMatchObject({ runs: 1, trimmed: 6, failures: 3 });
    const errors = lines.filter((line) => line.msg === 'janitor task failed');
    expect(errors.map((line) => line.task)).toEqual(['sync-throw', 'async-reject', 'not-a-count']);
    expect(errors[0]).toMatchObject({ level: 50, err: { message: 'boom' } });
    expect(errors[2]).toMatchObject({ err: { message: expect.stringMatching(/returned NaN/) } });
  });

  it('never overlaps runs: ticks during a slow run are skipped and counted', async () => {
    const { log, lines } = capturingLogger();
    const slow = slowTask('slow');
    await using janitor = new Janitor({ intervalMs: 100, tasks: [slow], log });
    janitor.start();
    await vi.advanceTimersByTimeAsync(350);
    // A manual run while one is in progress joins it.
    const joined = janitor.runNow();
    expect(slow.calls).toBe(1);
    expect(janitor.counters).toMatchObject({ runs: 0, skipped: 3 });
    expect(lines.filter((line) => line.level === 40)).toHaveLength(3);
    slow.release();
    await expect(joined).resolves.toMatchObject({ run: 1, trimmed: { slow: 1 } });
    await vi.advanceTimersByTimeAsync(50);
    expect(slow.calls).toBe(2);
    expect(slow.maxActive).toBe(1);
    slow.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(janitor.counters.runs).toBe(2);
  });

  it('stop() stops the timer and waits for the run in progress', async () => {
    const { log } = capturingLogger();
    const slow = slowTask('slow');
    const janitor = new Janitor({ intervalMs: 100, tasks: [slow], log });
    janitor.start();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = janitor.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    slow.release();
    await stopping;
    expect(janitor.started).toBe(false);
    expect(janitor.counters.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(slow.calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts and logs a run whose memory sampler throws, and keeps its timer', async () => {
    const { log, lines } = capturingLogger();
    let broken = true;
    const task = countingTask('t', 1);
    await using janitor = new Janitor({
      intervalMs: 100,
      tasks: [task],
      log,
      memory: () => {
        if (broken) throw new Error('no /proc');
        return { rss: 1, heapUsed: 1 };
      },
    });
    janitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(janitor.counters).toMatchObject({ runs: 0, failures: 1 });
    expect(lines.find((line) => line.msg === 'janitor run failed')).toBeDefined();
    broken = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(janitor.counters).toMatchObject({ runs: 1, failures: 1 });
    expect(task.calls).toBe(1);
  });

  it('rejects a bad interval and repeated task names', () => {
    const { log } = capturingLogger();
    expect(() => new Janitor({ intervalMs: 0, tasks: [], log })).toThrow(InvalidRuntimeOptionError);
    expect(() => new Janitor({ intervalMs: 2 ** 31, tasks: [], log })).toThrow(/intervalMs/);
    const twice = [countingTask('x', 0), countingTask('x', 0)];
    expect(() => new Janitor({ tasks: twice, log })).toThrow(/tasks\[\]\.name/);
  });
});

describe('Janitor with real timers', () => {
  it('does not keep the process alive: its timer is unref()ed', async () => {
    const { log } = capturingLogger();
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    await using janitor = new Janitor({ intervalMs: 60_000, tasks: [], log });
    janitor.start();
    expect(refTimers()).toBe(before);
    await janitor.stop();
  });
});
