import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import { emptyWorkerStats, type WorkerStats } from './metricsSource.js';
import { WorkerMetrics } from './WorkerMetrics.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the exposition text into name -> samples (enough of the format for these tests). */
function parse(text: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    const samples = out.get(match[1]!) ?? [];
    samples.push({ labels, value: Number(match[3]) });
    out.set(match[1]!, samples);
  }
  return out;
}

/** The value of the one series of `name` carrying `labels` (and any others), or undefined. */
function seriesValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = (parse(text).get(name) ?? []).filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1)
    throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length}`);
  return found[0]?.value;
}

function typeOf(text: string, name: string): string | undefined {
  return new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];
}

function fullStats(): Mutable<WorkerStats> {
  return {
    ...emptyWorkerStats('w1'),
    ticksFolded: 11,
    foldEvents: 3,
    ticksReceived: 12,
    replayedEvents: 13,
    replays: 14,
    snapshotsWritten: 15,
    snapshotFailures: 16,
    snapshotBytes: 17,
    liveActors: 18,
    passivatedActors: 19,
    hydrations: 20,
    candlesPublished: 21,
    candlesDropped: 22,
    sinkCalls: { ok: 23, failed: 24, rejected: 25 },
    deadLetters: { decode: 26, schema: 27 },
    errors: { actor: 28 },
    drops: { mailbox: 29 },
    queueDepth: { mailbox: 30 },
    consumerLag: { '3': 31 },
    partitionsOwned: 32,
    leaseLost: 33,
    breakers: { candles: 1 },
    breakerTransitions: { candles: 34 },
    reloads: { ok: 35, failed: 36, coalesced: 37 },
    sequence: { gaps: 38, missing: 39, duplicates: 40, reordered: 41 },
    connection: { status: 'reconnecting', reconnects: 42 },
    janitor: { runs: 43, trimmed: 44 },
  };
}

describe('WorkerMetrics', () => {
  it('exports every stat with its value, type and labels, plus the worker label', async () => {
    const metrics = new WorkerMetrics({ stats: fullStats, defaultMetrics: false });
    const text = await metrics.metrics();
    const expected: [string, Record<string, string>, number, 'counter' | 'gauge'][] = [
      ['ballast_ticks_folded_total', {}, 11, 'counter'],
      ['ballast_fold_events_total', {}, 3, 'counter'],
      ['ballast_ticks_received_total', {}, 12, 'counter'],
      ['ballast_replayed_events_total', {}, 13, 'counter'],
      ['ballast_replays_total', {}, 14, 'counter'],
      ['ballast_snapshots_written_total', {}, 15, 'counter'],
      ['ballast_snapshot_failures_total', {}, 16, 'counter'],
      ['ballast_snapshot_bytes_total', {}, 17, 'counter'],
      ['ballast_live_actors', {}, 18, 'gauge'],
      ['ballast_passivated_actors_total', {}, 19, 'counter'],
      ['ballast_hydrations_total', {}, 20, 'counter'],
      ['ballast_candles_published_total', {}, 21, 'counter'],
      ['ballast_candles_dropped_total', {}, 22, 'counter'],
      ['ballast_sink_calls_total', { result: 'ok' }, 23, 'counter'],
      ['ballast_sink_calls_total', { result: 'failed' }, 24, 'counter'],
      ['ballast_sink_calls_total', { result: 'rejected' }, 25, 'counter'],
      ['ballast_dead_letters_total', { reason: 'decode' }, 26, 'counter'],
      ['ballast_dead_letters_total', { reason: 'schema' }, 27, 'counter'],
      ['ballast_errors_total', { kind: 'actor' }, 28, 'counter'],
      ['ballast_queue_drops_total', { queue: 'mailbox' }, 29, 'counter'],
      ['ballast_queue_depth', { queue: 'mailbox' }, 30, 'gauge'],
      ['ballast_consumer_lag_messages', { partition: '3' }, 31, 'gauge'],
      ['ballast_partitions_owned', {}, 32, 'gauge'],
      ['ballast_lease_lost_total', {}, 33, 'counter'],
      ['ballast_breaker_state', { breaker: 'candles' }, 1, 'gauge'],
      ['ballast_breaker_transitions_total', { breaker: 'candles' }, 34, 'counter'],
      ['ballast_reloads_total', { result: 'ok' }, 35, 'counter'],
      ['ballast_reloads_total', { result: 'failed' }, 36, 'counter'],
      ['ballast_reloads_total', { result: 'coalesced' }, 37, 'counter'],
      ['ballast_sequence_gaps_total', {}, 38, 'counter'],
      ['ballast_sequence_missing_messages_total', {}, 39, 'counter'],
      ['ballast_sequence_duplicates_total', {}, 40, 'counter'],
      ['ballast_sequence_reordered_total', {}, 41, 'counter'],
      ['ballast_connection_state', { state: 'reconnecting' }, 1, 'gauge'],
      ['ballast_connection_state', { state: 'connected' }, 0, 'gauge'],
      ['ballast_connection_state', { state: 'disconnected' }, 0, 'gauge'],
      ['ballast_connection_state', { state: 'closed' }, 0, 'gauge'],
      ['ballast_connection_reconnects_total', {}, 42, 'counter'],
      ['ballast_janitor_runs_total', {}, 43, 'counter'],
      ['ballast_janitor_trimmed_total', {}, 44, 'counter'],
      ['ballast_metrics_scrape_failures_total', {}, 0, 'counter'],
      ['ballast_metrics_series_skipped_total', {}, 0, 'counter'],
    ];
    for (const [name, labels, value, type] of expected) {
      expect(
        seriesValue(text, name, { ...labels, worker: 'w1' }),
        `${name} ${JSON.stringify(labels)}`,
      ).toBe(value);
      expect(typeOf(text, name), name).toBe(type);
    }
    // Nothing exported that the list above does not check.
    const exported = [...parse(text).values()].reduce((n, samples) => n + samples.length, 0);
    expect(exported).toBe(expected.length);
  });

  it('counters follow the source: 5 then 8 shows 8, a restart to 2 shows 2', async () => {
    const stats = fullStats();
    const metrics = new WorkerMetrics({ stats: () => stats, defaultMetrics: false });
    stats.ticksFolded = 5;
    stats.errors = { actor: 5 };
    expect(seriesValue(await metrics.metrics(), 'ballast_ticks_folded_total')).toBe(5);
    stats.ticksFolded = 8;
    stats.errors = { actor: 8, task: 1 };
    let text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_ticks_folded_total')).toBe(8);
    expect(seriesValue(text, 'ballast_errors_total', { kind: 'actor' })).toBe(8);
    expect(seriesValue(text, 'ballast_errors_total', { kind: 'task' })).toBe(1);
    stats.ticksFolded = 2;
    stats.errors = { actor: 3, task: 1 };
    text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_ticks_folded_total')).toBe(2);
    expect(seriesValue(text, 'ballast_errors_total', { kind: 'actor' })).toBe(3);
    stats.ticksFolded = 10;
    stats.errors = { actor: 4, task: 6 };
    text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_ticks_folded_total')).toBe(10);
    expect(seriesValue(text, 'ballast_errors_total', { kind: 'actor' })).toBe(4);
    expect(seriesValue(text, 'ballast_errors_total', { kind: 'task' })).toBe(6);
  });

  it('drops the series of keys the source no longer reports', async () => {
    const stats = fullStats();
    const metrics = new WorkerMetrics({ stats: () => stats, defaultMetrics: false });
    stats.consumerLag = { '1': 10, '2': 20 };
    stats.drops = { mailbox: 1, publish: 2 };
    let text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_consumer_lag_messages', { partition: '2' })).toBe(20);
    stats.consumerLag = { '1': 5 };
    stats.drops = { mailbox: 1 };
    text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_consumer_lag_messages', { partition: '1' })).toBe(5);
    expect(seriesValue(text, 'ballast_consumer_lag_messages', { partition: '2' })).toBeUndefined();
    expect(seriesValue(text, 'ballast_queue_drops_total', { queue: 'publish' })).toBeUndefined();
    // A key that comes back starts from its new value, not from the forgotten one.
    stats.drops = { mailbox: 1, publish: 1 };
    text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_queue_drops_total', { queue: 'publish' })).toBe(1);
  });

  it('calls the stats function once per scrape', async () => {
    let calls = 0;
    const metrics = new WorkerMetrics({
      stats: () => {
        calls++;
        return fullStats();
      },
      workerId: 'w1',
    });
    await metrics.metrics();
    await metrics.metrics();
    expect(calls).toBe(2);
    expect(metrics.counters.scrapes).toBe(2);
  });

  it('exports the default process metrics on its own registry', async () => {
    const before = globalRegistry.getMetricsAsArray().length;
    const metrics = new WorkerMetrics({ stats: fullStats });
    const text = await metrics.metrics();
    expect(seriesValue(text, 'process_resident_memory_bytes', { worker: 'w1' })).toBeGreaterThan(0);
    expect(seriesValue(text, 'nodejs_heap_size_used_bytes', { worker: 'w1' })).toBeGreaterThan(0);
    expect(typeOf(text, 'nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(globalRegistry.getMetricsAsArray().length).toBe(before);
  });

  it('two instances do not collide', async () => {
    const a = new WorkerMetrics({
      stats: () => ({ ...fullStats(), workerId: 'a', ticksFolded: 1 }),
    });
    const b = new WorkerMetrics({
      stats: () => ({ ...fullStats(), workerId: 'b', ticksFolded: 2 }),
    });
    expect(a.registry).not.toBe(b.registry);
    const [textA, textB] = await Promise.all([a.metrics(), b.metrics()]);
    expect(seriesValue(textA, 'ballast_ticks_folded_total')).toBe(1);
    expect(seriesValue(textA, 'ballast_ticks_folded_total', { worker: 'a' })).toBe(1);
    expect(seriesValue(textB, 'ballast_ticks_folded_total')).toBe(2);
    expect(seriesValue(textB, 'ballast_ticks_folded_total', { worker: 'b' })).toBe(2);
  });

  it('a throwing stats function fails the scrape, is counted, and the next scrape works', async () => {
    let fail = false;
    let calls = 0;
    const metrics = new WorkerMetrics({
      stats: () => {
        calls++;
        if (fail) throw new Error('stats broke');
        return fullStats();
      },
      defaultMetrics: false,
    });
    calls = 0;
    fail = true;
    await expect(metrics.metrics()).rejects.toThrow('stats broke');
    // One failing call serves the whole scrape, not one per metric.
    expect(calls).toBe(1);
    expect(metrics.counters.scrapeFailures).toBe(1);
    fail = false;
    const text = await metrics.metrics();
    expect(seriesValue(text, 'ballast_metrics_scrape_failures_total')).toBe(1);
    expect(seriesValue(text, 'ballast_ticks_folded_total')).toBe(11);
  });

  it('caps the series per metric and skips invalid numbers, counting both', async () => {
    const stats = fullStats();
    const metrics = new WorkerMetrics({
      stats: () => stats,
      // Fits the fixed-key records (sink calls, reloads: 3; connection states: 4).
      maxSeriesPerMetric: 4,
      defaultMetrics: false,
    });
    stats.errors = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    stats.queueDepth = { q1: 1, q2: 2, q3: 3, q4: 4, q5: 5 };
    stats.ticksFolded = Number.NaN;
    stats.leaseLost = -1;
    const text = await metrics.metrics();
    expect((parse(text).get('ballast_errors_total') ?? []).length).toBe(4);
    expect((parse(text).get('ballast_queue_depth') ?? []).length).toBe(4);
    expect(seriesValue(text, 'ballast_ticks_folded_total')).toBe(0);
    expect(seriesValue(text, 'ballast_lease_lost_total')).toBe(0);
    expect(metrics.counters.seriesSkipped).toBe(4);
    expect(seriesValue(text, 'ballast_metrics_series_skipped_total')).toBe(4);
  });

  it('rejects an empty worker id and a bad series cap', () => {
    expect(() => new WorkerMetrics({ stats: () => emptyWorkerStats('') })).toThrow(
      InvalidRuntimeOptionError,
    );
    expect(() => new WorkerMetrics({ stats: fullStats, maxSeriesPerMetric: 0 })).toThrow(
      /maxSeriesPerMetric/,
    );
  });
});
