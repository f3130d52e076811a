import type { ChildProcess } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Who owns the nats-servers this process starts. Test runners set `BALLAST_NATS_OWNER`
 * once for a whole run so that its teardown can find servers of crashed workers too.
 */
export function natsOwner(env: NodeJS.ProcessEnv = process.env): string {
  return env.BALLAST_NATS_OWNER ?? `p${process.pid}`;
}

/** Prefix of every temp dir (config, ports file, store) made for servers of `owner`. */
export function tempDirPrefix(owner: string): string {
  return `ballast-nats-${owner}-`;
}

// The one process-wide registry in this package: an 'exit' hook can only reach children it
// can enumerate synchronously, and exit hooks are process-wide by nature.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills `child` with SIGKILL when this process exits, however it exits short of SIGKILL. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** A nats-server process found by {@link findOwnedServers}. */
export interface OwnedServer {
  readonly pid: number;
  readonly commandLine: string;
}

/**
 * Lists running nats-server processes whose config lives in a temp dir of `owner`,
 * including orphans of a process that was SIGKILLed. Reads `/proc`; elsewhere returns
 * nothing and the exit hook is the only guard.
 */
export async function findOwnedServers(owner: string): Promise<OwnedServer[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const marker = tempDirPrefix(owner);
  const found: OwnedServer[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ');
    } catch {
      continue; // the process ended while we looked
    }
    // A zombie's cmdline is empty, so only live processes match.
    if (commandLine.includes('nats-server') && commandLine.includes(marker)) {
      found.push({ pid: Number(entry), commandLine: commandLine.trim() });
    }
  }
  return found;
}

/**
 * SIGKILLs every nats-server of `owner` still running and removes the owner's temp dirs.
 *
 * @returns the servers that were still running (an empty list means nothing leaked)
 */
export async function reapOwnedServers(owner: string): Promise<OwnedServer[]> {
  const orphans = await findOwnedServers(owner);
  for (const orphan of orphans) {
    try {
      process.kill(orphan.pid, 'SIGKILL');
    } catch {
      // it exited between the scan and the kill
    }
  }
  const prefix = tempDirPrefix(owner);
  const leftovers = (await readdir(tmpdir())).filter((d) => d.startsWith(prefix));
  await Promise.all(leftovers.map((d) => rm(join(tmpdir(), d), { recursive: true, force: true })));
  return orphans;
}
