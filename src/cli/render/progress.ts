/**
 * @module cli/render/progress
 * A progress bar for long work, drawn on stderr only when it is a TTY (never in pipes, files or CI
 * logs). The library emits progress events; this turns them into a bar.
 */
import type { CliIo } from '../io.js';

export interface Progress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
}

export interface ProgressTarget {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns?: number | undefined;
}

/**
 * The bar of a command: on the io's stderr, off unless stderr is a TTY and CI is unset.
 * @example const bar = cliProgressBar(io); bar.update({ label: 'fit', done: 1, total: 2 }); bar.finish();
 */
export function cliProgressBar(io: CliIo): ReturnType<typeof progressBar> {
  return progressBar(
    { write: io.stderr, isTTY: io.stderrIsTTY ?? false, columns: io.columns },
    Boolean(io.env.CI),
  );
}

/** A bar on `target`; draws nothing unless it is a TTY and `ci` is false. */
export function progressBar(
  target: ProgressTarget,
  ci = false,
): {
  update(p: Progress): void;
  finish(): void;
} {
  const stream = target;
  const enabled = stream.isTTY && !ci;
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 80 && p.done < p.total) return;
      last = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - p.label.length - 20));
      const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const filled = Math.round(frac * width);
      stream.write(
        `\r${p.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`,
      );
      drawn = true;
    },
    finish() {
      if (enabled && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
