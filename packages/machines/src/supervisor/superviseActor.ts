import type { AnyActorRef, Subscription } from 'xstate';
import { causeOf, toErrorInfo } from '../errorInfo.js';
import type { ChildFailedEvent, SupervisorEvent } from './supervisorTypes.js';

/** Options of {@link superviseActor}. */
export interface SuperviseActorOptions {
  /** What the child is, e.g. `'symbolCache'`; failures are counted by kind. */
  readonly kind: string;
  /** Id to report; default the actor's own id. */
  readonly id?: string;
}

/**
 * Builds the `CHILD_FAILED` event for a thrown value, keeping only plain data.
 *
 * @example
 * supervisorRef.send(childFailed('task:janitor', 'task', 'running', error));
 */
export function childFailed(
  id: string,
  kind: string,
  state: string,
  error: unknown,
): ChildFailedEvent {
  const cause = causeOf(error);
  return {
    type: 'CHILD_FAILED',
    id,
    kind,
    state,
    error: toErrorInfo(error),
    ...(cause && { cause }),
  };
}

/**
 * Reports a root actor's failure to a supervisor as `CHILD_FAILED`.
 *
 * An xstate actor fails when an action, guard or actor logic throws, or when a promise actor
 * rejects (also an invoked child's rejection nobody handles with `onError`, which errors its
 * parent): its snapshot gets `status: 'error'` and observers' `error` callbacks run. Without
 * any `error` observer xstate rethrows the error asynchronously (an uncaught exception), so
 * watch every root actor the runtime starts with this. The state reported is the snapshot
 * `value` the actor had when it failed (machines keep it in the error snapshot).
 *
 * @param child - a root actor (children of machines report to their parent machine instead)
 * @param supervisor - the supervisor actor (anything with `send`)
 * @returns the subscription; unsubscribe when the child is stopped on purpose
 * @example
 * const actor = createActor(symbolCache, { input }).start();
 * superviseActor(actor, supervisorActor, { kind: 'symbolCache' });
 */
export function superviseActor(
  child: AnyActorRef,
  supervisor: { send(event: SupervisorEvent): void },
  options: SuperviseActorOptions,
): Subscription {
  return child.subscribe({
    error: (error: unknown) => {
      const snapshot = child.getSnapshot() as { value?: unknown; status?: string };
      const state = snapshot.value === undefined ? 'error' : JSON.stringify(snapshot.value);
      supervisor.send(childFailed(options.id ?? child.id, options.kind, state, error));
    },
  });
}
