/**
 * What a command may touch outside itself: two output streams and the file system for reading.
 * `bin.ts` wires the real process; tests pass an in-memory one.
 */
import { readFileSync } from 'node:fs';

/** The process surface a command uses. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** True when standard error is a terminal (progress bars go there only then). */
  readonly stderrIsTty: boolean;
  /** Terminal width for progress bars (default 80). */
  readonly columns?: number;
  /** Reads a UTF-8 text file. */
  readTextFile(path: string): string;
  /** Milliseconds from a monotonic clock, to measure wall time. */
  wallClockMs(): number;
}

/**
 * The real process: `process.stdout` / `process.stderr`, `node:fs`, `performance.now()`.
 *
 * @example
 * ```ts
 * process.exitCode = runCli(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    stderrIsTty: process.stderr.isTTY === true,
    columns: process.stderr.columns || 80,
    readTextFile: (path) => readFileSync(path, 'utf8'),
    wallClockMs: () => performance.now(),
  };
}
