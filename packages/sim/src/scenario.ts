/**
 * Scenarios: named generators of fault schedules. A scenario turns (nodes, duration, a seeded
 * random stream) into a {@link FaultSchedule}; the runner does the rest. Every built-in scenario
 * leaves a quiet period (`settleMs`) at the end so liveness invariants can be judged.
 */
import { BrightChainError, type SeededRandom } from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import type { FaultSchedule, ScheduledFault } from './fault-schedule';

/** What a scenario builds its schedule from. */
export interface ScenarioContext {
  /** Nodes at the start. */
  readonly nodes: number;
  /** Length of the run (ms). */
  readonly durationMs: number;
  /** Quiet period at the end (ms): every fault must be over by `durationMs − settleMs`. */
  readonly settleMs: number;
  /** The scenario's own random stream (forked from the run's seed). */
  readonly random: SeededRandom;
  /** The schedule given by the user (`--schedule FILE`), for `custom`. */
  readonly schedule?: FaultSchedule;
}

/**
 * A named scenario.
 *
 * @example
 * ```ts
 * scenarios.register({
 *   name: 'rolling-restart',
 *   description: 'restart every node once, one per second',
 *   build: ({ nodes }) => ({
 *     version: 1,
 *     actions: Array.from({ length: nodes }, (_, i) => ({
 *       at: 1000 * (i + 1), type: 'crash', nodes: [i], restartAfterMs: 500,
 *     })),
 *   }),
 * });
 * ```
 */
export interface Scenario {
  /** Registry name (`--scenario NAME`). */
  readonly name: string;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** The fault schedule of a run. @throws BrightChainError when the context does not suit the scenario */
  build(context: ScenarioContext): FaultSchedule;
}

/** The end of the active (faulty) part of a run. */
function activeEnd(context: ScenarioContext): number {
  return context.durationMs - context.settleMs;
}

/** When the first fault of a scenario happens: 10 s in, or 10% of the active part if shorter. */
function firstFaultAt(context: ScenarioContext): number {
  return Math.min(10_000, Math.floor(activeEnd(context) / 10));
}

/** A uniform integer in [min, max]. */
function between(random: SeededRandom, min: number, max: number): number {
  return min + random.int(max - min + 1);
}

/** `k` distinct node indices out of `n`, ascending. */
function pickNodes(random: SeededRandom, n: number, k: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + random.int(n - i);
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

const steady: Scenario = {
  name: 'steady',
  description: 'no faults: the baseline',
  build: () => ({ version: 1, description: 'steady state', actions: [] }),
};

const crash: Scenario = {
  name: 'crash',
  description: '5% of the nodes crash at once (10 s in) and stay down',
  build: (context) => ({
    version: 1,
    description: 'mass crash of 5% of the nodes',
    actions: [{ at: firstFaultAt(context), type: 'crash', nodes: { percent: 5 } }],
  }),
};

const stall: Scenario = {
  name: 'stall',
  description: '10% of the nodes stall for 1–5 s again and again; 2% message loss',
  build: (context) => {
    const { random } = context;
    const end = activeEnd(context);
    const stallers = pickNodes(random, context.nodes, Math.max(1, Math.round(context.nodes / 10)));
    const actions: ScheduledFault[] = [];
    for (const node of stallers) {
      let at = random.int(5000);
      for (;;) {
        const durationMs = between(random, 1000, 5000);
        if (at + durationMs > end) break;
        actions.push({ at, type: 'pause', nodes: [node], durationMs });
        at += durationMs + between(random, 2000, 10_000);
      }
    }
    actions.sort((a, b) => a.at - b.at);
    return {
      version: 1,
      description: 'repeated CPU stalls of 10% of the nodes, 2% loss',
      link: { latency: { kind: 'uniform', minMs: 5, maxMs: 50 }, loss: 0.02 },
      actions,
    };
  },
};

const partition: Scenario = {
  name: 'partition',
  description: 'a 50/50 split for 5 minutes (shortened to fit the run), then heal',
  build: (context) => {
    const at = firstFaultAt(context);
    const healAfterMs = Math.max(0, Math.min(300_000, activeEnd(context) - at));
    return {
      version: 1,
      description: '50/50 partition, then heal',
      actions: [{ at, type: 'partition', groups: [{ percent: 50 }], healAfterMs }],
    };
  },
};

const shutdown: Scenario = {
  name: 'shutdown',
  description: '2% of the nodes shut down gracefully at scheduled times and stay down',
  build: (context) => {
    const { random } = context;
    const start = firstFaultAt(context);
    const end = activeEnd(context);
    const leaving = pickNodes(random, context.nodes, Math.max(1, Math.round(context.nodes / 50)));
    const actions: ScheduledFault[] = leaving.map((node) => ({
      at: start + random.int(Math.max(1, end - start)),
      type: 'shutdown',
      nodes: [node],
    }));
    actions.sort((a, b) => a.at - b.at);
    return { version: 1, description: 'scheduled graceful shutdowns of 2% of the nodes', actions };
  },
};

const churn: Scenario = {
  name: 'churn',
  description: 'nodes keep joining and leaving (about 2% of the population per minute each way)',
  build: (context) => {
    const end = activeEnd(context);
    const perMinute = Math.max(1, Math.round(context.nodes / 50));
    const gap = 60_000 / perMinute;
    const actions: ScheduledFault[] = [];
    let k = 0;
    for (let at = firstFaultAt(context); at < end; at += gap, k++) {
      const leaveAt = Math.round(at);
      // Alternate graceful leaves and crashes; a join follows half a gap later.
      actions.push(
        k % 2 === 0
          ? { at: leaveAt, type: 'shutdown', nodes: { count: 1 } }
          : { at: leaveAt, type: 'crash', nodes: { count: 1 } },
      );
      const joinAt = Math.round(at + gap / 2);
      if (joinAt < end) actions.push({ at: joinAt, type: 'join', count: 1 });
    }
    return { version: 1, description: `churn: ${perMinute} joins and leaves per minute`, actions };
  },
};

const showcase: Scenario = {
  name: 'showcase',
  description: 'a tour of every fault kind, all repaired before the end',
  build: (context) => {
    const { random, nodes } = context;
    const end = activeEnd(context);
    const slot = Math.max(1, Math.floor(end / 8));
    const someone = (): number[] => [random.int(nodes)];
    const quarter: [number, number] = [0, Math.ceil(nodes / 4)];
    const actions: ScheduledFault[] = [
      { at: 0, type: 'clock-skew', nodes: { percent: 10 }, offsetMs: 250, driftPpm: 200 },
      { at: slot, type: 'crash', nodes: { percent: 5 }, tornBytes: 3, restartAfterMs: slot },
      { at: 2 * slot, type: 'pause', nodes: { percent: 10 }, durationMs: Math.min(5000, slot) },
      { at: 3 * slot, type: 'partition', groups: [{ percent: 50 }], healAfterMs: slot },
      { at: 4 * slot, type: 'partition', groups: [{ percent: 20 }], oneWay: true, healAfterMs: slot / 2 },
      {
        at: 5 * slot,
        type: 'swizzle',
        nodes: { count: Math.min(nodes, 5) },
        stepMs: Math.min(1000, slot / 12),
      },
      { at: 6 * slot, type: 'disk-loss', nodes: someone(), restartAfterMs: slot / 2 },
      {
        at: 6 * slot,
        type: 'link',
        from: { range: quarter },
        to: 'all',
        link: { latency: { kind: 'lognormal', medianMs: 120, sigma: 0.7 }, loss: 0.05, duplicate: 0.02 },
        symmetric: true,
      },
      { at: 7 * slot, type: 'link', from: { range: quarter }, to: 'all', link: null, symmetric: true },
      { at: 7 * slot, type: 'shutdown', nodes: { percent: 2 }, restartAfterMs: slot / 2 },
    ];
    return { version: 1, description: 'every fault kind, repaired', actions };
  },
};

const custom: Scenario = {
  name: 'custom',
  description: 'the fault schedule from --schedule FILE (JSON, see docs/simulation.md)',
  build: (context) => {
    if (context.schedule === undefined) {
      throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, 'the custom scenario needs a schedule', {
        details: { scenario: 'custom' },
      });
    }
    return context.schedule;
  },
};

/**
 * Scenarios by name. The package's {@link scenarios} registry holds the built-ins: `steady`,
 * `crash`, `stall`, `partition`, `shutdown`, `churn`, `showcase` and `custom`.
 *
 * @example
 * ```ts
 * scenarios.register({ name: 'quiet', description: 'nothing', build: () => ({ version: 1, actions: [] }) });
 * scenarios.names(); // [..., 'quiet', ...]
 * ```
 */
export class ScenarioRegistry {
  private readonly byName = new Map<string, Scenario>();

  /** @param initial - scenarios to register at once */
  constructor(initial: readonly Scenario[] = []) {
    for (const scenario of initial) this.register(scenario);
  }

  /**
   * Adds a scenario.
   * @throws BrightChainError `BC_SIM_NAME_TAKEN` for a registered name, `BC_SIM_OPTIONS_INVALID` for a bad one
   */
  register(scenario: Scenario): void {
    if (typeof scenario?.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(scenario.name)) {
      throw new BrightChainError(
        SimErrorCode.OPTIONS_INVALID,
        'a scenario name is lower-case letters, digits and -',
        {
          details: { name: String(scenario?.name) },
        },
      );
    }
    if (this.byName.has(scenario.name)) {
      throw new BrightChainError(
        SimErrorCode.NAME_TAKEN,
        `scenario "${scenario.name}" is already registered`,
        {
          details: { name: scenario.name },
        },
      );
    }
    this.byName.set(scenario.name, scenario);
  }

  /** The scenario called `name`. @throws BrightChainError `BC_SIM_SCENARIO_UNKNOWN` */
  get(name: string): Scenario {
    const scenario = this.byName.get(name);
    if (scenario === undefined) {
      throw new BrightChainError(SimErrorCode.SCENARIO_UNKNOWN, `no scenario named "${name}"`, {
        details: { name, known: this.names() },
      });
    }
    return scenario;
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Every registered scenario, in registration order. */
  list(): Scenario[] {
    return [...this.byName.values()];
  }
}

/** The built-in scenarios, in documentation order. */
export const BUILT_IN_SCENARIOS: readonly Scenario[] = Object.freeze([
  steady,
  crash,
  stall,
  partition,
  shutdown,
  churn,
  showcase,
  custom,
]);
