import { type DecodeOptions, packWire, unpackWire } from '../codec.js';
import {
  absent,
  checkFieldCount,
  type Fields,
  fieldsOf,
  flag,
  oneOf,
  text,
  timestamp,
  token,
} from '../validate.js';

/** Ask the reloader to re-read the instrument registry (on `ctl.reload`). */
export interface ReloadRequest {
  readonly v: 1;
  readonly type: 'reload';
  /** Why, for the log: e.g. `cli`, `registry changed`. At most 4096 characters. */
  readonly reason: string;
  /** When it was requested, ms since the epoch. */
  readonly at: number;
}

/**
 * Turn state-machine inspection on or off (on `ctl.inspect`). Each selector that is
 * present narrows the selection; none selects every actor on every worker.
 */
export interface InspectCommand {
  readonly v: 1;
  readonly type: 'inspect';
  readonly enabled: boolean;
  readonly worker?: string | undefined;
  readonly actorKind?: string | undefined;
  readonly actorId?: string | undefined;
  readonly at: number;
}

/** Reset a circuit breaker to closed, or isolate it (hold it open) (on `ctl.breaker.<name>`). */
export interface BreakerCommand {
  readonly v: 1;
  readonly type: 'breaker';
  readonly action: 'reset' | 'isolate';
  /** The breaker's name, also the last token of its subject. */
  readonly name: string;
  readonly at: number;
}

/** Add an instrument to the registry or remove it (on `ctl.instruments`). */
export interface InstrumentCommand {
  readonly v: 1;
  readonly type: 'instrument';
  readonly action: 'add' | 'remove';
  readonly symbol: string;
  /** For `add`: when the instrument expires and a reload removes it, ms since the epoch. */
  readonly expiresAt?: number | undefined;
  readonly at: number;
}

/** Any control message; `type` tells them apart. */
export type ControlMessage = ReloadRequest | InspectCommand | BreakerCommand | InstrumentCommand;

const T = 'ControlMessage';
const types = ['reload', 'inspect', 'breaker', 'instrument'] as const;
const reloadKeys = ['v', 'type', 'reason', 'at'];
const inspectKeys = ['v', 'type', 'enabled', 'worker', 'actorKind', 'actorId', 'at'];
const breakerKeys = ['v', 'type', 'action', 'name', 'at'];
const instrumentKeys = ['v', 'type', 'action', 'symbol', 'expiresAt', 'at'];

function controlFrom(
  value: unknown,
  decoding: boolean,
  subject: string | undefined,
): ControlMessage {
  const f = fieldsOf(value, T, decoding, subject);
  const type = oneOf(f, 'type', types, T, subject);
  switch (type) {
    case 'reload': {
      const reason = text(f, 'reason', T, decoding, subject);
      const at = timestamp(f, 'at', T, subject);
      if (decoding) checkFieldCount(f, 4, reloadKeys, T, subject);
      return { v: 1, type, reason, at };
    }
    case 'inspect':
      return inspectFrom(f, decoding, subject);
    case 'breaker': {
      const action = oneOf(f, 'action', ['reset', 'isolate'] as const, T, subject);
      const name = token(f, 'name', T, subject);
      const at = timestamp(f, 'at', T, subject);
      if (decoding) checkFieldCount(f, 5, breakerKeys, T, subject);
      return { v: 1, type, action, name, at };
    }
    case 'instrument':
      return instrumentFrom(f, decoding, subject);
  }
}

function inspectFrom(f: Fields, decoding: boolean, subject: string | undefined): InspectCommand {
  const enabled = flag(f, 'enabled', T, subject);
  const worker = selector(f, 'worker', subject);
  const actorKind = selector(f, 'actorKind', subject);
  const actorId = selector(f, 'actorId', subject);
  const at = timestamp(f, 'at', T, subject);
  if (decoding) {
    // A present key counts toward the field total even when it is nil.
    let present = 4;
    if (f.worker !== undefined) present++;
    if (f.actorKind !== undefined) present++;
    if (f.actorId !== undefined) present++;
    checkFieldCount(f, present, inspectKeys, T, subject);
  }
  return {
    v: 1,
    type: 'inspect',
    enabled,
    ...(worker !== undefined && { worker }),
    ...(actorKind !== undefined && { actorKind }),
    ...(actorId !== undefined && { actorId }),
    at,
  };
}

function selector(f: Fields, key: string, subject: string | undefined): string | undefined {
  return absent(f, key) ? undefined : token(f, key, T, subject);
}

function instrumentFrom(
  f: Fields,
  decoding: boolean,
  subject: string | undefined,
): InstrumentCommand {
  const action = oneOf(f, 'action', ['add', 'remove'] as const, T, subject);
  const symbol = token(f, 'symbol', T, subject);
  const at = timestamp(f, 'at', T, subject);
  if (absent(f, 'expiresAt')) {
    if (decoding) checkFieldCount(f, f.expiresAt === null ? 6 : 5, instrumentKeys, T, subject);
    return { v: 1, type: 'instrument', action, symbol, at };
  }
  const expiresAt = timestamp(f, 'expiresAt', T, subject);
  if (decoding) checkFieldCount(f, 6, instrumentKeys, T, subject);
  return { v: 1, type: 'instrument', action, symbol, expiresAt, at };
}

/**
 * Encodes a control message as a plain MessagePack map.
 *
 * @throws {ProtocolError} `schema_violation` naming the first invalid field
 * @example
 * nc.publish(controlSubjects.reload, encodeControl({ v: 1, type: 'reload', reason: 'cli', at: Date.now() }));
 */
export function encodeControl(message: ControlMessage): Uint8Array {
  return packWire(controlFrom(message, false, undefined));
}

/**
 * Decodes and validates any control message; switch on `type`.
 *
 * @throws {ProtocolError} `oversize`, `decode_failed` or `schema_violation`
 * @example
 * const command = decodeControl(msg.data, { subject: msg.subject });
 * if (command.type === 'breaker') breakers.get(command.name)?.send({ type: command.action });
 */
export function decodeControl(bytes: Uint8Array, options?: DecodeOptions): ControlMessage {
  return controlFrom(unpackWire(bytes, T, options), true, options?.subject);
}
