import { describe, expect, it } from 'vitest';
import { emptyWindow, recordOutcome, windowTotals } from './rollingWindow.js';

describe('rollingWindow', () => {
  it('counts outcomes in the buckets still inside the window', () => {
    let window = emptyWindow(1_000, 10);
    window = recordOutcome(window, 0, true);
    window = recordOutcome(window, 50, false, 3);
    window = recordOutcome(window, 950, true);
    expect(windowTotals(window, 999)).toEqual({ outcomes: 5, failures: 2 });
    expect(windowTotals(window, 1_000)).toEqual({ outcomes: 1, failures: 1 });
    expect(windowTotals(window, 2_000)).toEqual({ outcomes: 0, failures: 0 });
  });

  it('recycles a bucket of an older slice instead of growing', () => {
    let window = emptyWindow(100, 2);
    for (let t = 0; t < 10_000; t += 10) window = recordOutcome(window, t, t % 20 === 0);
    expect(window.buckets).toHaveLength(2);
    expect(windowTotals(window, 9_990)).toEqual({ outcomes: 10, failures: 5 });
  });
});
