export type { RuntimeErrorCode } from './errors.js';
export {
  InvalidRuntimeOptionError,
  RuntimeError,
  SnapshotConflictError,
  TopologyConflictError,
} from './errors.js';
export type { Logger } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
export type { ResolvedTopology, Topology, TopologyOptions } from './topology.js';
export { ensureTopology, resolveTopology, topologyNames } from './topology.js';
