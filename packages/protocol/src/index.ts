export type { DecodeOptions } from './codec.js';
export { defaultMaxBytes } from './codec.js';
export type { ProtocolErrorCode, ProtocolErrorDetails } from './errors.js';
export { ProtocolError } from './errors.js';
export type { Candle } from './messages/candle.js';
export { decodeCandle, encodeCandle } from './messages/candle.js';
export type {
  BreakerCommand,
  ControlMessage,
  InspectCommand,
  InstrumentCommand,
  ReloadRequest,
} from './messages/control.js';
export { decodeControl, encodeControl } from './messages/control.js';
export type { DeadLetter, DeadLetterReason } from './messages/deadLetter.js';
export {
  deadLetterFor,
  deadLetterPayloadLimit,
  deadLetterReasons,
  decodeDeadLetter,
  encodeDeadLetter,
} from './messages/deadLetter.js';
export type { ErrorEntry } from './messages/errorEntry.js';
export { decodeErrorEntry, encodeErrorEntry } from './messages/errorEntry.js';
export type { Tick } from './messages/tick.js';
export { decodeTick, encodeTick, tickMessageId } from './messages/tick.js';
export { maxWireDepth } from './msgpackDepth.js';
export { fnv1a32, maxPartitions, partition } from './partition.js';
export { decodePlain, encodePlain } from './plainValue.js';
export { decodeSnapshot, defaultSnapshotMaxBytes, encodeSnapshot } from './snapshot.js';
export type { ActorQuerySubject } from './subjects/actorSubjects.js';
export {
  actorQueryFilter,
  actorQuerySubject,
  parseActorQuerySubject,
} from './subjects/actorSubjects.js';
export type { ControlSubject } from './subjects/controlSubjects.js';
export {
  breakerControlSubject,
  controlSubjects,
  parseControlSubject,
} from './subjects/controlSubjects.js';
export type { CandleSubject, TickSubject } from './subjects/marketSubjects.js';
export {
  candleFilter,
  candleSubject,
  parseCandleSubject,
  parseTickSubject,
  tickFilter,
  tickSubject,
} from './subjects/marketSubjects.js';
export type { ParsedSubject } from './subjects/parseSubject.js';
export { parseSubject } from './subjects/parseSubject.js';
export type { SystemSubject } from './subjects/systemSubjects.js';
export { inspectSubject, parseSystemSubject, systemSubjects } from './subjects/systemSubjects.js';
export { assertSymbol, maxTokenBytes } from './subjectToken.js';
export type { Timeframe } from './timeframes.js';
export { isTimeframe, timeframeMs, timeframes } from './timeframes.js';
export {
  maxLabelLength,
  maxTextLength,
  maxTimestamp,
  minTimestamp,
  schemaVersion,
} from './validate.js';
