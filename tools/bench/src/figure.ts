/**
 * A target a figure should meet: on its ratio to the baseline, or on its own value
 * (e.g. "at most 60 bytes per candle").
 */
export interface Goal {
  readonly on: 'ratio' | 'value';
  readonly op: '<=' | '>=';
  readonly target: number;
}

/** One measured figure next to the baseline it was measured against, in the same run. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** `value / baseline`. */
  readonly ratio: number;
  readonly goal?: Goal;
  /** Whether the goal was met; undefined when there is none. */
  readonly met?: boolean;
}

/** What a benchmark measured, before the ratio and the verdict are worked out. */
export interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  readonly goal?: Goal;
}

/**
 * Computes the ratio and whether the goal is met.
 *
 * @example
 * makeFigure({ name: 'lruWindow set', unit: 'ops/s', value: 9e6, baselineName: 'lru-cache',
 *   baseline: 8e6, goal: { on: 'ratio', op: '>=', target: 1 } }).met // true
 */
export function makeFigure(measurement: Measurement): Figure {
  const ratio = measurement.value / measurement.baseline;
  const goal = measurement.goal;
  if (!goal) return { ...measurement, ratio };
  const actual = goal.on === 'ratio' ? ratio : measurement.value;
  const met = goal.op === '<=' ? actual <= goal.target : actual >= goal.target;
  return { ...measurement, ratio, met };
}
