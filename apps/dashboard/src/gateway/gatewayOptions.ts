import { fileURLToPath } from 'node:url';

/** Bounds and periods of a gateway; every field has a default. */
export interface GatewayLimits {
  /** Browsers connected at once; more are refused. Default 64. */
  readonly maxClients: number;
  /** Bytes buffered for one browser before it is dropped as slow. Default 1 MiB. */
  readonly maxBufferedBytes: number;
  /** Frames queued for one browser before it is dropped as slow. Default 1,000. */
  readonly maxQueuedFrames: number;
  /** Requests one browser may have in flight. Default 8. */
  readonly maxInFlightPerClient: number;
  /** Largest frame a browser may send. Default 16 KiB. */
  readonly maxRequestBytes: number;
  /** Samples kept per worker for the plots (one per 2 s announcement). Default 300 (10 min). */
  readonly samplesPerWorker: number;
  /** Errors, dead letters, breaker transitions, reloads kept, each. Default 50. */
  readonly events: number;
  /** Workers tracked. Default 256. */
  readonly maxWorkers: number;
  /** Sinks tracked. Default 16. */
  readonly maxSinks: number;
  /** A worker or sink silent this long is forgotten. Default 60,000 ms. */
  readonly forgetAfterMs: number;
  /** Period of reloader queries and metrics scrapes per worker. Default 5,000 ms. */
  readonly pollIntervalMs: number;
  /** Timeout of each of those. Default 2,000 ms. */
  readonly pollTimeoutMs: number;
  /** Timeout of a symbol query from a browser. Default 5,000 ms. */
  readonly queryTimeoutMs: number;
  /** Ping period; a browser silent for two is closed. Default 30,000 ms. */
  readonly heartbeatMs: number;
  /** Period of the gateway's own counters to browsers (and of forgetting). Default 2,000 ms. */
  readonly countersEveryMs: number;
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** NATS server URL(s), e.g. `cluster.json`'s `nats`. */
  readonly servers: string | readonly string[];
  /** The `gateway` role's user (`<dataDir>/credentials/gateway.json`: user, password). */
  readonly auth?: { readonly user: string; readonly pass: string } | undefined;
  /** HTTP port; 0 (default) picks a free one. */
  readonly port?: number | undefined;
  /** Interface to listen on. Default `127.0.0.1`: the dashboard is local. */
  readonly host?: string | undefined;
  /** The built web page. Default: `dist/web` of this package. */
  readonly staticDir?: string | undefined;
  /** The tick log's partition count, for the ownership grid (else inferred from workers). */
  readonly partitions?: number | undefined;
  /** Where `ballast inspect` serves the Stately inspector. Default `http://localhost:8080`. */
  readonly inspectorUrl?: string | undefined;
  /** Scrape workers' `/metrics` for passivation counts. Default true. */
  readonly scrapeMetrics?: boolean | undefined;
  /** NATS connection name. Default `ballast-dashboard`. */
  readonly name?: string | undefined;
  readonly limits?: Partial<GatewayLimits> | undefined;
}

/** {@link GatewayOptions} with defaults applied. */
export interface ResolvedGatewayOptions {
  readonly servers: string[];
  readonly auth: { readonly user: string; readonly pass: string } | undefined;
  readonly port: number;
  readonly host: string;
  readonly staticDir: string;
  readonly partitions: number | null;
  readonly inspectorUrl: string;
  readonly scrapeMetrics: boolean;
  readonly name: string;
  readonly limits: GatewayLimits;
}

/**
 * The defaults of {@link GatewayLimits}.
 *
 * @example
 * startGateway({ servers, limits: { ...gatewayDefaults, maxClients: 8 } });
 */
export const gatewayDefaults: GatewayLimits = Object.freeze({
  maxClients: 64,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedFrames: 1_000,
  maxInFlightPerClient: 8,
  maxRequestBytes: 16 * 1024,
  samplesPerWorker: 300,
  events: 50,
  maxWorkers: 256,
  maxSinks: 16,
  forgetAfterMs: 60_000,
  pollIntervalMs: 5_000,
  pollTimeoutMs: 2_000,
  queryTimeoutMs: 5_000,
  heartbeatMs: 30_000,
  countersEveryMs: 2_000,
});

/**
 * Applies defaults and checks every number.
 *
 * @throws {RangeError} naming the option and the value
 * @example
 * resolveGatewayOptions({ servers: 'nats://127.0.0.1:4222' }).limits.maxClients; // 64
 */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const limits = { ...gatewayDefaults, ...stripUndefined(options.limits ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`gateway limit ${key} must be an integer >= 1, got ${value}`);
    }
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`gateway port must be 0..65535, got ${port}`);
  }
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0) throw new RangeError('gateway needs at least one NATS server URL');
  const partitions = options.partitions ?? null;
  if (partitions !== null && (!Number.isInteger(partitions) || partitions < 1)) {
    throw new RangeError(`gateway partitions must be an integer >= 1, got ${partitions}`);
  }
  return {
    servers,
    auth: options.auth,
    port,
    host: options.host ?? '127.0.0.1',
    staticDir: options.staticDir ?? fileURLToPath(new URL('../web/', import.meta.url)),
    partitions,
    inspectorUrl: options.inspectorUrl ?? 'http://localhost:8080',
    scrapeMetrics: options.scrapeMetrics ?? true,
    name: options.name ?? 'ballast-dashboard',
    limits,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
