import {
  announceEventType,
  type StatelyActorEvent,
  type StatelyInspectionEvent,
  type StatelySnapshotEvent,
} from '@ballast/runtime';

/** Counters of a {@link SessionCache}. */
export interface SessionCacheCounters {
  /** Sessions evicted at the bound (oldest first). */
  evicted: number;
  /** Sessions removed because their actor ended (done, stopped, error). */
  ended: number;
  /** Re-announcements not forwarded: the browsers have them already. */
  duplicates: number;
}

interface Session {
  actor: StatelyActorEvent;
  snapshot: StatelySnapshotEvent | null;
}

/**
 * The latest `@xstate.actor` and `@xstate.snapshot` per inspected session, so a browser that
 * connects late can be sent everything it needs again (the inspector server replays only its
 * last 200 messages). Bounded: at `maxSessions`, the least recently updated session goes.
 *
 * It also decides what to forward: a worker re-announces its selected actors on every renewal
 * command; a re-announcement of a known session (same actor, snapshot unchanged) is not sent
 * to the browsers again.
 *
 * @example
 * if (cache.offer(event)) ws.send(JSON.stringify(event));
 * // a browser connected: for (const e of cache.replay()) ws.send(JSON.stringify(e));
 */
export class SessionCache {
  readonly maxSessions: number;
  readonly counters: SessionCacheCounters = { evicted: 0, ended: 0, duplicates: 0 };
  // Map order is insertion order: re-inserting on update keeps the oldest first.
  readonly #sessions = new Map<string, Session>();

  constructor(maxSessions = 1_024) {
    this.maxSessions = maxSessions;
  }

  /** Sessions held. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Records an event; returns whether to forward it to the browsers. */
  offer(event: StatelyInspectionEvent): boolean {
    const id = event.sessionId;
    const session = this.#sessions.get(id);
    switch (event.type) {
      case '@xstate.actor':
        if (session !== undefined) {
          session.actor = event;
          this.#touch(id, session);
          this.counters.duplicates++;
          return false;
        }
        this.#touch(id, { actor: event, snapshot: null });
        return true;
      case '@xstate.snapshot': {
        if (session === undefined) return true;
        // The first snapshot of a session always goes out (the inspector shows it as a step).
        const repeat =
          session.snapshot !== null &&
          event.event.type === announceEventType &&
          JSON.stringify(session.snapshot.snapshot) === JSON.stringify(event.snapshot);
        if (event.snapshot.status !== 'active' && event.snapshot.status !== undefined) {
          this.#sessions.delete(id);
          this.counters.ended++;
          return true;
        }
        session.snapshot = event;
        this.#touch(id, session);
        if (repeat) this.counters.duplicates++;
        return !repeat;
      }
      default:
        return true;
    }
  }

  /** Each session's actor event, then its latest snapshot, oldest session first. */
  *replay(): IterableIterator<StatelyInspectionEvent> {
    for (const { actor, snapshot } of this.#sessions.values()) {
      yield actor;
      if (snapshot !== null) yield snapshot;
    }
  }

  #touch(id: string, session: Session): void {
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    if (this.#sessions.size <= this.maxSessions) return;
    const oldest = this.#sessions.keys().next().value as string;
    this.#sessions.delete(oldest);
    this.counters.evicted++;
  }
}
