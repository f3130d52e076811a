import { assertToken } from '../subjectToken.js';
import { badSubject } from './badSubject.js';

/**
 * Fixed system subjects, where the cluster reports on itself, and filters over them.
 *
 * @example
 * nc.subscribe(systemSubjects.deadLetter, { callback: (_, msg) => show(decodeDeadLetter(msg.data)) });
 */
export const systemSubjects = Object.freeze({
  /** Every actor or task failure, as an `ErrorEntry`. */
  errors: 'sys.errors',
  /** Every refused input, as a `DeadLetter`. */
  deadLetter: 'sys.deadletter',
  /** Worker presence and load. */
  workers: 'sys.workers',
  /** Every worker's inspection events (see {@link inspectSubject}). */
  allInspect: 'sys.inspect.*',
  /** Every system subject. */
  all: 'sys.>',
} as const);

/** A parsed system subject. */
export type SystemSubject =
  | { readonly kind: 'sys.errors' }
  | { readonly kind: 'sys.deadletter' }
  | { readonly kind: 'sys.workers' }
  | { readonly kind: 'sys.inspect'; readonly worker: string };

const systemShape = 'sys.errors, sys.deadletter, sys.workers or sys.inspect.<worker>';

/**
 * The subject a worker relays its actors' inspection events on.
 *
 * @throws {ProtocolError} `bad_subject` when `worker` is not a valid token
 * @example
 * inspectSubject('worker-1'); // 'sys.inspect.worker-1'
 */
export function inspectSubject(worker: string): string {
  assertToken(worker, 'worker name');
  return `sys.inspect.${worker}`;
}

/**
 * Parses a system subject.
 *
 * @throws {ProtocolError} `bad_subject` for anything else
 * @example
 * parseSystemSubject('sys.inspect.worker-1'); // { kind: 'sys.inspect', worker: 'worker-1' }
 */
export function parseSystemSubject(subject: string): SystemSubject {
  switch (subject) {
    case systemSubjects.errors:
      return { kind: 'sys.errors' };
    case systemSubjects.deadLetter:
      return { kind: 'sys.deadletter' };
    case systemSubjects.workers:
      return { kind: 'sys.workers' };
  }
  const prefix = 'sys.inspect.';
  if (typeof subject !== 'string' || !subject.startsWith(prefix)) {
    throw badSubject(subject, systemShape);
  }
  const worker = subject.slice(prefix.length);
  assertToken(worker, 'worker name', subject);
  return { kind: 'sys.inspect', worker };
}
