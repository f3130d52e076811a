import { circuitBreaker, reloader, supervisor, symbolCache } from '@ballast/machines';
import { describe, expect, it } from 'vitest';
import { type MachineLike, machineDefinition } from './machineDefinition.js';

/** Every state id of a machine, walked from `machine.root` independently of the serializer. */
function stateIds(machine: MachineLike): string[] {
  const ids: string[] = [];
  const walk = (node: MachineLike['root']) => {
    for (const child of Object.values(node.states)) {
      ids.push(child.path.join('.'));
      walk(child);
    }
  };
  walk(machine.root);
  return ids;
}

describe('machineDefinition', () => {
  it.each([
    ['symbolCache', symbolCache],
    ['circuitBreaker', circuitBreaker],
    ['reloader', reloader],
    ['supervisor', supervisor],
  ] as const)(
    'serializes %s to JSON that parses back to its states and transitions',
    (_, machine) => {
      const definition = JSON.parse(JSON.stringify(machineDefinition(machine)));
      expect(definition).toEqual(machineDefinition(machine));
      const ids = definition.states.map((s: { id: string }) => s.id);
      expect(ids).toEqual(stateIds(machine));
      // Every reference points at a state of the chart.
      for (const t of definition.transitions) {
        if (t.source !== null) expect(ids).toContain(t.source);
        for (const target of t.targets) expect(ids).toContain(target);
      }
      for (const s of definition.states) {
        if (s.parent !== null) expect(ids).toContain(s.parent);
        if (s.initial !== null) expect(ids).toContain(s.initial);
      }
    },
  );

  it('keeps structure, events, guards and invokes of symbolCache', () => {
    const d = machineDefinition(symbolCache);
    expect(d.initial).toBe('hydrating');
    expect(d.states.find((s) => s.id === 'active')).toMatchObject({
      type: 'compound',
      initial: 'active.live',
      invokes: ['expiryTimer'],
    });
    expect(d.states.find((s) => s.id === 'passivated')?.type).toBe('final');
    expect(d.transitions).toContainEqual({
      source: null,
      eventType: 'PASSIVATE',
      event: 'PASSIVATE',
      targets: ['passivated'],
      guard: null,
      reenter: false,
    });
    expect(d.transitions).toContainEqual(
      expect.objectContaining({ source: 'active', event: 'HOUSEKEEPING_DUE', guard: 'idleDue' }),
    );
  });

  it('labels eventless and actor-done transitions as people read them', () => {
    const events = machineDefinition(reloader).transitions.map((t) => t.event);
    expect(events).toContain('done(reload)');
    expect(events).toContain('error(reload)');
    expect(machineDefinition(supervisor).transitions.map((t) => t.event)).toContain('always');
  });
});
