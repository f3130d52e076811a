import type { InspectionEvent } from 'xstate';
import { jsonSafe } from './jsonSafe.js';
import { machineDefinition } from './machineDefinition.js';
import { eventLimits } from './snapshotSummary.js';

/**
 * The `_version` every relayed event carries: the `@statelyai/inspect` release whose wire
 * format they follow. Receivers drop events without a string `_version`.
 */
export const statelyWireVersion = '0.7.2';

/** Fields every Stately inspection event has. */
interface StatelyEventBase {
  readonly _version: string;
  /** Milliseconds since the epoch, as a string (as `@statelyai/inspect` writes it). */
  readonly createdAt: string;
  readonly id: null;
  /** The actor's session, prefixed by its worker: `w1:x:3`. */
  readonly sessionId: string;
  /** Its root actor's session, prefixed the same way. */
  readonly rootId: string;
}

/** An actor came to be (or is announced again): its machine definition and first snapshot. */
export interface StatelyActorEvent extends StatelyEventBase {
  readonly type: '@xstate.actor';
  readonly name: string;
  /** JSON string of the machine config. */
  readonly definition: string;
  readonly parentId?: string;
  readonly snapshot: Readonly<Record<string, unknown>>;
}

/** An event reached an actor (`sessionId`), sent by `sourceId` when another actor sent it. */
export interface StatelyEventEvent extends StatelyEventBase {
  readonly type: '@xstate.event';
  readonly event: Readonly<Record<string, unknown>>;
  readonly sourceId?: string;
}

/** An actor's new snapshot, and the event that caused it. */
export interface StatelySnapshotEvent extends StatelyEventBase {
  readonly type: '@xstate.snapshot';
  readonly event: Readonly<Record<string, unknown>>;
  readonly snapshot: Readonly<Record<string, unknown>>;
}

/** What a worker relays on `sys.inspect.<worker>` for the Stately inspector. */
export type StatelyInspectionEvent = StatelyActorEvent | StatelyEventEvent | StatelySnapshotEvent;

/**
 * The event of an announcement's `@xstate.snapshot` (a re-announce on a selection command,
 * not a transition), and of a polled actor's changed snapshot.
 */
export const announceEventType = '@ballast.announce';
export const pollEventType = '@ballast.poll';

/** The parts of an XState actor ref the wire format reads (internal fields included). */
interface ActorRefParts {
  readonly sessionId: string;
  readonly id?: string;
  readonly _parent?: { readonly sessionId: string } | undefined;
  readonly logic?: unknown;
  getSnapshot(): unknown;
}

/** How {@link toStatelyEvent} names and summarizes one inspected actor tree. */
export interface StatelyConversion {
  /** Prepended to every XState session id: `<workerId>:`. */
  readonly prefix: string;
  /** The inspected (root) actor. */
  readonly root: object;
  /** The root's display name, e.g. `symbol/AAPL@w1`. */
  readonly rootName: string;
  /** Compact JSON-safe snapshot of an actor (`isRoot` selects the root's context summary). */
  summarize(snapshot: unknown, isRoot: boolean): Readonly<Record<string, unknown>>;
}

/**
 * Builds a Stately `@xstate.actor` event.
 *
 * @example
 * actorEvent({ sessionId: 'w1:x:0', rootId: 'w1:x:0', name: 'symbol/AAPL@w1', definition, snapshot, now: Date.now() });
 */
export function actorEvent(o: {
  readonly sessionId: string;
  readonly rootId: string;
  readonly parentId?: string | undefined;
  readonly name: string;
  readonly definition: string;
  readonly snapshot: Readonly<Record<string, unknown>>;
  readonly now: number;
}): StatelyActorEvent {
  return {
    type: '@xstate.actor',
    name: o.name,
    sessionId: o.sessionId,
    rootId: o.rootId,
    ...(o.parentId !== undefined && { parentId: o.parentId }),
    definition: o.definition,
    snapshot: o.snapshot,
    id: null,
    createdAt: String(o.now),
    _version: statelyWireVersion,
  };
}

/**
 * Builds a Stately `@xstate.snapshot` event.
 *
 * @example
 * snapshotEvent({ sessionId, rootId, event: { type: announceEventType }, snapshot, now });
 */
export function snapshotEvent(o: {
  readonly sessionId: string;
  readonly rootId: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly snapshot: Readonly<Record<string, unknown>>;
  readonly now: number;
}): StatelySnapshotEvent {
  return {
    type: '@xstate.snapshot',
    sessionId: o.sessionId,
    rootId: o.rootId,
    event: o.event,
    snapshot: o.snapshot,
    id: null,
    createdAt: String(o.now),
    _version: statelyWireVersion,
  };
}

/**
 * The `@xstate.actor` event of a live actor ref (root or child) as it is now; `initializing`
 * when XState is still constructing it (no snapshot to read yet).
 *
 * @example
 * announceActor(actor, { prefix: 'w1:', root: actor, rootName: 'symbol/AAPL@w1', summarize }, Date.now());
 */
export function announceActor(
  ref: object,
  conversion: StatelyConversion,
  rootSessionId: string,
  now: number,
  initializing = false,
): StatelyActorEvent {
  const r = ref as ActorRefParts;
  const isRoot = ref === conversion.root;
  const name = isRoot ? conversion.rootName : displayName(r);
  const parent = r._parent?.sessionId;
  return actorEvent({
    sessionId: conversion.prefix + r.sessionId,
    rootId: conversion.prefix + rootSessionId,
    parentId: parent === undefined ? undefined : conversion.prefix + parent,
    name,
    definition: machineDefinition(r.logic, name),
    // XState announces an actor from its constructor, before it has a snapshot (reading it
    // then throws); its first `@xstate.snapshot` follows.
    snapshot: initializing ? { status: 'active' } : conversion.summarize(r.getSnapshot(), isRoot),
    now,
  });
}

/**
 * Converts an XState inspection event to the Stately wire format, with session ids prefixed;
 * `undefined` for kinds the format does not carry (`@xstate.microstep`, `@xstate.action`,
 * `@xstate.transition`). Snapshots and events are bounded JSON-safe copies.
 *
 * @example
 * actor.system.inspect((e) => { const out = toStatelyEvent(e, conversion, Date.now()); if (out) publish(out); });
 */
export function toStatelyEvent(
  event: InspectionEvent,
  conversion: StatelyConversion,
  now: number,
): StatelyInspectionEvent | undefined {
  const p = conversion.prefix;
  switch (event.type) {
    case '@xstate.actor':
      return announceActor(event.actorRef, conversion, event.rootId, now, true);
    case '@xstate.event': {
      const source = (event.sourceRef as ActorRefParts | undefined)?.sessionId;
      return {
        type: '@xstate.event',
        sessionId: p + event.actorRef.sessionId,
        rootId: p + event.rootId,
        ...(source !== undefined && { sourceId: p + source }),
        event: jsonSafe(event.event, eventLimits) as Record<string, unknown>,
        id: null,
        createdAt: String(now),
        _version: statelyWireVersion,
      };
    }
    case '@xstate.snapshot':
      return snapshotEvent({
        sessionId: p + event.actorRef.sessionId,
        rootId: p + event.rootId,
        event: jsonSafe(event.event, eventLimits) as Record<string, unknown>,
        snapshot: conversion.summarize(event.snapshot, event.actorRef === conversion.root),
        now,
      });
    default:
      return undefined;
  }
}

function displayName(ref: ActorRefParts): string {
  if (ref.id !== undefined && ref.id !== ref.sessionId) return ref.id;
  const configId = (ref.logic as { config?: { id?: unknown } } | undefined)?.config?.id;
  return typeof configId === 'string' ? configId : ref.sessionId;
}
