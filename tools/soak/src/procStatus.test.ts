import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  childPids,
  commandLine,
  descendantPids,
  isRunning,
  processStartTime,
  readRss,
} from './procStatus.js';

describe('procStatus', () => {
  it('reads this process: RSS near what Node reports, its command line, a start time', () => {
    const rss = readRss(process.pid);
    expect(rss).not.toBeNull();
    // VmRSS and process.memoryUsage().rss are the same number, read a moment apart.
    expect(Math.abs((rss as number) - process.memoryUsage().rss)).toBeLessThan(64 * 1024 * 1024);
    expect(commandLine(process.pid)?.[0]).toContain('node');
    expect(processStartTime(process.pid)).toBeGreaterThan(0);
    expect(isRunning(process.pid)).toBe(true);
  });

  it('finds a child and its child, and nothing once they exited', async () => {
    // sh runs sleep as its child (not exec'd: the trailing `wait` keeps sh alive).
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      const pid = child.pid as number;
      // sh needs a moment to fork sleep, and the fork a moment to exec it.
      const sleeping = () => {
        const first = childPids(pid)[0];
        return first !== undefined && commandLine(first)?.[0] === 'sleep';
      };
      for (let i = 0; i < 250 && !sleeping(); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(childPids(process.pid)).toContain(pid);
      const grandchild = childPids(pid)[0] as number;
      expect(commandLine(grandchild)).toEqual(['sleep', '30']);
      expect(descendantPids(process.pid)).toEqual(expect.arrayContaining([pid, grandchild]));
      child.kill('SIGKILL');
      process.kill(grandchild, 'SIGKILL');
      await exited;
      expect(isRunning(pid)).toBe(false);
      expect(readRss(pid)).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('answers null and [] for a pid that does not exist', () => {
    const none = 2 ** 22 + 12_345; // above pid_max's usual 2^22
    expect(readRss(none)).toBeNull();
    expect(childPids(none)).toEqual([]);
    expect(commandLine(none)).toBeNull();
    expect(processStartTime(none)).toBeNull();
    expect(isRunning(none)).toBe(false);
  });
});
