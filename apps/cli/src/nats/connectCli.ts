import { errors, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { CliError } from '../cli/CliError.js';
import type { CliConfig, RoleName } from '../config/cliConfig.js';
import { readClusterFile } from '../config/clusterFile.js';
import { type Credentials, credentialsPath, readCredentials } from './credentials.js';
import { PermissionWatch } from './PermissionWatch.js';

/** Options of {@link connectCli}. */
export interface ConnectCliOptions {
  /** The role used when neither `--user` nor `--creds` is given. */
  readonly role: RoleName;
  /** Connection name the server shows, e.g. `ballast sub`. */
  readonly name: string;
  /** Long-running commands reconnect forever; one-shot commands fail fast. Default false. */
  readonly longRunning?: boolean;
}

/** An open connection and who it is. */
export interface CliConnection {
  readonly nc: NatsConnection;
  readonly servers: readonly string[];
  /** The NATS user, or `null` for a server without auth. */
  readonly user: string | null;
  /** Permission errors the server reported on this connection. */
  readonly permissions: PermissionWatch;
}

/**
 * Connects a command to NATS: the servers from the config or the running `ballast up`'s
 * cluster file; credentials from `--creds`, or the role's file in the data dir when there is
 * one. Failures become one clear line.
 * @throws {CliError} no server known, unreachable, or credentials refused
 *
 * @example
 * const { nc } = await connectCli(config, { role: 'cli', name: 'ballast sub' });
 */
export async function connectCli(
  config: CliConfig,
  options: ConnectCliOptions,
): Promise<CliConnection> {
  const servers = config.nats ?? readClusterFile(config.dataDir)?.nats;
  if (servers === undefined) {
    throw new CliError(
      `no NATS server: start one with \`ballast up\` (in this directory or with --data-dir), or pass --nats URL`,
    );
  }
  const credentials = resolveCredentials(config, options.role);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...servers],
      name: options.name,
      ...(credentials !== null && { user: credentials.user, pass: credentials.password }),
      maxReconnectAttempts: options.longRunning ? -1 : 3,
      reconnectTimeWait: 500,
      // No stack trace built per request/publish ack (a third of the feed's CPU otherwise).
      noAsyncTraces: true,
    });
  } catch (error) {
    if (error instanceof errors.AuthorizationError) {
      throw new CliError(
        `NATS at ${servers.join(',')} refused ${credentials ? `user "${credentials.user}"` : 'a connection without credentials'}: ${error.message}`,
        1,
        { cause: error },
      );
    }
    throw new CliError(
      `cannot reach NATS at ${servers.join(',')} (${(error as Error).message}); is \`ballast up\` running?`,
      1,
      { cause: error },
    );
  }
  const user = credentials?.user ?? null;
  return { nc, servers, user, permissions: new PermissionWatch(nc, user) };
}

function resolveCredentials(config: CliConfig, role: RoleName): Credentials | null {
  if (config.creds !== undefined) {
    const creds = readCredentials(config.creds);
    if (creds === null) throw new CliError(`credentials file ${config.creds} does not exist`);
    return creds;
  }
  const path = credentialsPath(config.dataDir, config.user ?? role);
  const creds = readCredentials(path);
  if (creds === null && config.user !== undefined) {
    throw new CliError(
      `no credentials for user "${config.user}" at ${path}; did \`ballast up\` run here?`,
    );
  }
  return creds;
}
