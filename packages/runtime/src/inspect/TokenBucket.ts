/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up, refilled lazily
 * from the timestamps callers pass in (no timer). Rate-limits one inspected actor's events.
 *
 * @example
 * const bucket = new TokenBucket(50, 100, Date.now());
 * if (bucket.take(Date.now())) publish(event);
 * else dropped++;
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  #tokens: number;
  #at: number;

  /**
   * @param ratePerSecond - refill rate, > 0
   * @param burst - most tokens held (and the initial fill), >= 1
   * @param now - current time, ms
   */
  constructor(ratePerSecond: number, burst: number, now: number) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  /** Takes one token if there is one; `false` (nothing taken) when the bucket is empty. */
  take(now: number): boolean {
    if (now > this.#at) {
      const refilled = this.#tokens + ((now - this.#at) * this.ratePerSecond) / 1_000;
      this.#tokens = Math.min(refilled, this.burst);
      this.#at = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
