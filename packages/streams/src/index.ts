export type { BoundedQueueOptions, OverflowPolicy } from './BoundedQueue.js';
export { BoundedQueue } from './BoundedQueue.js';
export { BufferCounters } from './BufferCounters.js';
export type { BatchOptions } from './batch.js';
export { batch } from './batch.js';
export type { BoundedBufferOptions } from './boundedBuffer.js';
export { boundedBuffer } from './boundedBuffer.js';
export { CandleCounters } from './CandleCounters.js';
export type {
  Candle,
  CandleApplyResult,
  CandleField,
  CandleWindowOptions,
  CandleWindowSnapshot,
} from './CandleWindow.js';
export { CandleWindow, candleFields } from './CandleWindow.js';
export type { CoalesceOptions } from './coalesce.js';
export { CoalesceCounters, coalesce } from './coalesce.js';
export type { StreamsErrorCode } from './errors.js';
export {
  BufferOverflowError,
  InvalidOptionError,
  RingSnapshotError,
  StreamsError,
} from './errors.js';
export type { LruWindowOptions } from './LruWindow.js';
export { LruWindow } from './LruWindow.js';
export type { KeyedValue, LruEvictionsOptions } from './lruEvictions.js';
export { lruEvictions } from './lruEvictions.js';
export type { ObjectLruDisposeReason, ObjectLruOptions } from './objectLru.js';
export { objectLru } from './objectLru.js';
export type { RingSnapshot } from './RingColumns.js';
export { RingColumns } from './RingColumns.js';
