import { describe, expect, it } from 'vitest';
import { leastSquares, slopeAfterWarmup } from './leastSquares.js';

describe('leastSquares', () => {
  it('recovers the slope and intercept of an exact line', () => {
    const fit = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 3 * x - 2 })));
    expect(fit.slope).toBeCloseTo(3, 12);
    expect(fit.intercept).toBeCloseTo(-2, 12);
    expect(fit.residualSd).toBeCloseTo(0, 12);
    expect(fit.slopeStdError).toBeCloseTo(0, 12);
  });

  it('fits noisy data by least squares, with a standard error that shrinks with more samples', () => {
    // Alternating ±1 around y = 0.5x: the residuals cancel, the slope stays 0.5.
    const noisy = (n: number) =>
      Array.from({ length: n }, (_, x) => ({ x, y: 0.5 * x + (x % 2 === 0 ? 1 : -1) }));
    const few = leastSquares(noisy(10));
    const many = leastSquares(noisy(1_000));
    expect(many.slope).toBeCloseTo(0.5, 3);
    expect(few.residualSd).toBeGreaterThan(0.9);
    expect(many.slopeStdError).toBeLessThan(few.slopeStdError / 100);
  });

  it('keeps its precision for x far from zero (hours since the epoch)', () => {
    const x0 = 493_000;
    const fit = leastSquares([0, 0.1, 0.2, 0.3].map((dx) => ({ x: x0 + dx, y: 200 + 2 * dx })));
    expect(fit.slope).toBeCloseTo(2, 6);
  });

  it('gives NaN, not a number, without two distinct x', () => {
    expect(leastSquares([]).slope).toBeNaN();
    expect(leastSquares([{ x: 1, y: 5 }]).slope).toBeNaN();
    expect(
      leastSquares([
        { x: 1, y: 5 },
        { x: 1, y: 7 },
      ]).slope,
    ).toBeNaN();
  });
});

describe('slopeAfterWarmup', () => {
  // Growth of 100 during the first 30 % (warm-up), flat after: the slope must be ~0.
  const warmThenFlat = Array.from({ length: 101 }, (_, i) => ({
    x: i / 100,
    y: i < 30 ? (100 * i) / 30 : 100,
  }));

  it('leaves the warm-up out of the fit', () => {
    expect(slopeAfterWarmup(warmThenFlat, 0.3).slope).toBeCloseTo(0, 9);
    expect(slopeAfterWarmup(warmThenFlat, 0.3).n).toBe(71);
    // Without leaving it out, the warm-up reads as growth.
    expect(slopeAfterWarmup(warmThenFlat, 0).slope).toBeGreaterThan(50);
  });

  it('counts the warm-up from the first sample, not from zero', () => {
    const late = warmThenFlat.map((p) => ({ x: p.x + 10, y: p.y }));
    expect(slopeAfterWarmup(late, 0.3).slope).toBeCloseTo(0, 9);
  });

  it('refuses a warm-up fraction outside [0, 1)', () => {
    expect(() => slopeAfterWarmup(warmThenFlat, 1)).toThrow(RangeError);
    expect(() => slopeAfterWarmup(warmThenFlat, -0.1)).toThrow(RangeError);
  });
});
