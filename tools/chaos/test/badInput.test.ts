import { describe, it } from 'vitest';
import { badInput } from '../src/scenarios/badInput.js';
import { expectRowHolds } from './expectRow.js';

describe('bad input', () => {
  it('dead-letters every malformed tick with its reason, refuses every malformed control message, and does not crash', async () => {
    expectRowHolds(await badInput.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 120_000);
});
