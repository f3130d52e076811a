// Circuit breaker
export type {
  BreakerOptions,
  GuardedCallOptions,
  GuardedFunction,
} from './circuitBreaker/Breaker.js';
export { Breaker, createBreaker } from './circuitBreaker/Breaker.js';
export { breakerDefaults, resolveBreakerSettings } from './circuitBreaker/breakerSettings.js';
export type {
  BreakerStateName,
  CircuitBreakerActor,
  CircuitBreakerSnapshot,
} from './circuitBreaker/breakerState.js';
export {
  BreakerStateCode,
  breakerStateCode,
  breakerStateName,
} from './circuitBreaker/breakerState.js';
export type {
  BreakerChangeReason,
  BreakerCounters,
  BreakerLastError,
  BreakerSettings,
  BreakerStateChange,
  CircuitBreakerContext,
  CircuitBreakerEvent,
  CircuitBreakerInput,
  FailureRateInput,
} from './circuitBreaker/breakerTypes.js';
export { circuitBreaker } from './circuitBreaker/circuitBreaker.js';
export { guardedCall } from './circuitBreaker/guardedCall.js';
export type { RollingWindow, WindowBucket } from './circuitBreaker/rollingWindow.js';
// Clock
export type { DeadlineReachedEvent, DeadlineTimerInput } from './clock/deadlineTimer.js';
export { deadlineTimer } from './clock/deadlineTimer.js';
export type { MachineClock } from './clock/machineClock.js';
export { realClock, systemClock, systemNow } from './clock/machineClock.js';
// Diagrams
export type { DocumentedMachine } from './diagram/machineDoc.js';
export { renderMachineDoc } from './diagram/machineDoc.js';
export type { MermaidOptions } from './diagram/toMermaid.js';
export { toMermaid } from './diagram/toMermaid.js';
// Errors
export type { ErrorInfo } from './errorInfo.js';
export { causeOf, toErrorInfo } from './errorInfo.js';
export type { MachinesErrorCode } from './errors.js';
export {
  BreakerNotRunningError,
  BreakerOpenError,
  CallTimeoutError,
  DuplicateStreamError,
  InvalidOptionError,
  MachinesError,
  TrackerFullError,
} from './errors.js';
// Reloader
export { reloader } from './reloader/reloader.js';
export { reloaderDefaults } from './reloader/reloaderSettings.js';
export type {
  ReloaderContext,
  ReloaderCounters,
  ReloaderEvent,
  ReloaderInput,
  ReloaderSettings,
  ReloadFailure,
  ReloadInput,
} from './reloader/reloaderTypes.js';
// Supervisor
export type { SuperviseActorOptions } from './supervisor/superviseActor.js';
export { childFailed, superviseActor } from './supervisor/superviseActor.js';
export { supervisor } from './supervisor/supervisor.js';
export { supervisorDefaults } from './supervisor/supervisorSettings.js';
export type {
  ChildFailedEvent,
  ChildRecord,
  EscalationOrder,
  FailureDecision,
  FailureReport,
  RestartOrder,
  SupervisorContext,
  SupervisorCounters,
  SupervisorEvent,
  SupervisorInput,
  SupervisorSettings,
} from './supervisor/supervisorTypes.js';
export type {
  LastQuote,
  SymbolBookCounters,
  SymbolBookSnapshot,
  TickFoldResult,
} from './symbolCache/SymbolBook.js';
export { SymbolBook } from './symbolCache/SymbolBook.js';
export type {
  ResolvedSymbolBookOptions,
  SymbolBookOptions,
} from './symbolCache/symbolBookOptions.js';
export { defaultCandleCapacities } from './symbolCache/symbolBookOptions.js';
// Symbol cache
export { symbolCache, symbolLifecycle } from './symbolCache/symbolCache.js';
export type {
  CandleClosedParams,
  PersistSnapshotParams,
  PublishCandlesParams,
  SequencedTick,
  SnapshotReason,
  SymbolCacheContext,
  SymbolCacheEffect,
  SymbolCacheEvent,
  SymbolCacheInput,
  SymbolCacheStep,
  SymbolLifecycle,
  TooOldParams,
} from './symbolCache/symbolCacheTypes.js';
// Trackers
export type {
  ErrorEntry,
  ErrorPattern,
  RecentErrorsOptions,
  RecordedError,
} from './trackers/RecentErrors.js';
export { RecentErrors } from './trackers/RecentErrors.js';
export type {
  ActiveStream,
  CompletedStream,
  StreamOutcome,
  StreamTrackerOptions,
  StreamTrackerStats,
} from './trackers/StreamTracker.js';
export { StreamTracker } from './trackers/StreamTracker.js';
export type { UsageSlice } from './trackers/TimeBuckets.js';
export type { Usage, UsageTotals, UsageTrackerOptions } from './trackers/UsageTracker.js';
export { UsageTracker } from './trackers/UsageTracker.js';
