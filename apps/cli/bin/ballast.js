#!/usr/bin/env node
// The `ballast` command. Built code only: run `pnpm build` first (the README's setup does).
import { runCli } from '../dist/main.js';

// Started by `ballast up` (feed, sink): if it dies without stopping us, stop as if told to.
if (process.env.BALLAST_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1_000).unref();
}

process.exitCode = await runCli(process.argv);
