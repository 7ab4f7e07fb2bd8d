/**
 * `brightchain sim`: run a deterministic simulated network and print a summary or a JSON report.
 */
import { parseArgs } from 'node:util';
import { BrightChainError, CryptoRandom, type Seed } from '@brightchain/core';
import { type ScenarioSimulation, createScenarioSimulation, startDashboard } from '@brightchain/dashboard';
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
  /** Set by `--dashboard`: serve the live dashboard while the simulation runs at `speed`. */
  readonly dashboard?: SimDashboardOptions;
}

/** The `--dashboard` options of `brightchain sim`. */
export interface SimDashboardOptions {
  /** `--port N` (0: a free port). */
  readonly port: number;
  /** `--speed X`: simulated seconds per wall second. */
  readonly speed: number;
  /** `--keep-open`: keep serving after the duration until Ctrl-C. */
  readonly keepOpen: boolean;
}

const DEFAULTS = {
  nodes: 100,
  durationSeconds: 600,
  scenario: 'steady',
  protocol: 'gossip',
  port: 0,
  speed: 10,
} as const;

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
  --dashboard        serve a live web dashboard on 127.0.0.1 while the simulation runs at --speed
                     (the URL is printed on stderr); print the report when the duration is reached
  --port N           dashboard port (default ${DEFAULTS.port}: a free port); with --dashboard only
  --speed X          simulated seconds per wall second (default ${DEFAULTS.speed}); with --dashboard only
  --keep-open        keep the dashboard up after the duration until Ctrl-C; with --dashboard only
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
        dashboard: { type: 'boolean' },
        port: { type: 'string' },
        speed: { type: 'string' },
        'keep-open': { type: 'boolean' },
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
  const dashboard = values.dashboard === true;
  if (!dashboard) {
    for (const name of ['port', 'speed', 'keep-open']) {
      if (values[name] !== undefined)
        throw usageError(`--${name} is only used with --dashboard`, { option: name });
    }
  }
  const port =
    str('port') === undefined ? DEFAULTS.port : parseInteger(str('port') as string, 'port', 0, 65_535);
  const speed =
    str('speed') === undefined
      ? DEFAULTS.speed
      : parseDecimal(str('speed') as string, 'speed', 0, 1_000_000, true);
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
    ...(dashboard ? { dashboard: { port, speed, keepOpen: values['keep-open'] === true } } : {}),
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

/** Test hooks and overrides of {@link runSimDashboard}. */
export interface SimDashboardHooks {
  /** Called once the server listens, with its URL. */
  readonly onListening?: (url: string) => void;
  /** Resolves when the user asks to stop (default: the first SIGINT or SIGTERM). */
  readonly stop?: Promise<void>;
}

/** Builds the dashboard's simulation (synchronously, so bad input fails before anything is served). */
function prepareDashboardRun(options: SimCommandOptions, io: CliIo): ScenarioSimulation {
  const schedule = options.schedulePath === undefined ? undefined : readSchedule(options.schedulePath, io);
  return createScenarioSimulation(options.scenario, {
    seed: options.seed,
    nodes: options.nodes,
    durationSeconds: options.durationSeconds,
    protocol: options.protocol,
    ...(options.loss === undefined ? {} : { loss: options.loss }),
    ...(schedule === undefined ? {} : { schedule }),
  });
}

/** The first SIGINT/SIGTERM, with a way to remove the listeners again. */
function interruptSignal(): { readonly signal: Promise<void>; dispose(): void } {
  let onSignal: () => void = () => {};
  const signal = new Promise<void>((resolve) => {
    onSignal = () => resolve();
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function printReport(report: SimulationReport, options: SimCommandOptions, io: CliIo): void {
  if (options.json) io.stdout(`${JSON.stringify(report)}\n`);
  else {
    const extra = [
      ...(options.loss === undefined ? [] : [`--loss ${options.loss}`]),
      ...(options.protocol === DEFAULTS.protocol ? [] : [`--protocol ${options.protocol}`]),
      ...(options.schedulePath === undefined ? [] : [`--schedule ${options.schedulePath}`]),
    ];
    io.stdout(formatSimSummary(report, extra));
  }
}

async function serveDashboardRun(
  run: ScenarioSimulation,
  options: SimCommandOptions,
  io: CliIo,
  hooks: SimDashboardHooks,
): Promise<number> {
  const settings = options.dashboard ?? { port: DEFAULTS.port, speed: DEFAULTS.speed, keepOpen: false };
  const dashboard = await startDashboard({ ...run, port: settings.port, speed: settings.speed });
  const interrupt = hooks.stop === undefined ? interruptSignal() : { signal: hooks.stop, dispose: () => {} };
  try {
    io.stderr(
      `Dashboard: ${dashboard.url} (${options.durationSeconds} simulated s at ${settings.speed}× speed; Ctrl-C to stop)\n`,
    );
    hooks.onListening?.(dashboard.url);
    const finished = await Promise.race([
      dashboard.done.then(() => true),
      interrupt.signal.then(() => false),
    ]);
    if (finished && settings.keepOpen) {
      printReport(await dashboard.done, options, io);
      io.stderr(`Run finished; the dashboard stays up at ${dashboard.url} until Ctrl-C.\n`);
      await interrupt.signal;
      await dashboard.close();
      return (await dashboard.done).invariants.violated.length === 0 ? ExitCode.OK : ExitCode.FAILED;
    }
    const report = await dashboard.close();
    if (!finished) io.stderr(`Interrupted at ${report.simulatedSeconds} simulated s.\n`);
    printReport(report, options, io);
    return report.invariants.violated.length === 0 ? ExitCode.OK : ExitCode.FAILED;
  } finally {
    interrupt.dispose();
    await dashboard.close();
  }
}

/**
 * `brightchain sim --dashboard`: builds the scenario's simulation, serves the live dashboard on
 * 127.0.0.1 (URL on stderr), advances the simulation at `--speed` until the duration (or Ctrl-C),
 * prints the report, closes the server and resolves with the exit code. With `--keep-open` the
 * dashboard stays up after the report until Ctrl-C.
 *
 * @throws BrightChainError (as a rejection) `BC_CLI_FILE_UNREADABLE`, `BC_SIM_SCHEDULE_INVALID`,
 *   `BC_DASHBOARD_OPTIONS_INVALID`; the listen error (`EADDRINUSE`) if the port is taken
 * @example
 * ```ts
 * const options = parseSimArgs(['--nodes', '200', '--scenario', 'crash', '--dashboard']);
 * if (options !== 'help') process.exitCode = await runSimDashboard(options, processIo());
 * ```
 */
export async function runSimDashboard(
  options: SimCommandOptions,
  io: CliIo,
  hooks: SimDashboardHooks = {},
): Promise<number> {
  return serveDashboardRun(prepareDashboardRun(options, io), options, io, hooks);
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
    if (options.dashboard !== undefined) {
      // Bad input fails here, synchronously, before anything is served; the session is awaited by runCli.
      const run = prepareDashboardRun(options, io);
      return serveDashboardRun(run, options, io, {}).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        io.stderr(
          `brightchain sim: cannot serve the dashboard: ${(error as Error).message}${code ? ` [${code}]` : ''}\n`,
        );
        return code === 'EADDRINUSE' || code === 'EACCES' ? ExitCode.USAGE : ExitCode.INTERNAL;
      });
    }
    const report = runSimCommand(options, io);
    printReport(report, options, io);
    return report.invariants.violated.length === 0 ? ExitCode.OK : ExitCode.FAILED;
  },
};
