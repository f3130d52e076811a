// Gateway

// Wire protocol of /ws
export type {
  BreakerStateLabel,
  BreakerTransition,
  ClientRequest,
  DeadLetterView,
  GatewayCounters,
  HistorySnapshot,
  InspectResult,
  MachineName,
  ReloadEvent,
  ServerMessage,
  SinkStatsView,
  WorkerSample,
  WorkerView,
} from './gatewayMessages.js';
export { machineNames } from './gatewayMessages.js';
export type { GatewayLimits, GatewayOptions } from './gatewayOptions.js';
export { gatewayDefaults } from './gatewayOptions.js';
// Statecharts
export type {
  MachineLike,
  StatechartDefinition,
  StatechartState,
  StatechartTransition,
} from './machineDefinition.js';
export { machineDefinition } from './machineDefinition.js';
export type { Gateway } from './startGateway.js';
export { startGateway } from './startGateway.js';
