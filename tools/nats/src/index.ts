export type { NatsToolErrorCode } from './errors.js';
export {
  NatsClusterError,
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsToolError,
} from './errors.js';
export type { FindNatsServerOptions, NatsServerBinary } from './findNatsServer.js';
export { findNatsServer } from './findNatsServer.js';
export type { NatsClusterOptions } from './NatsCluster.js';
export { NatsCluster, startNatsCluster } from './NatsCluster.js';
export type { NatsServerOptions } from './NatsServer.js';
export { NatsServer } from './NatsServer.js';
export type { StoreSize } from './natsConfig.js';
export type { OwnedServer } from './processReaper.js';
export { findOwnedServers, natsOwner, reapOwnedServers } from './processReaper.js';
export type { ServerFeature, ServerVersion } from './serverVersion.js';
export {
  compareServerVersions,
  minimumServerVersion,
  parseServerVersion,
  serverFeatures,
  supportsFeature,
} from './serverVersion.js';
