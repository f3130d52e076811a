import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRuntimeOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WorkerMetrics } from './WorkerMetrics.js';

/** What `/healthz` reports: `ok` picks the status (200 or 503), `detail` is shown as is. */
export interface HealthReport {
  readonly ok: boolean;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Options of {@link startHttpEndpoint}. */
export interface HttpEndpointOptions {
  /** Interface to listen on. Default `127.0.0.1`: expose it further only on purpose. */
  readonly host?: string;
  /** TCP port, 0..65535; default 0 (a free port, read it from the result). */
  readonly port?: number;
  readonly metrics: WorkerMetrics;
  /** The worker's health; a throw counts as unhealthy. */
  readonly health: () => HealthReport | Promise<HealthReport>;
  readonly log: Logger;
  /** Most open connections at once; more are refused by the server. Default 64. */
  readonly maxConnections?: number;
}

/** Counters of an {@link HttpEndpoint}, read by metrics and tests. */
export interface HttpEndpointCounters {
  /** Requests answered, whatever the status. */
  requests: number;
  /** `/metrics` requests that failed with 500. */
  scrapeErrors: number;
  /** `/healthz` answers with 503, including health functions that threw. */
  unhealthy: number;
  /** `/healthz` requests whose health function threw or gave a detail JSON cannot encode. */
  healthErrors: number;
  /** Requests for other paths (404) or with other methods (405). */
  rejected: number;
}

/** A running `/metrics` + `/healthz` server; close it or `await using` it. */
export interface HttpEndpoint extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  readonly counters: HttpEndpointCounters;
  /** Stops listening and closes open connections (keep-alive ones included). */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text from {@link WorkerMetrics}) and `GET /healthz`
 * (JSON; 200 when healthy, else 503) on node:http. Other paths get 404, other methods 405.
 * A failed scrape answers 500, is logged and counted, and the server keeps serving.
 *
 * @param options - host/port to bind, the metrics and health sources, a logger
 * @returns the running endpoint, once it listens
 * @throws {InvalidRuntimeOptionError} when the port or connection limit is out of range
 * @example
 * await using http = await startHttpEndpoint({
 *   port: 9464,
 *   metrics,
 *   health: () => ({ ok: worker.running, detail: { partitions: worker.partitions } }),
 *   log,
 * });
 * log.info({ url: http.url }, 'metrics endpoint up');
 */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const { metrics, health, log } = options;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidRuntimeOptionError('port', port, 'an integer in 0..65535');
  }
  const maxConnections = options.maxConnections ?? 64;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new InvalidRuntimeOptionError('maxConnections', maxConnections, 'an integer >= 1');
  }
  const counters: HttpEndpointCounters = {
    requests: 0,
    scrapeErrors: 0,
    unhealthy: 0,
    healthErrors: 0,
    rejected: 0,
  };

  const serveMetrics = async (res: ServerResponse): Promise<void> => {
    try {
      const text = await metrics.metrics();
      send(res, 200, metrics.contentType, text);
    } catch (error) {
      counters.scrapeErrors++;
      log.error({ err: error }, 'metrics scrape failed');
      send(res, 500, 'text/plain; charset=utf-8', 'metrics scrape failed\n');
    }
  };

  const serveHealth = async (res: ServerResponse): Promise<void> => {
    let report: HealthReport;
    try {
      report = await health();
    } catch (error) {
      counters.healthErrors++;
      log.error({ err: error }, 'health check failed');
      report = {
        ok: false,
        detail: { error: error instanceof Error ? error.message : String(error) },
      };
    }
    let body = toJson({ ok: report.ok, detail: report.detail });
    if (body === undefined) {
      counters.healthErrors++;
      log.error('health detail is not serializable to JSON');
      report = { ok: false, detail: { error: 'health detail is not serializable to JSON' } };
      body = toJson(report) as string;
    }
    if (!report.ok) counters.unhealthy++;
    send(res, report.ok ? 200 : 503, 'application/json; charset=utf-8', body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.requests++;
    // The query string is ignored: Prometheus may add parameters, and neither route takes any.
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' && path !== '/healthz') {
      counters.rejected++;
      send(res, 404, 'text/plain; charset=utf-8', 'not found: try /metrics or /healthz\n');
      return;
    }
    if (req.method !== 'GET') {
      counters.rejected++;
      res.setHeader('Allow', 'GET');
      send(res, 405, 'text/plain; charset=utf-8', `method ${req.method} not allowed: use GET\n`);
      return;
    }
    await (path === '/metrics' ? serveMetrics(res) : serveHealth(res));
  };

  const server = createServer((req, res) => {
    // handle() catches what the sources throw; this catches bugs in it, which would
    // otherwise be an unhandled rejection with the request left hanging.
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'http endpoint request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.maxConnections = maxConnections;
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (rare: e.g. accept failing) must not crash the process.
  server.on('error', (error) => log.error({ err: error }, 'http endpoint error'));

  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections (fetch, Prometheus) would hold close() open until they idle out.
      server.closeAllConnections();
    });
    return closed;
  };
  return { url, port: bound, counters, close, [Symbol.asyncDispose]: close };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

// Health details come from the worker and may hold what JSON cannot encode (a bigint, a cycle).
function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return undefined;
  }
}
