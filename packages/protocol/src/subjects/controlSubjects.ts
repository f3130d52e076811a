import { assertToken } from '../subjectToken.js';
import { badSubject } from './badSubject.js';

/**
 * Fixed control subjects, and filters over all of them. Control messages are requests from
 * an operator or the CLI to the cluster; `messages/control.ts` defines what each carries.
 *
 * @example
 * nc.publish(controlSubjects.reload, encodeControl({ v: 1, type: 'reload', reason: 'cli', at: Date.now() }));
 */
export const controlSubjects = Object.freeze({
  /** Ask the reloader to re-read the instrument registry now. */
  reload: 'ctl.reload',
  /** Turn state-machine inspection on or off for a selection of actors. */
  inspect: 'ctl.inspect',
  /** Add or remove an instrument in the registry. */
  instruments: 'ctl.instruments',
  /** Every breaker's control subject (see {@link breakerControlSubject}). */
  allBreakers: 'ctl.breaker.*',
  /** Every control subject. */
  all: 'ctl.>',
} as const);

/** A parsed control subject. */
export type ControlSubject =
  | { readonly kind: 'ctl.reload' }
  | { readonly kind: 'ctl.inspect' }
  | { readonly kind: 'ctl.instruments' }
  | { readonly kind: 'ctl.breaker'; readonly name: string };

const controlShape = 'ctl.reload, ctl.inspect, ctl.instruments or ctl.breaker.<name>';

/**
 * The subject that resets or isolates the circuit breaker called `name`.
 *
 * @throws {ProtocolError} `bad_subject` when `name` is not a valid token
 * @example
 * breakerControlSubject('candlePublish'); // 'ctl.breaker.candlePublish'
 */
export function breakerControlSubject(name: string): string {
  assertToken(name, 'breaker name');
  return `ctl.breaker.${name}`;
}

/**
 * Parses a control subject.
 *
 * @throws {ProtocolError} `bad_subject` for anything else
 * @example
 * parseControlSubject('ctl.breaker.candlePublish'); // { kind: 'ctl.breaker', name: 'candlePublish' }
 */
export function parseControlSubject(subject: string): ControlSubject {
  switch (subject) {
    case controlSubjects.reload:
      return { kind: 'ctl.reload' };
    case controlSubjects.inspect:
      return { kind: 'ctl.inspect' };
    case controlSubjects.instruments:
      return { kind: 'ctl.instruments' };
  }
  const prefix = 'ctl.breaker.';
  if (typeof subject !== 'string' || !subject.startsWith(prefix)) {
    throw badSubject(subject, controlShape);
  }
  const name = subject.slice(prefix.length);
  assertToken(name, 'breaker name', subject);
  return { kind: 'ctl.breaker', name };
}
