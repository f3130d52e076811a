import type { InspectKind } from './inspectKinds.js';

/** A selection: `undefined` for a selector that was left out (matches everything). */
export interface InspectSelector {
  readonly kind?: InspectKind | undefined;
  readonly id?: string | undefined;
}

/** What {@link InspectSelections.enable} did. */
type EnableOutcome = 'added' | 'renewed' | 'full';

interface Selection extends InspectSelector {
  expiresAt: number;
}

const any = '*';

function keyOf(kind: string | undefined, id: string | undefined): string {
  // `*` is not a valid subject token, so it cannot be a real kind or id.
  return `${kind ?? any}/${id ?? any}`;
}

/**
 * The inspection selections of one worker: `(kind, id)` patterns in which a missing part
 * matches everything, each expiring `ttlMs` after it was last enabled, at most `maxSelections`
 * (one more is refused, not evicted: the selections people watch stay). Nobody pays for
 * inspection nobody watches: a client renews what it watches, the rest expires.
 *
 * @example
 * const selections = new InspectSelections({ ttlMs: 60_000, maxSelections: 64 });
 * selections.enable({ kind: 'symbol', id: 'AAPL' }, Date.now());
 * selections.matches('symbol', 'AAPL', Date.now()); // true
 */
export class InspectSelections {
  readonly ttlMs: number;
  readonly maxSelections: number;
  readonly #byKey = new Map<string, Selection>();

  constructor(options: { readonly ttlMs: number; readonly maxSelections: number }) {
    this.ttlMs = options.ttlMs;
    this.maxSelections = options.maxSelections;
  }

  /** Selections held now (some may have expired since the last {@link expire}). */
  get size(): number {
    return this.#byKey.size;
  }

  /** Adds a selection, or renews it for another `ttlMs`; `full` when at the bound. */
  enable(selector: InspectSelector, now: number): EnableOutcome {
    const key = keyOf(selector.kind, selector.id);
    const existing = this.#byKey.get(key);
    if (existing !== undefined) {
      const expired = existing.expiresAt <= now;
      existing.expiresAt = now + this.ttlMs;
      return expired ? 'added' : 'renewed';
    }
    if (this.#byKey.size >= this.maxSelections) return 'full';
    this.#byKey.set(key, { kind: selector.kind, id: selector.id, expiresAt: now + this.ttlMs });
    return 'added';
  }

  /**
   * Removes every selection the selector covers: `{}` removes all, `{ kind: 'symbol' }` every
   * symbol selection, `{ kind: 'symbol', id: 'AAPL' }` that one only (a `symbol/*` selection
   * still covers AAPL then). Returns how many were removed.
   */
  disable(selector: InspectSelector): number {
    let removed = 0;
    for (const [key, s] of this.#byKey) {
      if (selector.kind !== undefined && s.kind !== selector.kind) continue;
      if (selector.id !== undefined && s.id !== selector.id) continue;
      this.#byKey.delete(key);
      removed++;
    }
    return removed;
  }

  /** Whether an unexpired selection covers the actor. Four map lookups at most. */
  matches(kind: InspectKind, id: string, now: number): boolean {
    if (this.#byKey.size === 0) return false;
    return (
      this.#live(keyOf(kind, id), now) ||
      this.#live(keyOf(kind, undefined), now) ||
      this.#live(keyOf(undefined, id), now) ||
      this.#live(keyOf(undefined, undefined), now)
    );
  }

  /** Drops expired selections; returns how many. */
  expire(now: number): number {
    let expired = 0;
    for (const [key, s] of this.#byKey) {
      if (s.expiresAt <= now) {
        this.#byKey.delete(key);
        expired++;
      }
    }
    return expired;
  }

  /** The selections held now, for status and tests. */
  list(): InspectSelector[] {
    return [...this.#byKey.values()].map(({ kind, id }) => ({ kind, id }));
  }

  #live(key: string, now: number): boolean {
    const s = this.#byKey.get(key);
    return s !== undefined && s.expiresAt > now;
  }
}
