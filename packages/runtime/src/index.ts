// Worker
export type { ResolvedWorkerOptions, WorkerOptions } from './worker/workerOptions.js';
export { resolveWorkerOptions } from './worker/workerOptions.js';
export { Worker } from './worker/Worker.js';
export type { WorkerStatus } from './worker/workerStatus.js';
export type { ConnectionState, ConnectNatsOptions } from './worker/natsConnection.js';
export { connectNats } from './worker/natsConnection.js';
export { WorkerServices } from './worker/WorkerServices.js';
// Actors
export type { SymbolActorOptions, ResolvedSymbolActorOptions } from './actors/symbolHostOptions.js';
export { resolveSymbolActorOptions } from './actors/symbolHostOptions.js';
export { checkpointKey, snapshotKey } from './actors/snapshotKey.js';
// Errors and logging
export type { RuntimeErrorCode } from './errors.js';
export {
  InvalidRuntimeOptionError,
  RuntimeError,
  SnapshotConflictError,
  TopologyConflictError,
} from './errors.js';
export type { Logger } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
// Ingest
export type { TickAdmission } from './ingest/tickAdmission.js';
export { admitTick } from './ingest/tickAdmission.js';
export type {
  SequenceAnomaly,
  SequenceCounters,
  SequenceTrackerOptions,
  SequenceVerdict,
} from './ingest/SequenceTracker.js';
export { SequenceTracker } from './ingest/SequenceTracker.js';
export type {
  TickFields,
  TickPublishErrorCode,
  TickPublisherCounters,
  TickPublisherOptions,
} from './ingest/TickPublisher.js';
export { TickPublishError, TickPublisher } from './ingest/TickPublisher.js';
// Queries
export type {
  QueryErrorReply,
  SymbolQueryReply,
  SymbolQueryRequest,
} from './queries/queryMessages.js';
export { decodeQuery, encodeQuery } from './queries/queryMessages.js';
// Reference fold
export type { FoldedSymbol, ReferenceFoldOptions } from './reference/referenceFold.js';
export { ReferenceFoldError, referenceFold } from './reference/referenceFold.js';
// Reporting and metrics
export type {
  ErrorReport,
  SystemReporterCounters,
  SystemReporterOptions,
} from './report/SystemReporter.js';
export { SystemReporter } from './report/SystemReporter.js';
export type { BreakerStateCode, WorkerStats } from './metrics/metricsSource.js';
// Sink and instruments
export { sinkSubject, encodeSinkReply, decodeSinkReply } from './sink/sinkSubject.js';
export type { SinkReply } from './sink/sinkSubject.js';
export { InstrumentRegistry } from './instruments/InstrumentRegistry.js';
export type { InstrumentRecord } from './instruments/instrumentRecord.js';
// Topology
export type { ResolvedTopology, Topology, TopologyOptions } from './topology.js';
export { ensureTopology, resolveTopology, topologyNames } from './topology.js';
