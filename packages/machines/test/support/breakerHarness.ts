import { createActor, SimulatedClock } from 'xstate';
import { breakerStateName } from '../../src/circuitBreaker/breakerState.js';
import type {
  BreakerStateChange,
  CircuitBreakerInput,
} from '../../src/circuitBreaker/breakerTypes.js';
import { circuitBreaker } from '../../src/circuitBreaker/circuitBreaker.js';

/** A started breaker with its state changes recorded and helpers that speak its events. */
export function startBreaker(input: CircuitBreakerInput = {}, clock = new SimulatedClock()) {
  const changes: BreakerStateChange[] = [];
  const machine = circuitBreaker.provide({
    actions: { reportStateChange: (_, change) => changes.push(change) },
  });
  const actor = createActor(machine, { clock, input }).start();
  const request = () => {
    actor.send({ type: 'CALL_REQUESTED' });
    const { lastCallAdmitted, generation } = actor.getSnapshot().context;
    return lastCallAdmitted ? generation : undefined;
  };
  const fail = (times = 1, message = 'boom') => {
    for (let i = 0; i < times; i++) {
      const generation = request();
      if (generation !== undefined)
        actor.send({ type: 'CALL_FAILED', generation, error: { message } });
    }
  };
  const succeed = () => {
    const generation = request();
    if (generation !== undefined) actor.send({ type: 'CALL_SUCCEEDED', generation });
  };
  const state = () => breakerStateName(actor.getSnapshot());
  const context = () => actor.getSnapshot().context;
  return { actor, clock, changes, request, fail, succeed, state, context };
}
