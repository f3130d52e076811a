import {
  type ControlMessage,
  controlSubjects,
  type DeadLetter,
  deadLetterFor,
  decodeControl,
  encodePlain,
  type InspectCommand,
  inspectSubject,
} from '@ballast/protocol';
import type { Msg, NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import type { AnyActorRef, InspectionEvent, Subscription } from 'xstate';
import type { Logger } from '../logger.js';
import { InspectSelections, type InspectSelector } from './InspectSelections.js';
import {
  type InspectKind,
  type InspectSources,
  type InspectTarget,
  inspectKinds,
  isInspectKind,
} from './inspectKinds.js';
import {
  type InspectRelayOptions,
  type ResolvedInspectRelayOptions,
  resolveInspectRelayOptions,
} from './inspectRelayOptions.js';
import { machineDefinition } from './machineDefinition.js';
import { summarizeSnapshot } from './snapshotSummary.js';
import {
  actorEvent,
  announceActor,
  announceEventType,
  pollEventType,
  type StatelyConversion,
  type StatelyInspectionEvent,
  snapshotEvent,
  toStatelyEvent,
} from './statelyEvents.js';
import { TokenBucket } from './TokenBucket.js';

/** Counters of an {@link InspectRelay}; all cumulative. */
export interface InspectRelayCounters {
  /** `ctl.inspect` commands applied or ignored (valid ones). */
  commands: number;
  /** `ctl.inspect` payloads that were not a valid inspect command (dead-lettered). */
  badCommands: number;
  /** Commands addressed to another worker. */
  otherWorker: number;
  /** Commands naming an actor kind this worker does not know. */
  unknownKind: number;
  /** Enabling commands refused because `maxSelections` selections were held. */
  selectionsRefused: number;
  /** Selections that expired without renewal. */
  expired: number;
  /** Selected actors not inspected because `maxActors` were inspected already. */
  actorsRefused: number;
  /** Events published (announcements included). */
  relayed: number;
  /** Of those, sent by announcements (`@xstate.actor` + snapshot on selection commands). */
  announced: number;
  /** Events dropped by an actor's rate limit. */
  rateLimited: number;
  /** Events dropped because their encoding exceeded `maxEventBytes`. */
  oversize: number;
  /** Events that failed to convert, encode or publish. */
  failed: number;
}

/** The counters and levels a relay publishes on `sys.inspect.<worker>` while it works. */
export interface InspectRelayStats extends InspectRelayCounters {
  readonly v: 1;
  readonly type: typeof inspectStatsType;
  readonly worker: string;
  readonly at: number;
  /** Selections held now. */
  readonly selections: number;
  /** Actors inspected now. */
  readonly actors: number;
}

/** The `type` of a relay's stats message; Stately receivers ignore it (no `_version`). */
export const inspectStatsType = '@ballast.inspect.stats';

/** What an {@link InspectRelay} needs. */
export interface InspectRelayDeps {
  readonly nc: Pick<NatsConnection, 'publish' | 'subscribe'>;
  readonly workerId: string;
  /** Where the relay finds live actors when a selection names them. */
  readonly sources: InspectSources;
  /** Where bad `ctl.inspect` payloads go. */
  readonly reporter: { deadLetter(letter: DeadLetter): void };
  readonly log: Logger;
  readonly options?: InspectRelayOptions;
}

/** One inspected actor. */
interface Inspected {
  readonly kind: InspectKind;
  readonly id: string;
  readonly key: string;
  readonly target: InspectTarget;
  readonly conversion: StatelyConversion;
  readonly bucket: TokenBucket;
  subscription: Subscription | null;
  announcedAt: number;
  /** The last relayed summary of a polled actor, as JSON. */
  lastPolled: string | null;
}

const maxAnnouncedChildren = 32;

/**
 * Relays XState inspection events of selected actors to `sys.inspect.<worker>`, in the wire
 * format of the Stately inspector, for `ballast inspect` and the dashboard.
 *
 * Off by default: without a selection no observer is registered on any actor, so folding a
 * tick costs nothing more; a new actor costs one size check. `ctl.inspect` commands select
 * actors by kind and id (a missing part matches all); a selection expires after `ttlMs` unless
 * an enabling command renews it. Each enabling command announces every selected live actor
 * again — one `@xstate.actor` (with its machine definition) per actor and child, and one
 * `@xstate.snapshot` — so a client that re-sends its command gets all a late browser needs.
 *
 * Session ids are per process in XState (`x:0`, `x:1`, …): every id is prefixed with the worker
 * id (`w1:x:3`) so two workers never collide. Snapshots are compact summaries (a symbol's
 * candle windows never travel). Each actor is rate-limited (token bucket, `ratePerSecond`,
 * `burst`); drops are counted, never queued.
 *
 * @example
 * const relay = new InspectRelay({ nc, workerId: 'w1', sources, reporter, log });
 * relay.start();
 * const actor = createActor(machine, { input });
 * relay.actorCreated('symbol', 'AAPL', actor); // before start(): its init is relayed too
 * actor.start();
 */
export class InspectRelay {
  readonly counters: InspectRelayCounters = {
    commands: 0,
    badCommands: 0,
    otherWorker: 0,
    unknownKind: 0,
    selectionsRefused: 0,
    expired: 0,
    actorsRefused: 0,
    relayed: 0,
    announced: 0,
    rateLimited: 0,
    oversize: 0,
    failed: 0,
  };
  readonly options: ResolvedInspectRelayOptions;
  readonly subject: string;
  readonly #d: InspectRelayDeps;
  readonly #selections: InspectSelections;
  readonly #inspected = new Map<string, Inspected>();
  readonly #prefix: string;
  #subscription: NatsSubscription | null = null;
  #timer: NodeJS.Timeout | null = null;
  #statsAt = 0;
  #stopped = false;
  #warned = false;

  constructor(deps: InspectRelayDeps) {
    this.#d = deps;
    this.options = resolveInspectRelayOptions(deps.options);
    this.subject = inspectSubject(deps.workerId);
    this.#prefix = `${deps.workerId}:`;
    this.#selections = new InspectSelections(this.options);
  }

  /** Selections held now. */
  get selectionCount(): number {
    return this.#selections.size;
  }

  /** Actors inspected now, as `kind/id`. */
  inspectedActors(): string[] {
    return [...this.#inspected.keys()];
  }

  /** Listens on `ctl.inspect`. */
  start(): void {
    if (this.#subscription !== null || this.#stopped) return;
    this.#subscription = this.#d.nc.subscribe(controlSubjects.inspect, {
      callback: (_, msg) => this.#onMessage(msg),
    });
  }

  /** Stops listening, removes every observer and the timer. */
  stop(): void {
    this.#stopped = true;
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    for (const entry of [...this.#inspected.values()]) this.#detach(entry);
    this.#stopTimer();
  }

  /**
   * Tells the relay an actor was created (call it before `actor.start()` to relay its start
   * too). With no selection this is one size check.
   */
  actorCreated(kind: InspectKind, id: string, actor: AnyActorRef): void {
    if (this.#selections.size === 0 || this.#stopped) return;
    const now = Date.now();
    if (!this.#selections.matches(kind, id, now)) return;
    try {
      this.#inspect(kind, id, { actor }, now);
    } catch (error) {
      // The host is creating an actor: inspection must not fail it.
      this.counters.failed++;
      this.#d.log.warn({ err: error, actor: `${kind}/${id}` }, 'could not inspect actor');
    }
    this.#ensureTimer();
  }

  /**
   * Applies an inspect command (what arrives on `ctl.inspect`): enables or renews a selection
   * and (re-)announces the selected live actors, or disables selections.
   */
  apply(command: InspectCommand, now = Date.now()): void {
    if (this.#stopped) return;
    this.counters.commands++;
    if (command.worker !== undefined && command.worker !== this.#d.workerId) {
      this.counters.otherWorker++;
      return;
    }
    const kind = command.actorKind;
    if (kind !== undefined && !isInspectKind(kind)) {
      this.counters.unknownKind++;
      return;
    }
    const selector: InspectSelector = { kind, id: command.actorId };
    if (!command.enabled) {
      this.#selections.disable(selector);
      this.#detachUnselected(now);
      return;
    }
    if (this.#selections.enable(selector, now) === 'full') {
      this.counters.selectionsRefused++;
      return;
    }
    this.#ensureTimer();
    for (const k of kind === undefined ? inspectKinds : [kind]) {
      const source = this.#d.sources[k];
      if (source === undefined) continue;
      if (selector.id !== undefined) {
        const target = source.find(selector.id);
        if (target !== undefined) this.#inspect(k, selector.id, target, now);
        continue;
      }
      for (const [id, target] of source.list()) if (!this.#inspect(k, id, target, now)) break;
    }
  }

  #onMessage(msg: Msg): void {
    let command: ControlMessage;
    try {
      command = decodeControl(msg.data, { subject: msg.subject });
      if (command.type !== 'inspect') {
        throw new TypeError(`expected an inspect command on ${msg.subject}, got ${command.type}`);
      }
    } catch (error) {
      this.counters.badCommands++;
      this.#d.reporter.deadLetter(
        deadLetterFor(error, { subject: msg.subject, payload: msg.data, at: Date.now() }),
      );
      return;
    }
    this.apply(command);
  }

  /** Inspects (or keeps inspecting) an actor and announces it; `false` when at `maxActors`. */
  #inspect(kind: InspectKind, id: string, target: InspectTarget, now: number): boolean {
    const key = `${kind}/${id}`;
    let entry = this.#inspected.get(key);
    if (entry !== undefined && !sameTarget(entry.target, target)) {
      // A new actor for the same symbol (passivated, then hydrated again).
      this.#detach(entry);
      entry = undefined;
    }
    if (entry === undefined) {
      if (this.#inspected.size >= this.options.maxActors) {
        this.counters.actorsRefused++;
        return false;
      }
      entry = this.#attach(kind, id, target, now);
    }
    this.#announce(entry, now);
    return true;
  }

  #attach(kind: InspectKind, id: string, target: InspectTarget, now: number): Inspected {
    const root = 'actor' in target ? target.actor : target;
    const entry: Inspected = {
      kind,
      id,
      key: `${kind}/${id}`,
      target,
      conversion: {
        prefix: this.#prefix,
        root,
        rootName: `${kind}/${id}@${this.#d.workerId}`,
        summarize: (snapshot, isRoot) => summarizeSnapshot(isRoot ? kind : null, snapshot),
      },
      bucket: new TokenBucket(this.options.ratePerSecond, this.options.burst, now),
      subscription: null,
      announcedAt: Number.NEGATIVE_INFINITY,
      lastPolled: null,
    };
    this.#inspected.set(entry.key, entry);
    if ('actor' in target) {
      // The system's observer sees the actor and every child it invokes or spawns.
      entry.subscription = target.actor.system.inspect((event: InspectionEvent) =>
        this.#observe(entry, event),
      );
    }
    return entry;
  }

  #detach(entry: Inspected): void {
    entry.subscription?.unsubscribe();
    entry.subscription = null;
    if (this.#inspected.get(entry.key) === entry) this.#inspected.delete(entry.key);
  }

  #detachUnselected(now: number): void {
    for (const entry of [...this.#inspected.values()]) {
      if (!this.#selections.matches(entry.kind, entry.id, now)) this.#detach(entry);
    }
  }

  /** Runs inside the actor's processing: it must never throw into it. */
  #observe(entry: Inspected, event: InspectionEvent): void {
    const type = event.type;
    if (type !== '@xstate.event' && type !== '@xstate.snapshot' && type !== '@xstate.actor') return;
    try {
      const now = Date.now();
      // The root's last snapshot (done, stopped, error) always goes out: it ends the session.
      const ending =
        type === '@xstate.snapshot' &&
        event.actorRef === entry.conversion.root &&
        event.snapshot.status !== 'active';
      if (!ending && !entry.bucket.take(now)) {
        this.counters.rateLimited++;
        return;
      }
      const out = toStatelyEvent(event, entry.conversion, now);
      if (out !== undefined) this.#publish(out);
      if (ending) this.#detach(entry);
    } catch (error) {
      this.#failed(error, entry);
    }
  }

  /** At most once per `announceIntervalMs` per actor, however many commands arrive. */
  #announce(entry: Inspected, now: number): void {
    if (now - entry.announcedAt < this.options.announceIntervalMs) return;
    entry.announcedAt = now;
    try {
      const c = entry.conversion;
      const announce = { type: announceEventType };
      if ('actor' in entry.target) {
        const root = entry.target.actor;
        let sent = this.#publish(announceActor(root, c, root.sessionId, now)) ? 1 : 0;
        for (const child of childrenOf(root, maxAnnouncedChildren)) {
          if (this.#publish(announceActor(child, c, root.sessionId, now))) sent++;
        }
        const snapshot = c.summarize(root.getSnapshot(), true);
        const sessionId = c.prefix + root.sessionId;
        const rootId = sessionId;
        if (this.#publish(snapshotEvent({ sessionId, rootId, event: announce, snapshot, now }))) {
          sent++;
        }
        this.counters.announced += sent;
        return;
      }
      const snap = entry.target.poll();
      const sessionId = this.#polledSessionId(entry);
      const snapshot = c.summarize(snap, true);
      const definition = machineDefinition((snap as { machine?: unknown }).machine, c.rootName);
      let sent = 0;
      const common = { sessionId, rootId: sessionId, snapshot, now };
      if (this.#publish(actorEvent({ ...common, name: c.rootName, definition }))) sent++;
      if (this.#publish(snapshotEvent({ ...common, event: announce }))) sent++;
      entry.lastPolled = JSON.stringify(snapshot);
      this.counters.announced += sent;
    } catch (error) {
      this.#failed(error, entry);
    }
  }

  #poll(entry: Inspected, poll: () => unknown, now: number): void {
    try {
      const snapshot = entry.conversion.summarize(poll(), true);
      const json = JSON.stringify(snapshot);
      if (json === entry.lastPolled) return;
      if (!entry.bucket.take(now)) {
        this.counters.rateLimited++;
        return;
      }
      const sessionId = this.#polledSessionId(entry);
      const event = { type: pollEventType };
      if (this.#publish(snapshotEvent({ sessionId, rootId: sessionId, event, snapshot, now }))) {
        entry.lastPolled = json;
      }
    } catch (error) {
      this.#failed(error, entry);
    }
  }

  /** A polled actor has no XState session of its own here: one stable id per kind and id. */
  #polledSessionId(entry: Inspected): string {
    return `${this.#prefix}${entry.kind}:${entry.id}`;
  }

  #publish(event: StatelyInspectionEvent | InspectRelayStats): boolean {
    const bytes = encodePlain(event);
    if (bytes.length > this.options.maxEventBytes) {
      this.counters.oversize++;
      return false;
    }
    this.#d.nc.publish(this.subject, bytes);
    if (event.type !== inspectStatsType) this.counters.relayed++;
    return true;
  }

  #failed(error: unknown, entry: Inspected): void {
    this.counters.failed++;
    if (this.#warned) return;
    // Once: a failure here repeats per event (e.g. the connection closed).
    this.#warned = true;
    this.#d.log.warn({ err: error, actor: entry.key }, 'inspection relay failed (counted)');
  }

  #ensureTimer(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.#tick(), this.options.tickMs);
    this.#timer.unref();
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    const now = Date.now();
    const expired = this.#selections.expire(now);
    if (expired > 0) {
      this.counters.expired += expired;
      this.#detachUnselected(now);
    }
    for (const entry of [...this.#inspected.values()]) {
      if ('actor' in entry.target) {
        // Stopped without a last snapshot event reaching us (e.g. stopped before it started).
        if (entry.target.actor.getSnapshot().status !== 'active') this.#detach(entry);
      } else {
        this.#poll(entry, entry.target.poll, now);
      }
    }
    const idle = this.#selections.size === 0 && this.#inspected.size === 0;
    if (idle || now - this.#statsAt >= this.options.statsIntervalMs) this.#publishStats(now);
    if (idle) this.#stopTimer();
  }

  #publishStats(now: number): void {
    this.#statsAt = now;
    try {
      this.#publish({
        v: 1,
        type: inspectStatsType,
        worker: this.#d.workerId,
        at: now,
        selections: this.#selections.size,
        actors: this.#inspected.size,
        ...this.counters,
      });
    } catch {
      this.counters.failed++;
    }
  }
}

function sameTarget(a: InspectTarget, b: InspectTarget): boolean {
  if ('actor' in a) return 'actor' in b && a.actor === b.actor;
  return !('actor' in b);
}

/** The actor's children, grandchildren, … breadth first, at most `max`. */
function childrenOf(root: AnyActorRef, max: number): AnyActorRef[] {
  const out: AnyActorRef[] = [];
  const queue: AnyActorRef[] = [root];
  for (let i = 0; i < queue.length && out.length < max; i++) {
    const children = (queue[i]?.getSnapshot() as { children?: Record<string, AnyActorRef> })
      ?.children;
    if (children === undefined) continue;
    for (const child of Object.values(children)) {
      if (child === undefined || out.length >= max) continue;
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}
