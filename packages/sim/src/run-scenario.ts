/**
 * The scenario runner behind `brightchain sim`: builds a simulation for a named scenario, runs it
 * for the requested simulated duration, checks invariants, and returns the report.
 */
import { BrightChainError, type Seed, SeededRandom } from '@brightchain/core';
import { protocols as defaultProtocols, scenarios as defaultScenarios } from './default-registries';
import { SimErrorCode } from './error-codes';
import type { FaultSchedule } from './fault-schedule';
import type { Invariant } from './invariant';
import { DEFAULT_LINK, type LinkConfig } from './link';
import type { SimulationPlugin } from './plugin';
import type { AnySimProtocol, ProtocolRegistry } from './protocol';
import { type SimulationReport, buildReport } from './report';
import type { ScenarioRegistry } from './scenario';
import { Simulation } from './simulation';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** The seed; the same seed and options give the same trace hash. */
  readonly seed: Seed;
  /** Nodes at the start (1 … 1,000,000). */
  readonly nodes: number;
  /** Simulated duration in seconds (> 0, at most ten years). */
  readonly durationSeconds: number;
  /** Message loss probability on every link, overriding the scenario's (0 … 1). */
  readonly loss?: number;
  /** The fault schedule of the `custom` scenario. */
  readonly schedule?: FaultSchedule;
  /** Protocol name in `protocols`, or a protocol object (default `'gossip'`). */
  readonly protocol?: string | AnySimProtocol;
  /** Extra plugins (report sections, invariants, workload). */
  readonly plugins?: readonly SimulationPlugin[];
  /** Extra invariants. */
  readonly invariants?: readonly Invariant[];
  /** Stop at the first violation (default false). */
  readonly stopOnViolation?: boolean;
  /** Event queue implementation (default `'heap'`). */
  readonly eventQueue?: 'heap' | 'sorted-array';
  /** Called about 100 times during the run with (simulated ms, target ms). */
  readonly onProgress?: (simulatedMs: number, targetMs: number) => void;
  /** Scenario registry (default: the package's `scenarios`). */
  readonly scenarios?: ScenarioRegistry;
  /** Protocol registry (default: the package's `protocols`). */
  readonly protocols?: ProtocolRegistry;
  /** Wall clock used only to measure `wallSeconds` (default `performance.now`). */
  readonly wallClockMs?: () => number;
}

const MAX_DURATION_SECONDS = 10 * 365 * 86_400;

/**
 * The quiet period at the end of a run: 10% of it, at least 5 s and at most 60 s, never more than
 * half the run. Scenarios schedule no fault and the workload writes nothing after
 * `durationMs − settleTimeMs(durationMs)`.
 *
 * @example
 * ```ts
 * settleTimeMs(600_000); // 60_000
 * settleTimeMs(20_000);  // 5_000
 * ```
 */
export function settleTimeMs(durationMs: number): number {
  return Math.min(durationMs / 2, Math.max(5_000, Math.min(60_000, durationMs / 10)));
}

function invalid(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(SimErrorCode.OPTIONS_INVALID, message, { details });
}

/**
 * Runs scenario `name` and returns its report. The protocol's own plugins (for `gossip`: a write
 * workload, the `gossip/monotonic` and `gossip/convergence` invariants and the `gossip` section)
 * are added automatically; faults and workload stop `settleTimeMs(duration)` before the end.
 *
 * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for bad options, `BC_SIM_SCENARIO_UNKNOWN`,
 *   `BC_SIM_PROTOCOL_UNKNOWN`, `BC_SIM_SCHEDULE_INVALID` / `BC_SIM_LINK_INVALID` for a bad schedule
 * @example
 * ```ts
 * const report = runScenario('partition', { seed: 42, nodes: 200, durationSeconds: 600 });
 * console.log(report.traceHash, report.invariants.violated.length === 0);
 * ```
 */
export function runScenario(name: string, options: RunScenarioOptions): SimulationReport {
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
  const plugins = [...(protocol.plugins?.({ durationMs, settleMs }) ?? []), ...(options.plugins ?? [])];

  const clock = options.wallClockMs ?? (() => performance.now());
  const started = clock();
  const sim = new Simulation({
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
  const onProgress = options.onProgress;
  if (onProgress === undefined) sim.run(durationMs);
  else {
    const steps = 100;
    for (let i = 1; i <= steps && !sim.stopped; i++) {
      sim.run((durationMs * i) / steps);
      onProgress(sim.now, durationMs);
    }
  }
  sim.finish();
  return buildReport(sim, { scenario: name, wallSeconds: (clock() - started) / 1000 });
}
