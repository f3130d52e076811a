import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process's resident set size in bytes, read from outside it (`VmRSS` in
 * `/proc/<pid>/status`), or `null` when it is gone. Linux only: the soak measures what the
 * kernel charges the process, not what the process says about itself.
 *
 * @example
 * const rss = readRss(worker.pid); // 231_264_256
 */
export function readRss(pid: number): number | null {
  const status = readProc(`/proc/${pid}/status`);
  if (status === null) return null;
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  // A zombie has no VmRSS line: it holds no memory any more.
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * The direct children of a process (every thread's `children` file), or `[]` when it is gone.
 *
 * @example
 * childPids(upPid); // [29742, 29751, 29752, 29753, 29784]
 */
export function childPids(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = new Set<number>();
  for (const task of tasks) {
    const text = readProc(`/proc/${pid}/task/${task}/children`) ?? '';
    for (const token of text.split(/\s+/)) if (token !== '') children.add(Number(token));
  }
  return [...children];
}

/**
 * Every process below `pid` (children, their children, ...).
 *
 * @example
 * descendantPids(upPid).length; // nats-server, workers, feed, sink
 */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const queue = childPids(pid);
  // Bounded: a process table has at most a few thousand entries; a cycle cannot occur.
  while (queue.length > 0 && found.length < 10_000) {
    const next = queue.shift() as number;
    found.push(next);
    queue.push(...childPids(next));
  }
  return found;
}

/**
 * A process's command line as argv, or `null` when it is gone.
 *
 * @example
 * commandLine(pid); // ['/usr/bin/node', '.../ballast-worker.js', '--id', 'w1', ...]
 */
export function commandLine(pid: number): string[] | null {
  const raw = readProc(`/proc/${pid}/cmdline`);
  if (raw === null) return null;
  return raw.split('\0').filter((arg) => arg !== '');
}

/**
 * Whether a process exists and is not a zombie (a zombie has exited; only its exit status is
 * left for its parent to read).
 *
 * @example
 * if (isRunning(pid)) process.kill(pid, 'SIGKILL');
 */
export function isRunning(pid: number): boolean {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return false;
  // The state letter follows the command in parentheses, which may itself contain ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * When a process started (clock ticks since boot, field 22 of `/proc/<pid>/stat`), or `null`
 * when it is gone. A pid and its start time name one process: pids are reused, so a check that
 * a process "is still there" compares both before it reports or signals anything.
 *
 * @example
 * const seen = { pid, startedAt: processStartTime(pid) };
 */
export function processStartTime(pid: number): number | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command start at field 3 (state), so field 22 is index 19.
  const start = Number(fields[19]);
  return Number.isFinite(start) ? start : null;
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
