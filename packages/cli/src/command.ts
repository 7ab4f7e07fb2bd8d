/**
 * A subcommand of `brightchain`. Each lives in its own file under `commands/` (`sim` now; `node`,
 * `poll` and `bench` later) and is listed in `cli.ts`.
 */
import type { CliIo } from './cli-io';

/** One subcommand. */
export interface Command {
  /** The word after `brightchain`. */
  readonly name: string;
  /** One line for `brightchain --help`. */
  readonly summary: string;
  /** Full help text for `brightchain NAME --help`. */
  readonly usage: string;
  /**
   * Runs with the arguments after the command name and returns the exit code, or a promise of it
   * for commands that keep serving (e.g. `sim --dashboard`).
   * @throws BrightChainError `BC_CLI_USAGE` (and other typed errors) for bad input: exit code 2
   */
  run(args: readonly string[], io: CliIo): number | Promise<number>;
}

/** Exit codes of every command. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** The command ran, but found a problem (e.g. a violated invariant). */
  FAILED: 1,
  /** Bad command line or input file. */
  USAGE: 2,
  /** An unexpected internal error. */
  INTERNAL: 3,
} as const;
