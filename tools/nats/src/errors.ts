/** Machine-readable reason a nats-server could not be found, started or formed into a cluster. */
export type NatsToolErrorCode =
  | 'nats_server_not_found'
  | 'nats_server_start_failed'
  | 'nats_server_exited'
  | 'nats_cluster_not_ready'
  | 'nats_server_too_old';

/** Base class of every error `@ballast/nats` throws; `code` tells them apart. */
export class NatsToolError extends Error {
  readonly code: NatsToolErrorCode;

  constructor(code: NatsToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NatsToolError';
    this.code = code;
  }
}

/**
 * nats-server is neither at `NATS_SERVER_BIN` nor on `PATH`. The message says how to install it.
 */
export class NatsServerNotFoundError extends NatsToolError {
  /** Every place that was searched, in order. */
  readonly searched: readonly string[];

  constructor(searched: readonly string[], options?: { cause?: unknown }) {
    super(
      'nats_server_not_found',
      [
        `nats-server was not found (searched: ${searched.join(', ') || 'nothing'}).`,
        'Install it, then run again:',
        '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y nats-server',
        '  macOS:          brew install nats-server',
        '  elsewhere:      put a nats-server binary (2.9 or newer) on PATH,',
        '                  or set NATS_SERVER_BIN to its full path.',
      ].join('\n'),
      options,
    );
    this.name = 'NatsServerNotFoundError';
    this.searched = searched;
  }
}

/** nats-server did not come up: it exited early, or wrote no ports file / took no TCP connection in time. */
export class NatsServerStartError extends NatsToolError {
  /** The server's config file, kept in the message so a user can run it by hand. */
  readonly configFile: string;
  /** The last lines nats-server wrote to stderr. */
  readonly logTail: readonly string[];

  constructor(
    code: 'nats_server_start_failed' | 'nats_server_exited',
    message: string,
    configFile: string,
    logTail: readonly string[],
    options?: { cause?: unknown },
  ) {
    const tail = logTail.length > 0 ? `\nlast server output:\n  ${logTail.join('\n  ')}` : '';
    super(code, `${message} (config: ${configFile})${tail}`, options);
    this.name = 'NatsServerStartError';
    this.configFile = configFile;
    this.logTail = logTail;
  }
}

/** The cluster's nodes did not agree on a JetStream metadata leader in time. */
export class NatsClusterError extends NatsToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('nats_cluster_not_ready', message, options);
    this.name = 'NatsClusterError';
  }
}
