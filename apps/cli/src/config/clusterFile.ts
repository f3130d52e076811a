import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** What a running `ballast up` tells the other commands: where its servers are. */
const clusterFileSchema = z.object({
  v: z.literal(1),
  /** The `ballast up` process. */
  pid: z.number().int(),
  nats: z.array(z.string()).min(1),
  dashboard: z.string().nullable(),
  partitions: z.number().int().min(1),
  startedAt: z.number(),
});

/** Contents of `<dataDir>/cluster.json`. */
export type ClusterFile = z.infer<typeof clusterFileSchema>;

/** Path of the cluster file in a data dir. */
function clusterFilePath(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

/**
 * The running cluster's file, or `null` when there is none, it is unreadable, or its
 * `ballast up` process is gone (a file left by a killed run).
 *
 * @example
 * const cluster = readClusterFile('.ballast'); // { nats: ['nats://127.0.0.1:41233'], ... }
 */
export function readClusterFile(dataDir: string): ClusterFile | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(clusterFilePath(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const result = clusterFileSchema.safeParse(parsed);
  if (!result.success || !alive(result.data.pid)) return null;
  return result.data;
}

/**
 * The pid of a `ballast up` that died without cleaning up (its cluster file is still there),
 * or `null`. Its nats-server may still be running: `ballast up` reaps it before starting.
 */
export function staleClusterPid(dataDir: string): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(clusterFilePath(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const result = clusterFileSchema.safeParse(parsed);
  return result.success && !alive(result.data.pid) ? result.data.pid : null;
}

/** Writes the cluster file (mode 0600: it names the servers of a local cluster). */
export async function writeClusterFile(dataDir: string, cluster: ClusterFile): Promise<void> {
  await writeFile(clusterFilePath(dataDir), `${JSON.stringify(cluster, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Removes the cluster file at shutdown. */
export async function removeClusterFile(dataDir: string): Promise<void> {
  await rm(clusterFilePath(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
