/**
 * Builds the simulation `runScenario` would run, without running it, so the dashboard can pace it.
 * The construction mirrors `runScenario` in `@brightchain/sim` step for step (same random forks,
 * same plugin order), so a paced run has the same trace hash as `runScenario` with the same options.
 */
import { BrightChainError, SeededRandom } from '@brightchain/core';
import {
  DEFAULT_LINK,
  type LinkConfig,
  type RunScenarioOptions,
  SimErrorCode,
  Simulation,
  protocols as defaultProtocols,
  scenarios as defaultScenarios,
  settleTimeMs,
} from '@brightchain/sim';
import { DashboardRecorder } from './dashboard-recorder';

/** Options of {@link createScenarioSimulation}: those of `runScenario` that shape the run. */
export type ScenarioSimulationOptions = Omit<RunScenarioOptions, 'onProgress' | 'wallClockMs'>;

/** A scenario's simulation, ready to be paced by {@link startDashboard}. */
export interface ScenarioSimulation {
  /** The simulation, at simulated time 0. */
  readonly simulation: Simulation;
  /** The recorder plugin added to it (last-event times, event log). */
  readonly recorder: DashboardRecorder;
  /** The scenario name (for the report). */
  readonly scenario: string;
  /** The simulated duration (s). */
  readonly durationSeconds: number;
}

const MAX_DURATION_SECONDS = 10 * 365 * 86_400;

function invalid(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(SimErrorCode.OPTIONS_INVALID, message, { details });
}

/**
 * Builds scenario `name`'s simulation exactly as `runScenario` does, plus a {@link DashboardRecorder}
 * (which only observes, so the trace hash is unchanged).
 *
 * @throws BrightChainError `BC_SIM_OPTIONS_INVALID`, `BC_SIM_SCENARIO_UNKNOWN`, `BC_SIM_PROTOCOL_UNKNOWN`,
 *   `BC_SIM_SCHEDULE_INVALID`, `BC_SIM_LINK_INVALID` — the same as `runScenario`
 * @example
 * ```ts
 * const run = createScenarioSimulation('crash', { seed: 7, nodes: 100, durationSeconds: 120 });
 * const dashboard = await startDashboard({ ...run, speed: 10 });
 * console.log(dashboard.url);
 * ```
 */
export function createScenarioSimulation(
  name: string,
  options: ScenarioSimulationOptions,
): ScenarioSimulation {
  const { nodes, durationSeconds, loss } = options;
  if (!Number.isSafeInteger(nodes) || nodes < 1 || nodes > 1_000_000) {
    throw invalid('nodes must be an integer in 1..1,000,000', { nodes });
  }
  if (!(Number.isFinite(durationSeconds) && durationSeconds > 0 && durationSeconds <= MAX_DURATION_SECONDS)) {
    throw invalid('durationSeconds must be a positive number (at most ten years)', { durationSeconds });
  }
  if (loss !== undefined && !(Number.isFinite(loss) && loss >= 0 && loss <= 1)) {
    throw invalid('loss must be a probability in [0, 1]', { loss });
  }
  const scenario = (options.scenarios ?? defaultScenarios).get(name);
  const protocol =
    typeof options.protocol === 'object'
      ? options.protocol
      : (options.protocols ?? defaultProtocols).get(options.protocol ?? 'gossip');
  const durationMs = durationSeconds * 1000;
  const settleMs = settleTimeMs(durationMs);
  const schedule = scenario.build({
    nodes,
    durationMs,
    settleMs,
    random: new SeededRandom(options.seed).fork(`scenario/${name}`),
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
  });
  const baseLink: LinkConfig = schedule.link ?? DEFAULT_LINK;
  const link: LinkConfig = loss === undefined ? baseLink : { ...baseLink, loss };
  const recorder = new DashboardRecorder();
  const plugins = [
    ...(protocol.plugins?.({ durationMs, settleMs }) ?? []),
    ...(options.plugins ?? []),
    recorder,
  ];
  const simulation = new Simulation({
    seed: options.seed,
    nodes,
    protocol,
    link,
    schedule,
    plugins,
    ...(options.invariants === undefined ? {} : { invariants: options.invariants }),
    ...(options.stopOnViolation === undefined ? {} : { stopOnViolation: options.stopOnViolation }),
    ...(options.eventQueue === undefined ? {} : { eventQueue: options.eventQueue }),
  });
  return { simulation, recorder, scenario: name, durationSeconds };
}
