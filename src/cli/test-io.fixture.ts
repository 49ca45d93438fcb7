/**
 * @module cli/test-io.fixture
 * Test helper: a `CliIo` that records what a command writes, so CLI tests can run commands in-process
 * (the fastify `inject` idea) and read stdout and stderr back. Excluded from the build (`*.fixture.ts`).
 */
import type { CliIo } from './io.js';

/** How the captured terminal looks; every capture is a non-TTY. */
export interface CaptureOptions {
  /** Terminal width the command sees; 120 unless given. */
  readonly columns?: number;
  /** Environment the command sees; empty unless given. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A `CliIo` whose `out()` and `err()` return everything written to stdout and stderr so far. */
export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** What one in-process run produced. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Any CLI entry point: `runCli` or one command's `runX`. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * A recording, non-TTY `CliIo`.
 *
 * @example
 * const io = captureIo({ columns: 100 });
 * io.stdout('a'); io.stdout('b');
 * io.out(); // 'ab'
 */
export function captureIo(options: CaptureOptions = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    isTTY: false,
    columns: options.columns ?? 120,
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}

/**
 * Runs `command` with `argv` on a fresh {@link captureIo} and returns the exit code and both streams.
 *
 * @example
 * const r = await runCaptured(runCli, ['--version']);
 * r.code; // 0
 */
export async function runCaptured(
  command: CliCommand,
  argv: readonly string[],
  options: CaptureOptions = {},
): Promise<CapturedRun> {
  const io = captureIo(options);
  const code = await command(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
