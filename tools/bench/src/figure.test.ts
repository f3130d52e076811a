import { describe, expect, it } from 'vitest';
import { makeFigure } from './figure.js';

describe('makeFigure', () => {
  const base = { name: 'x', unit: 'ops/s', baselineName: 'b' };

  it('computes the ratio to the baseline', () => {
    expect(makeFigure({ ...base, value: 30, baseline: 20 }).ratio).toBe(1.5);
  });

  it('judges a ratio goal', () => {
    const goal = { on: 'ratio', op: '>=', target: 1 } as const;
    expect(makeFigure({ ...base, value: 30, baseline: 20, goal }).met).toBe(true);
    expect(makeFigure({ ...base, value: 10, baseline: 20, goal }).met).toBe(false);
  });

  it('judges a value goal', () => {
    const goal = { on: 'value', op: '<=', target: 60 } as const;
    expect(makeFigure({ ...base, value: 56, baseline: 200, goal }).met).toBe(true);
    expect(makeFigure({ ...base, value: 61, baseline: 200, goal }).met).toBe(false);
  });

  it('leaves met undefined without a goal', () => {
    expect(makeFigure({ ...base, value: 1, baseline: 1 }).met).toBeUndefined();
  });
});
