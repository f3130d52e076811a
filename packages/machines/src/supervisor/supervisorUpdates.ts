/**
 * Pure decisions of the supervisor: what a failure or a due restart does to the bounded child
 * table, and which effects follow. The machine turns these into assign + named actions.
 * @internal
 */
import { restartDelay } from './restartBackoff.js';
import type {
  ChildFailedEvent,
  ChildRecord,
  SupervisorContext as Context,
  EscalationOrder,
  FailureReport,
  RestartOrder,
} from './supervisorTypes.js';

/** A failure's new context and the effects to run, in order. */
export interface FailureOutcome {
  readonly context: Partial<Context>;
  readonly report: FailureReport;
  readonly escalation: EscalationOrder | null;
}

/** Decides what a CHILD_FAILED does: schedule a restart, or stop and escalate. */
export function childFailed(
  context: Context,
  event: ChildFailedEvent,
  now: number,
): FailureOutcome {
  const s = context.settings;
  const c = context.counters;
  const index = context.children.findIndex((child) => child.id === event.id);
  const previous = context.children[index];
  let children = context.children;
  let evictions = c.evictions;
  if (!previous && children.length >= s.maxTrackedChildren) {
    const victim = evictionVictim(children);
    if (victim < 0) {
      const escalation = escalationOf(event, 'supervisor_full', 0, s.windowMs);
      return {
        context: {
          counters: {
            ...c,
            failures: c.failures + 1,
            escalations: c.escalations + 1,
            overflows: c.overflows + 1,
          },
        },
        report: reportOf(event, now, 1, 'untracked_escalate', null),
        escalation,
      };
    }
    children = children.filter((_, i) => i !== victim);
    evictions++;
  }
  const base: ChildRecord = previous ?? {
    id: event.id,
    kind: event.kind,
    status: 'running',
    restartAt: null,
    restartTimes: [],
    failures: 0,
    lastFailureAt: now,
    lastError: event.error,
  };
  const failed = {
    ...base,
    kind: event.kind,
    failures: base.failures + 1,
    lastFailureAt: now,
    lastError: event.error,
  };
  const counters = { ...c, failures: c.failures + 1, evictions };
  if (base.status !== 'running') {
    // Already restarting (a second report of the same crash) or given up on: report, no new order.
    const decision = base.status === 'restarting' ? 'restart_already_pending' : 'already_escalated';
    return {
      context: { children: replace(children, failed), counters },
      report: reportOf(event, now, failed.failures, decision, base.restartAt),
      escalation: null,
    };
  }
  const recent = base.restartTimes.filter((at) => at > now - s.windowMs);
  if (recent.length >= s.maxRestarts) {
    const record: ChildRecord = {
      ...failed,
      status: 'escalated',
      restartAt: null,
      restartTimes: recent,
    };
    return {
      context: {
        children: replace(children, record),
        counters: { ...counters, escalations: c.escalations + 1 },
      },
      report: reportOf(event, now, record.failures, 'escalate', null),
      escalation: escalationOf(event, 'restart_limit', recent.length, s.windowMs),
    };
  }
  const restartAt = now + restartDelay(s, event.id, recent.length);
  const record: ChildRecord = { ...failed, status: 'restarting', restartAt, restartTimes: recent };
  return {
    context: { children: replace(children, record), counters },
    report: reportOf(event, now, record.failures, 'restart', restartAt),
    escalation: null,
  };
}

/** Restarts that are due at `now`, and the context with them marked running. */
export function restartsDue(
  context: Context,
  now: number,
): { readonly context: Partial<Context>; readonly orders: readonly RestartOrder[] } {
  const orders: RestartOrder[] = [];
  const children = context.children.map((child) => {
    if (child.status !== 'restarting' || child.restartAt === null || child.restartAt > now)
      return child;
    // restartTimes holds at most maxRestarts entries: the limit check refuses before it grows.
    const restartTimes = [...child.restartTimes, now];
    orders.push({ id: child.id, kind: child.kind, attempt: restartTimes.length });
    return { ...child, status: 'running' as const, restartAt: null, restartTimes };
  });
  const c = context.counters;
  return {
    context: { children, counters: { ...c, restarts: c.restarts + orders.length } },
    orders,
  };
}

/** The earliest pending restart, or null. */
export function nextRestartAt(context: Context): number | null {
  let next: number | null = null;
  for (const child of context.children) {
    if (child.restartAt !== null && (next === null || child.restartAt < next))
      next = child.restartAt;
  }
  return next;
}

/** Forgets a child that ended normally. */
export function childStopped(context: Context, id: string): Partial<Context> {
  return { children: context.children.filter((child) => child.id !== id) };
}

// The least recently failed record without a pending restart; -1 when all have one.
function evictionVictim(children: readonly ChildRecord[]): number {
  let victim = -1;
  children.forEach((child, i) => {
    if (child.status === 'restarting') return;
    const best = children[victim];
    if (!best || child.lastFailureAt < best.lastFailureAt) victim = i;
  });
  return victim;
}

function replace(children: readonly ChildRecord[], record: ChildRecord): readonly ChildRecord[] {
  const index = children.findIndex((child) => child.id === record.id);
  if (index < 0) return [...children, record];
  const next = children.slice();
  next[index] = record;
  return next;
}

function reportOf(
  event: ChildFailedEvent,
  at: number,
  failures: number,
  decision: FailureReport['decision'],
  restartAt: number | null,
): FailureReport {
  return {
    id: event.id,
    kind: event.kind,
    state: event.state,
    error: event.error,
    ...(event.cause && { cause: event.cause }),
    at,
    failures,
    decision,
    restartAt,
  };
}

function escalationOf(
  event: ChildFailedEvent,
  reason: EscalationOrder['reason'],
  restarts: number,
  windowMs: number,
): EscalationOrder {
  return { id: event.id, kind: event.kind, reason, restarts, windowMs, error: event.error };
}
