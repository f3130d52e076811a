import { createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type HealthReport, startHttpEndpoint } from './httpEndpoint.js';
import { emptyWorkerStats, type WorkerStats } from './metricsSource.js';
import { WorkerMetrics } from './WorkerMetrics.js';

/** A logger that keeps its lines, so tests can assert what was logged. */
function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

function setup(options: { stats?: () => WorkerStats; health?: () => HealthReport } = {}) {
  const { log, lines } = capturingLogger();
  const metrics = new WorkerMetrics({
    stats: options.stats ?? (() => ({ ...emptyWorkerStats('w1'), ticksFolded: 7 })),
    workerId: 'w1',
    defaultMetrics: false,
  });
  const health = options.health ?? (() => ({ ok: true, detail: { partitions: [0, 1] } }));
  return { log, lines, metrics, health };
}

describe('startHttpEndpoint', () => {
  it('serves /metrics as Prometheus text', async () => {
    const { log, metrics, health } = setup();
    await using http = await startHttpEndpoint({ metrics, health, log });
    expect(http.url).toBe(`http://127.0.0.1:${http.port}`);
    expect(http.port).toBeGreaterThan(0);
    const res = await fetch(`${http.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    expect(await res.text()).toContain('ballast_ticks_folded_total{worker="w1"} 7\n');
    // Prometheus may add query parameters; the route still matches.
    expect((await fetch(`${http.url}/metrics?format=text`)).status).toBe(200);
    expect(http.counters.requests).toBe(2);
  });

  it('serves /healthz as JSON: 200 when ok, 503 when not or when the check throws', async () => {
    let report: HealthReport | Error = { ok: true, detail: { partitions: [0, 1] } };
    const { log, lines, metrics } = setup();
    const health = () => {
      if (report instanceof Error) throw report;
      return report;
    };
    await using http = await startHttpEndpoint({ metrics, health, log });
    let res = await fetch(`${http.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true, detail: { partitions: [0, 1] } });

    report = { ok: false, detail: { reason: 'no partitions' } };
    res = await fetch(`${http.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, detail: { reason: 'no partitions' } });

    report = new Error('nats gone');
    res = await fetch(`${http.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, detail: { error: 'nats gone' } });
    expect(http.counters).toMatchObject({ unhealthy: 2, healthErrors: 1 });
    expect(lines.some((l) => l.msg === 'health check failed')).toBe(true);
  });

  it('answers a health detail JSON cannot encode with 503 and valid JSON', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { log, metrics } = setup();
    const health = () => ({ ok: true, detail: { cyclic, big: 1n } });
    await using http = await startHttpEndpoint({ metrics, health, log });
    const res = await fetch(`${http.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false });
    expect(http.counters.healthErrors).toBe(1);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { log, metrics, health } = setup();
    await using http = await startHttpEndpoint({ metrics, health, log });
    expect((await fetch(`${http.url}/`)).status).toBe(404);
    expect((await fetch(`${http.url}/metrics/x`)).status).toBe(404);
    const post = await fetch(`${http.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${http.url}/healthz`, { method: 'DELETE' })).status).toBe(405);
    expect(http.counters).toMatchObject({ requests: 4, rejected: 4 });
  });

  it('answers a failed scrape with 500, logs and counts it, and keeps serving', async () => {
    let fail = true;
    const { log, lines, metrics, health } = setup({
      stats: () => {
        if (fail) throw new Error('stats broke');
        return emptyWorkerStats('w1');
      },
    });
    await using http = await startHttpEndpoint({ metrics, health, log });
    const res = await fetch(`${http.url}/metrics`);
    expect(res.status).toBe(500);
    expect(http.counters.scrapeErrors).toBe(1);
    const logged = lines.find((l) => l.msg === 'metrics scrape failed');
    expect(logged).toMatchObject({ level: 50, err: { message: 'stats broke' } });

    fail = false;
    const ok = await fetch(`${http.url}/metrics`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ballast_metrics_scrape_failures_total{worker="w1"} 1\n');
  });

  it('close() stops listening even with a keep-alive connection open, and is idempotent', async () => {
    const { log, metrics, health } = setup();
    const http = await startHttpEndpoint({ metrics, health, log });
    const res = await fetch(`${http.url}/healthz`, { headers: { connection: 'keep-alive' } });
    await res.text();
    const started = performance.now();
    await Promise.all([http.close(), http.close()]);
    // Without closeAllConnections() this waits for the keep-alive timeout (5 s).
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${http.url}/healthz`)).rejects.toThrow();
  });

  it('rejects a bad port, and a port in use with the listen error', async () => {
    const { log, metrics, health } = setup();
    await expect(startHttpEndpoint({ metrics, health, log, port: 70_000 })).rejects.toThrow(
      InvalidRuntimeOptionError,
    );
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      await expect(startHttpEndpoint({ metrics, health, log, port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
