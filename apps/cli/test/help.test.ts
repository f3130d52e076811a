import { describe, expect, it } from 'vitest';
import { runBallast } from './cliProcess.js';

const commands = [
  'up',
  'feed',
  'sink',
  'sub',
  'pub',
  'req',
  'query',
  'replay',
  'top',
  'instruments',
  'inspect',
];

describe('ballast help and bad invocations', () => {
  it('lists every command', async () => {
    const { code, stdout } = await runBallast(['--help']);
    expect(code).toBe(0);
    for (const command of commands) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('has help for every command', async () => {
    for (const command of commands) {
      const { code, stdout } = await runBallast([command, '--help']);
      expect([command, code]).toEqual([command, 0]);
      expect(stdout).toContain(`Usage: ballast ${command}`);
      expect(stdout).not.toContain('not yet built');
    }
  });

  it('exits 2 with a clear message on a bad flag, value or command', async () => {
    const cases: [string[], RegExp][] = [
      [['up', '--workers', 'two'], /--workers must be an integer >= 1, got "two"/],
      [['up', '--cluster', '2'], /--cluster must be 1 or 3, got 2/],
      [['up', '--bogus'], /unknown option '--bogus'/],
      [['nosuch'], /unknown command 'nosuch'/],
      [['query'], /missing required argument/],
      [['top', '--user', 'root', '--once'], /invalid user = "root" \(from flag --user\)/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runBallast(args);
      expect([args.join(' '), code]).toEqual([args.join(' '), 2]);
      expect(stderr).toMatch(message);
    }
  });
});
