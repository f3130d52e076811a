export type { Figure, Goal, Measurement } from './figure.js';
export { makeFigure } from './figure.js';
export { reportFigures } from './report.js';
export { retainedBytesPer } from './retainedBytes.js';
export type { ThroughputComparison, TimedTask } from './throughput.js';
export { compareThroughput } from './throughput.js';
