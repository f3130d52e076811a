import { execFile } from 'node:child_process';
import { cpus, type as osType, platform, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { findNatsServer } from '@ballast/nats';

const run = promisify(execFile);

/** Where figures were measured: what a reader needs to compare them with their own. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramBytes: number;
  /** e.g. `Linux 6.1.0 (linux)`. */
  readonly os: string;
  readonly node: string;
  /** `2.9.10`, or why it is unknown. */
  readonly natsServer: string;
  /** Short commit hash, `+dirty` when the work tree has changes; `unknown` outside git. */
  readonly gitCommit: string;
  /** ISO time the info was read. */
  readonly date: string;
}

/**
 * Reads the machine, runtime, nats-server and git commit the figures come from.
 *
 * @param root - the repository whose commit is reported
 * @example
 * const info = await machineInfo('/work/main'); // { cpuModel: 'AMD EPYC ...', cores: 2, ... }
 */
export async function machineInfo(root: string): Promise<MachineInfo> {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    ramBytes: totalmem(),
    os: `${osType()} ${release()} (${platform()})`,
    node: process.version,
    natsServer: await natsServerVersion(),
    gitCommit: await gitCommit(root),
    date: new Date().toISOString(),
  };
}

async function natsServerVersion(): Promise<string> {
  try {
    return (await findNatsServer()).version.text;
  } catch (error) {
    return `not found (${(error as Error).message.split('\n')[0]})`;
  }
}

async function gitCommit(root: string): Promise<string> {
  try {
    const { stdout: head } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
    const { stdout: status } = await run('git', ['status', '--porcelain'], { cwd: root });
    return `${head.trim()}${status.trim() === '' ? '' : '+dirty'}`;
  } catch {
    return 'unknown';
  }
}
