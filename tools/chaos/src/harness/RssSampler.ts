import { readFile } from 'node:fs/promises';

/** What a sampler saw of one process. */
export interface RssSeries {
  readonly label: string;
  readonly pid: number;
  /** Highest RSS seen, including the kernel's high-water mark (VmHWM), bytes. */
  maxBytes: number;
  /** Lowest and highest sampled RSS since the last {@link RssSampler.mark}, bytes. */
  windowMinBytes: number;
  windowMaxBytes: number;
  lastBytes: number;
  samples: number;
}

const mb = 1024 * 1024;

/**
 * Samples the RSS of processes under test from `/proc/<pid>/status` (VmRSS, and VmHWM so a
 * peak between two samples is not missed), every `everyMs`. Processes are tracked by pid; a
 * restarted worker is a new series. {@link RssSampler.mark} starts a window for "memory flat"
 * checks (max − min of each process within it).
 *
 * @example
 * await using rss = RssSampler.start();
 * rss.track('w1', worker.pid);
 * rss.mark();            // steady state starts here
 * rss.windowSpreadMb();  // biggest max − min of any process since the mark
 */
export class RssSampler implements AsyncDisposable {
  readonly #series = new Map<number, RssSeries>();
  readonly #timer: NodeJS.Timeout;
  #sampling: Promise<void> | undefined;

  private constructor(everyMs: number) {
    this.#timer = setInterval(() => {
      this.#sampling ??= this.sample().finally(() => {
        this.#sampling = undefined;
      });
    }, everyMs);
    this.#timer.unref();
  }

  /** Starts sampling every `everyMs` (default 250 ms). */
  static start(everyMs = 250): RssSampler {
    return new RssSampler(everyMs);
  }

  /** Starts sampling `pid` under `label` (e.g. the worker id). */
  track(label: string, pid: number): void {
    if (this.#series.has(pid)) return;
    this.#series.set(pid, {
      label,
      pid,
      maxBytes: 0,
      windowMinBytes: Number.POSITIVE_INFINITY,
      windowMaxBytes: 0,
      lastBytes: 0,
      samples: 0,
    });
  }

  /** Samples every tracked process that is still running now. */
  async sample(): Promise<void> {
    await Promise.all(
      [...this.#series.values()].map(async (series) => {
        const status = await readFile(`/proc/${series.pid}/status`, 'utf8').catch(() => null);
        if (status === null) return; // exited
        const rss = kib(status, 'VmRSS');
        const hwm = kib(status, 'VmHWM');
        if (rss === undefined) return; // a zombie has no memory lines
        series.samples++;
        series.lastBytes = rss;
        series.maxBytes = Math.max(series.maxBytes, rss, hwm ?? 0);
        series.windowMinBytes = Math.min(series.windowMinBytes, rss);
        series.windowMaxBytes = Math.max(series.windowMaxBytes, rss);
      }),
    );
  }

  /** Starts a new window for every series (after a sample, so it begins with a value). */
  async mark(): Promise<void> {
    await this.sample();
    for (const series of this.#series.values()) {
      series.windowMinBytes = series.lastBytes || Number.POSITIVE_INFINITY;
      series.windowMaxBytes = series.lastBytes;
    }
  }

  /** Every series, for notes. */
  series(): RssSeries[] {
    return [...this.#series.values()];
  }

  /** Highest RSS of any tracked process, MB (0 when nothing was sampled). */
  maxMb(label?: (l: string) => boolean): number {
    let max = 0;
    for (const s of this.#series.values()) {
      if (label === undefined || label(s.label)) max = Math.max(max, s.maxBytes);
    }
    return max / mb;
  }

  /** Biggest `max − min` within the window of any series (that has two samples in it), MB. */
  windowSpreadMb(label?: (l: string) => boolean): number {
    let spread = 0;
    for (const s of this.#series.values()) {
      if (label !== undefined && !label(s.label)) continue;
      if (s.windowMaxBytes === 0 || !Number.isFinite(s.windowMinBytes)) continue;
      spread = Math.max(spread, s.windowMaxBytes - s.windowMinBytes);
    }
    return spread / mb;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#timer);
    await this.#sampling;
  }
}

function kib(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}
