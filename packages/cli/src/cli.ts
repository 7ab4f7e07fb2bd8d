/**
 * The `brightchain` command line: dispatches to one subcommand per file in `commands/`.
 */
import { BrightChainError } from '@brightchain/core';
import { SimErrorCode } from '@brightchain/sim';
import type { CliIo } from './cli-io';
import { type Command, ExitCode } from './command';
import { simCommand } from './commands/sim';
import { CliErrorCode } from './error-codes';

/** Error codes that mean "bad input" (exit code 2) rather than an internal failure. */
const INPUT_ERRORS: ReadonlySet<string> = new Set([
  CliErrorCode.USAGE,
  CliErrorCode.FILE_UNREADABLE,
  SimErrorCode.SCHEDULE_INVALID,
  SimErrorCode.LINK_INVALID,
  SimErrorCode.OPTIONS_INVALID,
  SimErrorCode.SCENARIO_UNKNOWN,
  SimErrorCode.PROTOCOL_UNKNOWN,
]);

/** The subcommands, in help order. Later: `node`, `poll`, `bench`. */
export const COMMANDS: readonly Command[] = [simCommand];

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: brightchain <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "brightchain <command> --help" for a command's options.
`;
}

/**
 * Runs the `brightchain` command with `argv` (the arguments after the program name) and returns
 * the exit code — or a promise of it for a command that keeps serving (`sim --dashboard`): 0 ok,
 * 1 the command found a problem (e.g. a violated invariant), 2 bad arguments or input file (message
 * on stderr), 3 internal error. Never throws or rejects.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['sim', '--nodes', '50', '--seed', '1', '--json'], processIo());
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(mainUsage());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new BrightChainError(CliErrorCode.USAGE, `unknown command "${name}"`, {
        details: { command: name },
      });
    }
    const result = command.run(rest, io);
    return typeof result === 'number'
      ? result
      : result.catch((error: unknown) => exitCodeFor(error, command, io));
  } catch (error) {
    return exitCodeFor(error, command, io);
  }
}

/** Reports `error` on stderr and maps it to an exit code: 2 for bad input, 3 for anything else. */
function exitCodeFor(error: unknown, command: Command | undefined, io: CliIo): number {
  if (BrightChainError.isInstance(error) && INPUT_ERRORS.has(error.code)) {
    io.stderr(`brightchain${command ? ` ${command.name}` : ''}: ${error.message} [${error.code}]\n`);
    if (error.code === CliErrorCode.USAGE) {
      io.stderr(`Run "brightchain ${command === undefined ? '' : `${command.name} `}--help" for usage.\n`);
    }
    return ExitCode.USAGE;
  }
  io.stderr(
    `brightchain: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.INTERNAL;
}
