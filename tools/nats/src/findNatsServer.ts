import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { NatsServerNotFoundError, NatsToolError } from './errors.js';
import type { ServerVersion } from './serverVersion.js';
import {
  compareServerVersions,
  minimumServerVersion,
  parseServerVersion,
} from './serverVersion.js';

const run = promisify(execFile);

/** A nats-server binary that answered `--version`. */
export interface NatsServerBinary {
  readonly path: string;
  readonly version: ServerVersion;
}

/** Where to look; defaults are the real process environment. */
export interface FindNatsServerOptions {
  /** Defaults to `process.env`; `NATS_SERVER_BIN` and `PATH` are read from it. */
  readonly env?: NodeJS.ProcessEnv;
}

// Debian installs nats-server into /usr/sbin, which is not on PATH for non-root users.
const extraDirs = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin'];

/**
 * Finds nats-server: `NATS_SERVER_BIN` when set (and then only there), else `PATH`,
 * else the usual system directories. Checks that it runs and is at least 2.9.10.
 *
 * @returns the binary's path and version
 * @throws {NatsServerNotFoundError} with install commands when there is none
 * @throws {NatsToolError} `nats_server_too_old` below {@link minimumServerVersion}
 * @example
 * const { path, version } = await findNatsServer();
 */
export async function findNatsServer(
  options: FindNatsServerOptions = {},
): Promise<NatsServerBinary> {
  const env = options.env ?? process.env;
  const candidates = candidatePaths(env);
  for (const path of candidates) {
    if (!(await isExecutable(path))) continue;
    const version = await readVersion(path);
    if (compareServerVersions(version, minimumServerVersion) < 0) {
      throw new NatsToolError(
        'nats_server_too_old',
        `${path} is nats-server ${version.text}; Ballast needs ${minimumServerVersion} or newer`,
      );
    }
    return { path, version };
  }
  throw new NatsServerNotFoundError(candidates);
}

function candidatePaths(env: NodeJS.ProcessEnv): string[] {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit) return [explicit];
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  return [...new Set(dirs)].map((dir) => join(dir, 'nats-server'));
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function readVersion(path: string): Promise<ServerVersion> {
  try {
    const { stdout, stderr } = await run(path, ['--version'], { timeout: 10_000 });
    return parseServerVersion(`${stdout}${stderr}`);
  } catch (cause) {
    if (cause instanceof NatsToolError) throw cause;
    throw new NatsToolError('nats_server_start_failed', `${path} --version failed`, { cause });
  }
}
