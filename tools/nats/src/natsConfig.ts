/** A size as nats-server's config reads it: bytes, or a string such as `'256MB'`. */
export type StoreSize = number | `${number}${'KB' | 'MB' | 'GB'}`;

/** JetStream limits. Both are explicit: the server defaults are 75% of RAM and 1 TB. */
interface JetStreamLimits {
  readonly storeDir: string;
  readonly maxMemoryStore: StoreSize;
  readonly maxFileStore: StoreSize;
}

/** Everything that goes into one node's config file. */
export interface NodeConfig {
  readonly serverName: string;
  /** `-1` lets the server pick a free port and report it in the ports file. */
  readonly clientPort: number;
  readonly httpPort: number;
  readonly portsFileDir: string;
  readonly jetStream?: JetStreamLimits;
  readonly cluster?: {
    readonly name: string;
    readonly port: number;
    /** Route URLs of the other nodes, e.g. `nats-route://127.0.0.1:6222`. */
    readonly routes: readonly string[];
  };
  /** Raw config appended at the end (accounts, authorization, ...). */
  readonly extra?: string;
}

// Every listener binds to loopback: a local cluster is never reachable from the network.
const host = '127.0.0.1';

/**
 * Renders a nats-server config file. Strings are JSON-quoted, which the config parser accepts.
 *
 * @example
 * renderNatsConfig({ serverName: 'n1', clientPort: -1, httpPort: -1, portsFileDir: '/tmp/x' });
 */
export function renderNatsConfig(config: NodeConfig): string {
  const q = JSON.stringify;
  const lines = [
    `server_name: ${q(config.serverName)}`,
    `listen: ${q(`${host}:${config.clientPort}`)}`,
    `http: ${q(`${host}:${config.httpPort}`)}`,
    `ports_file_dir: ${q(config.portsFileDir)}`,
  ];
  if (config.jetStream) {
    const js = config.jetStream;
    lines.push(
      'jetstream {',
      `  store_dir: ${q(js.storeDir)}`,
      `  max_memory_store: ${size(js.maxMemoryStore)}`,
      `  max_file_store: ${size(js.maxFileStore)}`,
      '}',
    );
  }
  if (config.cluster) {
    const c = config.cluster;
    lines.push(
      'cluster {',
      `  name: ${q(c.name)}`,
      `  listen: ${q(`${host}:${c.port}`)}`,
      `  routes: [${c.routes.map((r) => q(r)).join(', ')}]`,
      '}',
    );
  }
  if (config.extra) lines.push(config.extra);
  return `${lines.join('\n')}\n`;
}

function size(value: StoreSize): string {
  return typeof value === 'number' ? String(Math.floor(value)) : value;
}
