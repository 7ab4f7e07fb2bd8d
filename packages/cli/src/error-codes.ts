/**
 * Error codes thrown by `@brightchain/cli`. `docs/errors.md` lists every package's codes.
 */
export const CliErrorCode = {
  /** Bad command line: unknown command or option, missing or malformed value (exit code 2). */
  USAGE: 'BC_CLI_USAGE',
  /** A file named on the command line cannot be read (exit code 2). */
  FILE_UNREADABLE: 'BC_CLI_FILE_UNREADABLE',
} as const;

/** Union of every CLI error code string. */
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];
