/** A sample for a fit: x (e.g. hours) and y (e.g. MB). */
export interface XY {
  readonly x: number;
  readonly y: number;
}

/** A least-squares line through samples. */
export interface LineFit {
  /** dy/dx: MB per hour when x is hours and y is MB. `NaN` with fewer than 2 distinct x. */
  readonly slope: number;
  readonly intercept: number;
  /** Samples used. */
  readonly n: number;
  /** Residual standard deviation of y around the line (noise, in y's unit). */
  readonly residualSd: number;
  /**
   * Standard error of the slope, assuming independent residuals. Memory samples are not
   * independent (a heap stays grown for a while), so read it as a lower bound of the noise.
   */
  readonly slopeStdError: number;
}

/**
 * Ordinary least squares of y on x.
 *
 * @example
 * leastSquares([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]).slope; // 2
 */
export function leastSquares(points: readonly XY[]): LineFit {
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  // Centred sums: hours since the epoch squared would lose every digit that matters.
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (n < 2 || sxx === 0) {
    return {
      slope: Number.NaN,
      intercept: Number.NaN,
      n,
      residualSd: 0,
      slopeStdError: Number.NaN,
    };
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ss = 0;
  for (const p of points) ss += (p.y - (intercept + slope * p.x)) ** 2;
  const residualSd = n > 2 ? Math.sqrt(ss / (n - 2)) : 0;
  return { slope, intercept, n, residualSd, slopeStdError: residualSd / Math.sqrt(sxx) };
}

/**
 * The least-squares slope of the samples after a warm-up: the first `warmupFraction` of the
 * x range is left out, since a fresh process grows while it fills its caches, JIT code and
 * pools; what it does after that is the trend that matters.
 *
 * @param warmupFraction - 0 to <1 of the x range (first to last sample) to skip
 * @example
 * const fit = slopeAfterWarmup(samples.map((s) => ({ x: s.hours, y: s.rssMb })), 0.3);
 * fit.slope; // MB per hour
 */
export function slopeAfterWarmup(points: readonly XY[], warmupFraction: number): LineFit {
  if (!(warmupFraction >= 0 && warmupFraction < 1)) {
    throw new RangeError(`warmupFraction must be in [0, 1), got ${warmupFraction}`);
  }
  if (points.length === 0) return leastSquares([]);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    first = Math.min(first, p.x);
    last = Math.max(last, p.x);
  }
  const from = first + (last - first) * warmupFraction;
  return leastSquares(points.filter((p) => p.x >= from));
}
