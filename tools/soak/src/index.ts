export type { LineFit, XY } from './leastSquares.js';
export { leastSquares, slopeAfterWarmup } from './leastSquares.js';
export type { NaiveCandle, NaiveTick } from './NaiveCandleFold.js';
export { NaiveCandleFold } from './NaiveCandleFold.js';
export {
  childPids,
  commandLine,
  descendantPids,
  isRunning,
  processStartTime,
  readRss,
} from './procStatus.js';
export type { NaiveRun, NaiveRunOptions, NaiveSample } from './runNaiveFold.js';
export { runNaiveFold } from './runNaiveFold.js';
export type {
  NaiveTrend,
  ProcessSample,
  ProcessSeries,
  SoakOptions,
  SoakResult,
  WorkerTrend,
} from './runSoak.js';
export { runSoak } from './runSoak.js';
export type { ClusterProcess, ClusterStop, SoakClusterOptions } from './SoakCluster.js';
export { SoakCluster } from './SoakCluster.js';
export { parseCounters, scrapeCounters } from './scrapeCounters.js';
export { soakDefaults } from './soakDefaults.js';
export { rssSlopeGoalMibPerHour, soakFigures } from './soakFigures.js';
export type { WorkerAnnouncementCounters } from './WorkerAnnouncements.js';
export { WorkerAnnouncements } from './WorkerAnnouncements.js';
export type { SoakReportFiles, SoakReportOptions } from './writeSoakReport.js';
export { writeSoakReport } from './writeSoakReport.js';
