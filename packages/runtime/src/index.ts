// Worker

export { checkpointKey, snapshotKey } from './actors/snapshotKey.js';
// Actors
export type { ResolvedSymbolActorOptions, SymbolActorOptions } from './actors/symbolHostOptions.js';
export { resolveSymbolActorOptions } from './actors/symbolHostOptions.js';
// Errors and logging
export type { RuntimeErrorCode } from './errors.js';
export {
  InvalidRuntimeOptionError,
  RuntimeError,
  SnapshotConflictError,
  TopologyConflictError,
} from './errors.js';
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
// Ingest
export type { TickAdmission } from './ingest/tickAdmission.js';
export { admitTick } from './ingest/tickAdmission.js';
// Inspection relay (Stately inspector)
export type {
  InspectRelayCounters,
  InspectRelayDeps,
  InspectRelayStats,
} from './inspect/InspectRelay.js';
export { InspectRelay, inspectStatsType } from './inspect/InspectRelay.js';
export type { InspectSelector } from './inspect/InspectSelections.js';
export type {
  InspectKind,
  InspectSource,
  InspectSources,
  InspectTarget,
} from './inspect/inspectKinds.js';
export { inspectKinds, isInspectKind } from './inspect/inspectKinds.js';
export type {
  InspectRelayOptions,
  ResolvedInspectRelayOptions,
} from './inspect/inspectRelayOptions.js';
export type {
  StatelyActorEvent,
  StatelyEventEvent,
  StatelyInspectionEvent,
  StatelySnapshotEvent,
} from './inspect/statelyEvents.js';
export {
  announceEventType,
  pollEventType,
  statelyWireVersion,
} from './inspect/statelyEvents.js';
export { InstrumentRegistry } from './instruments/InstrumentRegistry.js';
export type { InstrumentErrorCode } from './instruments/instrumentErrors.js';
export {
  InvalidInstrumentError,
  RegistryFullError,
  RegistryNotStartedError,
} from './instruments/instrumentErrors.js';
export type { InstrumentRecord } from './instruments/instrumentRecord.js';
export {
  assertInstrumentSymbol,
  decodeInstrumentRecord,
  encodeInstrumentRecord,
} from './instruments/instrumentRecord.js';
export type {
  InstrumentChange,
  InstrumentRegistryCounters,
  InstrumentRegistryOptions,
} from './instruments/instrumentRegistryTypes.js';
export type { JanitorReport, JanitorTask } from './janitor/Janitor.js';
export { Janitor } from './janitor/Janitor.js';
// Leases
export type { LeasePlan, LeasePlanInput } from './leases/leasePlan.js';
export { fairShare, leasePlan } from './leases/leasePlan.js';
export { PartitionLeaseCounters } from './leases/PartitionLeaseCounters.js';
export { PartitionLeases } from './leases/PartitionLeases.js';
export type { PartitionLeasesOptions, ReleaseReason } from './leases/partitionLeasesOptions.js';
export type { Logger } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
// Metrics endpoint and janitor
export type {
  HealthReport,
  HttpEndpoint,
  HttpEndpointCounters,
} from './metrics/httpEndpoint.js';
export { startHttpEndpoint } from './metrics/httpEndpoint.js';
export type {
  BreakerStateCode,
  ConnectionStatus,
  WorkerStats,
} from './metrics/metricsSource.js';
export { WorkerMetrics } from './metrics/WorkerMetrics.js';
export type { CheckpointRecord } from './partitions/PartitionCheckpoint.js';
// Queries
export type {
  QueryErrorReply,
  SymbolQueryReply,
  SymbolQueryRequest,
} from './queries/queryMessages.js';
export {
  decodeQuery,
  defaultQueryLimit,
  encodeQuery,
  maxQueryLimit,
} from './queries/queryMessages.js';
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
// Sink, instruments, persisted machine state
export { CandleSink } from './sink/CandleSink.js';
export type { CandleSinkCounters, CandleSinkOptions } from './sink/candleSinkOptions.js';
export type { SinkReply } from './sink/sinkSubject.js';
export {
  decodeSinkReply,
  encodeSinkReply,
  SinkRefusedError,
  sinkSubject,
} from './sink/sinkSubject.js';
export type { ActorStateCounters, PersistedSnapshot } from './state/persistedActorState.js';
export { ActorStateStore, actorStateKey } from './state/persistedActorState.js';
// Topology
export type { ResolvedTopology, Topology, TopologyOptions } from './topology.js';
export { ensureTopology, resolveTopology, topologyNames } from './topology.js';
export type { ConnectionState, ConnectNatsOptions } from './worker/natsConnection.js';
export { connectNats } from './worker/natsConnection.js';
export { Worker } from './worker/Worker.js';
export { WorkerServices } from './worker/WorkerServices.js';
export type { ResolvedWorkerOptions, WorkerOptions } from './worker/workerOptions.js';
export { resolveWorkerOptions } from './worker/workerOptions.js';
export type { WorkerStatus } from './worker/workerStatus.js';
