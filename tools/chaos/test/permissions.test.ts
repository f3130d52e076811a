import { describe, it } from 'vitest';
import { permissions } from '../src/scenarios/permissions.js';
import { expectRowHolds } from './expectRow.js';

describe('permissions', () => {
  it('refuses the read-only user every tick and control publish with a clear error', async () => {
    expectRowHolds(await permissions.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 60_000);
});
