import { RecentErrors } from '@ballast/machines';
import { decodeDeadLetter, decodeErrorEntry, systemSubjects } from '@ballast/protocol';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { TopRecentLine, TopSample } from './topSample.js';

/** Options of {@link SystemFeed}. */
export interface SystemFeedOptions {
  /** Lines kept, newest overwriting oldest. Default 8. */
  readonly capacity?: number;
  readonly now?: () => number;
}

/**
 * Follows `sys.errors` and `sys.deadletter` for `ballast top`: the newest lines in a ring
 * (machines' `RecentErrors`, fixed size whatever the error rate) and counts of everything
 * seen, undecodable messages included. Callback subscriptions: nats.js iterators buffer
 * without bound.
 *
 * @example
 * const feed = new SystemFeed(nc);
 * feed.recent(); // [{ subject: 'sys.deadletter', code: 'decode_failed', ... }]
 * feed.stop();
 */
export class SystemFeed {
  readonly #lines: RecentErrors;
  readonly #subscriptions: Subscription[];
  #errors = 0;
  #deadLetters = 0;
  #undecodable = 0;

  constructor(nc: NatsConnection, options: SystemFeedOptions = {}) {
    this.#lines = new RecentErrors({
      now: options.now ?? Date.now,
      capacity: options.capacity ?? 8,
      // One pattern bucket is all top needs; the counts are not shown.
      buckets: 1,
      maxPatterns: 1,
    });
    this.#subscriptions = [
      nc.subscribe(systemSubjects.errors, {
        callback: (error, msg) => {
          if (error) {
            this.#undecodable++;
            return;
          }
          try {
            const entry = decodeErrorEntry(msg.data);
            this.#errors++;
            this.#lines.record({
              kind: 'error',
              code: entry.code,
              source: entry.source,
              message: entry.message,
            });
          } catch {
            this.#undecodable++;
          }
        },
      }),
      nc.subscribe(systemSubjects.deadLetter, {
        callback: (error, msg) => {
          if (error) {
            this.#undecodable++;
            return;
          }
          try {
            const letter = decodeDeadLetter(msg.data);
            this.#deadLetters++;
            this.#lines.record({
              kind: 'deadletter',
              code: letter.reason,
              source: letter.subject,
              message: letter.detail,
            });
          } catch {
            this.#undecodable++;
          }
        },
      }),
    ];
  }

  /** Lines kept, oldest first. */
  recent(): TopRecentLine[] {
    return this.#lines.recent().map((entry) => ({
      at: entry.at,
      subject: entry.kind === 'deadletter' ? 'sys.deadletter' : 'sys.errors',
      source: entry.source ?? '',
      code: entry.code ?? '',
      message: entry.message,
    }));
  }

  /** Everything seen since the feed started. */
  get seen(): TopSample['seen'] {
    return { errors: this.#errors, deadLetters: this.#deadLetters, undecodable: this.#undecodable };
  }

  stop(): void {
    for (const sub of this.#subscriptions) sub.unsubscribe();
    this.#subscriptions.length = 0;
  }
}
