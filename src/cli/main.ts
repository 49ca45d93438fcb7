#!/usr/bin/env node
/**
 * @module cli/main
 * The `aequa` executable.
 */
import { processIo } from './io.js';
import { runCli } from './run.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`aequa: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
