import { circuitBreaker, reloader, supervisor, symbolCache } from '@ballast/machines';
import { describe, expect, it } from 'vitest';
import { machineDefinition } from '../../gateway/machineDefinition.js';
import { layoutStatechart } from './layoutStatechart.js';

describe('layoutStatechart', () => {
  it.each([
    ['symbolCache', symbolCache],
    ['circuitBreaker', circuitBreaker],
    ['reloader', reloader],
    ['supervisor', supervisor],
  ] as const)('places every state of %s inside its parent and routes every edge', async (_, m) => {
    const definition = machineDefinition(m);
    const layout = await layoutStatechart(definition);
    expect(layout.states.map((s) => s.state.id).sort()).toEqual(
      definition.states.map((s) => s.id).sort(),
    );
    const byId = new Map(layout.states.map((s) => [s.state.id, s]));
    for (const s of layout.states) {
      expect(s.x + s.width).toBeLessThanOrEqual(layout.width);
      expect(s.y + s.height).toBeLessThanOrEqual(layout.height);
      const parent = s.state.parent === null ? undefined : byId.get(s.state.parent);
      if (parent !== undefined) {
        expect(s.x).toBeGreaterThanOrEqual(parent.x);
        expect(s.y).toBeGreaterThanOrEqual(parent.y);
        expect(s.x + s.width).toBeLessThanOrEqual(parent.x + parent.width);
        expect(s.y + s.height).toBeLessThanOrEqual(parent.y + parent.height);
      }
    }
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    // One initial dot per level that has an initial state.
    expect(layout.initials).toHaveLength(
      1 + definition.states.filter((s) => s.initial !== null).length,
    );
  });

  it('draws symbolCache as it acts: idle and live both ways, TICK listed inside live', async () => {
    const layout = await layoutStatechart(machineDefinition(symbolCache));
    const labels = layout.edges.flatMap((e) => e.lines);
    expect(labels).toContain('HOUSEKEEPING_DUE [idleDue]');
    expect(labels).toContain('PASSIVATE');
    expect(labels).toContain('EXPIRY_REACHED');
    const live = layout.states.find((s) => s.state.id === 'active.live');
    expect(live?.internal).toContain('TICK');
  });
});
