/**
 * `brightchain sim`: run a deterministic simulated network and print a summary or a JSON report.
 */
import { parseArgs } from 'node:util';
import { BrightChainError, CryptoRandom, type Seed } from '@brightchain/core';
import {
  type FaultSchedule,
  type SimulationReport,
  parseFaultScheduleJson,
  protocols,
  runScenario,
  scenarios,
} from '@brightchain/sim';
import type { CliIo } from '../cli-io';
import { type Command, ExitCode } from '../command';
import { CliErrorCode } from '../error-codes';
import { ProgressBar } from '../progress-bar';
import { formatSimSummary } from '../sim-summary';

/** Parsed and validated options of `brightchain sim`. */
export interface SimCommandOptions {
  readonly nodes: number;
  readonly seed: Seed;
  readonly durationSeconds: number;
  readonly scenario: string;
  readonly protocol: string;
  readonly loss?: number;
  readonly schedulePath?: string;
  readonly json: boolean;
}

const DEFAULTS = { nodes: 100, durationSeconds: 600, scenario: 'steady', protocol: 'gossip' } as const;

function usageError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(CliErrorCode.USAGE, message, { details });
}

function simUsage(): string {
  const scenarioLines = scenarios
    .list()
    .map((s) => `  ${s.name.padEnd(10)} ${s.description}`)
    .join('\n');
  return `Usage: brightchain sim [options]

Runs a deterministic discrete-event simulation of a BrightChain network. The same options and
seed always give the same trace hash.

Options:
  --nodes N          number of nodes at the start (1–1000000, default ${DEFAULTS.nodes})
  --seed S           seed: an integer or any text (default: random, printed for replay)
  --duration SECONDS simulated time (default ${DEFAULTS.durationSeconds})
  --scenario NAME    fault scenario (default ${DEFAULTS.scenario}), one of the list below
  --schedule FILE    JSON fault schedule for --scenario custom (format: docs/simulation.md)
  --loss P           message loss probability on every link, 0–1 (overrides the scenario's)
  --protocol NAME    protocol every node runs: ${protocols.names().join(', ')} (default ${DEFAULTS.protocol})
  --json             print one JSON report object on stdout instead of the summary
  -h, --help         this help

Scenarios:
${scenarioLines}

Exit codes: 0 ok, 1 an invariant was violated, 2 bad arguments or schedule file, 3 internal error.
`;
}

function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text))
    throw usageError(`--${name} must be a whole number, got "${text}"`, { option: name, text });
  const value = Number(text);
  if (value < min || value > max) {
    throw usageError(`--${name} must be between ${min} and ${max}, got ${text}`, { option: name, text });
  }
  return value;
}

function parseDecimal(text: string, name: string, min: number, max: number, minExclusive: boolean): number {
  if (!/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    throw usageError(`--${name} must be a number, got "${text}"`, { option: name, text });
  }
  const value = Number(text);
  if (!Number.isFinite(value) || (minExclusive ? value <= min : value < min) || value > max) {
    const range = minExclusive ? `greater than ${min} and at most ${max}` : `between ${min} and ${max}`;
    throw usageError(`--${name} must be ${range}, got ${text}`, { option: name, text });
  }
  return value;
}

/** A seed from the command line: safe integers stay numbers, anything else is a text seed. */
function parseSeed(text: string): Seed {
  if (text.length === 0 || text.length > 256)
    throw usageError('--seed must be 1–256 characters', { option: 'seed' });
  if (/^-?\d+$/.test(text)) {
    const value = Number(text);
    if (Number.isSafeInteger(value)) return value;
  }
  return text;
}

/**
 * Parses and validates the arguments of `brightchain sim` (everything after `sim`).
 *
 * @throws BrightChainError `BC_CLI_USAGE` for an unknown option, a missing or malformed value, an
 *   unknown scenario or protocol, or `--schedule` without `--scenario custom` (and the reverse)
 * @example
 * ```ts
 * parseSimArgs(['--nodes', '50', '--seed', '7', '--scenario', 'crash']);
 * ```
 */
export function parseSimArgs(args: readonly string[]): SimCommandOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: 'string' },
        seed: { type: 'string' },
        duration: { type: 'string' },
        scenario: { type: 'string' },
        schedule: { type: 'string' },
        loss: { type: 'string' },
        protocol: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (values.help === true) return 'help';
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const nodes =
    str('nodes') === undefined ? DEFAULTS.nodes : parseInteger(str('nodes') as string, 'nodes', 1, 1_000_000);
  const durationSeconds =
    str('duration') === undefined
      ? DEFAULTS.durationSeconds
      : parseDecimal(str('duration') as string, 'duration', 0, 10 * 365 * 86_400, true);
  const loss =
    str('loss') === undefined ? undefined : parseDecimal(str('loss') as string, 'loss', 0, 1, false);
  const scenario = str('scenario') ?? DEFAULTS.scenario;
  if (!scenarios.has(scenario)) {
    throw usageError(`unknown scenario "${scenario}" (one of: ${scenarios.names().join(', ')})`, {
      scenario,
    });
  }
  const protocol = str('protocol') ?? DEFAULTS.protocol;
  if (!protocols.has(protocol)) {
    throw usageError(`unknown protocol "${protocol}" (one of: ${protocols.names().join(', ')})`, {
      protocol,
    });
  }
  const schedulePath = str('schedule');
  if (scenario === 'custom' && schedulePath === undefined) {
    throw usageError('--scenario custom needs --schedule FILE', { scenario });
  }
  if (scenario !== 'custom' && schedulePath !== undefined) {
    throw usageError('--schedule is only used with --scenario custom', { scenario });
  }
  const seed = str('seed') === undefined ? new CryptoRandom().int(2 ** 31) : parseSeed(str('seed') as string);
  return {
    nodes,
    seed,
    durationSeconds,
    scenario,
    protocol,
    json: values.json === true,
    ...(loss === undefined ? {} : { loss }),
    ...(schedulePath === undefined ? {} : { schedulePath }),
  };
}

/**
 * Reads and validates a schedule file.
 * @throws BrightChainError `BC_CLI_FILE_UNREADABLE`, `BC_SIM_SCHEDULE_INVALID` (with the file path in details)
 */
function readSchedule(path: string, io: CliIo): FaultSchedule {
  let text: string;
  try {
    text = io.readTextFile(path);
  } catch (error) {
    throw new BrightChainError(CliErrorCode.FILE_UNREADABLE, `cannot read schedule file ${path}`, {
      details: { path, reason: (error as NodeJS.ErrnoException).code ?? String(error) },
      cause: error,
    });
  }
  try {
    return parseFaultScheduleJson(text);
  } catch (error) {
    if (BrightChainError.isInstance(error)) {
      throw new BrightChainError(error.code, `invalid schedule file ${path}: ${error.message}`, {
        details: { ...error.details, file: path },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Runs `brightchain sim` with parsed options and returns the report (printing progress on a TTY).
 *
 * @throws BrightChainError `BC_CLI_FILE_UNREADABLE`, `BC_SIM_SCHEDULE_INVALID` for a bad schedule file
 * @example
 * ```ts
 * const options = parseSimArgs(['--nodes', '20', '--seed', '1']);
 * if (options !== 'help') console.log(runSimCommand(options, processIo()).traceHash);
 * ```
 */
export function runSimCommand(options: SimCommandOptions, io: CliIo): SimulationReport {
  const schedule = options.schedulePath === undefined ? undefined : readSchedule(options.schedulePath, io);
  const bar = io.stderrIsTty
    ? new ProgressBar(
        (t) => io.stderr(t),
        () => io.wallClockMs(),
        io.columns ?? 80,
      )
    : null;
  try {
    return runScenario(options.scenario, {
      seed: options.seed,
      nodes: options.nodes,
      durationSeconds: options.durationSeconds,
      protocol: options.protocol,
      wallClockMs: () => io.wallClockMs(),
      ...(options.loss === undefined ? {} : { loss: options.loss }),
      ...(schedule === undefined ? {} : { schedule }),
      ...(bar === null
        ? {}
        : {
            onProgress: (done: number, target: number) => bar.update(done / 1000, target / 1000, 'simulated'),
          }),
    });
  } finally {
    bar?.clear();
  }
}

/**
 * The `sim` command: parses its arguments, runs the scenario, prints the summary or `--json`
 * report, and returns 0 (all invariants held) or 1 (a violation).
 *
 * @throws BrightChainError `BC_CLI_USAGE` and the errors of {@link runSimCommand} (exit code 2 in `runCli`)
 * @example
 * ```ts
 * simCommand.run(['--nodes', '20', '--seed', '1', '--json'], processIo());
 * ```
 */
export const simCommand: Command = {
  name: 'sim',
  summary: 'run a deterministic simulated network (scenarios, faults, invariants, trace hash)',
  get usage() {
    return simUsage();
  },
  run(args, io) {
    const options = parseSimArgs(args);
    if (options === 'help') {
      io.stdout(simUsage());
      return ExitCode.OK;
    }
    const report = runSimCommand(options, io);
    if (options.json) io.stdout(`${JSON.stringify(report)}\n`);
    else {
      const extra = [
        ...(options.loss === undefined ? [] : [`--loss ${options.loss}`]),
        ...(options.protocol === DEFAULTS.protocol ? [] : [`--protocol ${options.protocol}`]),
        ...(options.schedulePath === undefined ? [] : [`--schedule ${options.schedulePath}`]),
      ];
      io.stdout(formatSimSummary(report, extra));
    }
    return report.invariants.violated.length === 0 ? ExitCode.OK : ExitCode.FAILED;
  },
};
