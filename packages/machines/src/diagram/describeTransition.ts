/**
 * Labels for statechart parts: event descriptors, guards and actions as people read them.
 * @internal
 */

const doneActor = 'xstate.done.actor.';
const errorActor = 'xstate.error.actor.';
const after = 'xstate.after.';

/** `xstate.done.actor.reload` -> `done(reload)`, `xstate.after.1000.x` -> `after 1000ms`. */
export function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  if (eventType.startsWith(doneActor)) return `done(${eventType.slice(doneActor.length)})`;
  if (eventType.startsWith(errorActor)) return `error(${eventType.slice(errorActor.length)})`;
  if (eventType.startsWith(after)) {
    const delay = eventType.slice(after.length).split('.')[0] ?? '';
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }
  return eventType;
}

/** A guard's name: its `type` for named or parameterized guards, else the function name. */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  return nameOf(guard) ?? 'guard';
}

/** An action's name; built-ins by what they do, inline ones by their function name. */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    if (type === 'xstate.enqueueActions') {
      const collect = (action as { collect?: { name?: string } }).collect;
      return collect?.name || 'enqueueActions';
    }
    if (typeof type === 'string') return type.replace(/^xstate\./, '');
    return action.name || 'inline';
  }
  return nameOf(action) ?? 'action';
}

function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  }
  if (typeof value === 'function') {
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string') return type.replace(/^xstate\./, '');
    return value.name || undefined;
  }
  return undefined;
}
