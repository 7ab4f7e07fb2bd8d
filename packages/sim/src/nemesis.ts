/**
 * The nemesis: applies fault actions to a simulation — at scheduled times from a
 * {@link FaultSchedule}, or at once through `Simulation.apply` — resolving node selectors with its
 * own seeded random stream. Also generates random fault schedules ({@link randomFaultSchedule}).
 */
import { BrightChainError, type Seed, SeededRandom } from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import type { FaultAction, FaultSchedule, FaultType, NodeSelector, ScheduledFault } from './fault-schedule';
import type { AnyStateMachine } from './protocol';
import type { NodeState, Simulation } from './simulation';

/** Nemesis counters. */
export interface NemesisStats {
  /** Actions applied, by type. */
  readonly applied: Readonly<Partial<Record<FaultType, number>>>;
  /** Node-level effects (one per node crashed, paused, restarted …). */
  readonly nodesAffected: number;
  /** Nodes a selector named that the action could not apply to (e.g. crashing a crashed node). */
  readonly skipped: number;
}

/** Which node states each node action applies to. */
const ELIGIBLE: Readonly<Record<string, readonly NodeState[]>> = {
  crash: ['up', 'paused'],
  restart: ['crashed', 'stopped'],
  shutdown: ['up'],
  'disk-loss': ['up', 'paused', 'crashed', 'stopped'],
  pause: ['up', 'paused'],
  'clock-skew': ['up', 'paused', 'crashed', 'stopped'],
  clog: ['up', 'paused', 'crashed', 'stopped'],
  unclog: ['up', 'paused', 'crashed', 'stopped'],
  swizzle: ['up', 'paused', 'crashed', 'stopped'],
  link: ['up', 'paused', 'crashed', 'stopped'],
  partition: ['up', 'paused', 'crashed', 'stopped'],
};

/** @internal Owned by `Simulation`; use `Simulation.apply` or a schedule. */
export class Nemesis<Machine extends AnyStateMachine> {
  private readonly sim: Simulation<Machine>;
  private readonly random: SeededRandom;
  private readonly applied: Partial<Record<FaultType, number>> = {};
  private nodesAffected = 0;
  private skipped = 0;

  constructor(sim: Simulation<Machine>, random: SeededRandom) {
    this.sim = sim;
    this.random = random;
  }

  /** Queues every action at its time. */
  schedule(actions: readonly ScheduledFault[]): void {
    for (const action of actions) this.sim.schedule(action.at, () => this.apply(action));
  }

  stats(): NemesisStats {
    return { applied: { ...this.applied }, nodesAffected: this.nodesAffected, skipped: this.skipped };
  }

  /** Applies `action` now. */
  apply(action: FaultAction): void {
    const sim = this.sim;
    const now = sim.now;
    switch (action.type) {
      case 'crash':
        for (const node of this.select(action.nodes, action.type)) {
          sim.crash(node, action.tornBytes === undefined ? {} : { tornBytes: action.tornBytes });
          this.restartLater(node, action.restartAfterMs);
        }
        break;
      case 'restart':
        for (const node of this.select(action.nodes, action.type)) sim.restart(node);
        break;
      case 'shutdown':
        for (const node of this.select(action.nodes, action.type)) {
          sim.shutdown(node);
          this.restartLater(node, action.restartAfterMs);
        }
        break;
      case 'disk-loss':
        for (const node of this.select(action.nodes, action.type)) {
          sim.loseDisk(node);
          this.restartLater(node, action.restartAfterMs);
        }
        break;
      case 'pause':
        for (const node of this.select(action.nodes, action.type)) sim.pause(node, action.durationMs);
        break;
      case 'clock-skew':
        for (const node of this.select(action.nodes, action.type)) {
          sim.setClockSkew(node, action.offsetMs, action.driftPpm ?? 0);
        }
        break;
      case 'partition': {
        const taken = new Set<number>();
        const groups = action.groups.map((selector) => {
          const group = this.select(selector, 'partition', (node) => !taken.has(node), false);
          for (const node of group) taken.add(node);
          return group;
        });
        const id = sim.network.partition(groups, action.oneWay ? { oneWay: true } : {});
        this.nodesAffected += taken.size;
        if (action.healAfterMs !== undefined)
          sim.schedule(now + action.healAfterMs, () => sim.network.heal(id));
        break;
      }
      case 'heal':
        sim.network.heal();
        break;
      case 'clog':
        for (const node of this.select(action.nodes, action.type)) {
          sim.network.clog(node);
          if (action.durationMs !== undefined) {
            sim.schedule(now + action.durationMs, (s) => s.network.unclog(node));
          }
        }
        break;
      case 'unclog':
        for (const node of this.select(action.nodes, action.type)) {
          while (sim.network.isClogged(node)) sim.network.unclog(node);
        }
        break;
      case 'swizzle': {
        const nodes = this.select(action.nodes, action.type);
        const clogOrder = this.shuffle(nodes);
        const unclogOrder = this.shuffle(nodes);
        const hold = action.holdMs ?? action.stepMs;
        clogOrder.forEach((node, k) => {
          sim.schedule(now + k * action.stepMs, (s) => s.network.clog(node));
        });
        const start = now + clogOrder.length * action.stepMs + hold;
        unclogOrder.forEach((node, k) => {
          sim.schedule(start + k * action.stepMs, (s) => s.network.unclog(node));
        });
        break;
      }
      case 'link': {
        if (action.from === undefined || action.to === undefined) {
          if (action.link !== null) sim.network.setDefaultLink(action.link);
          break;
        }
        const from = this.select(action.from, action.type, undefined, false);
        const to = this.select(action.to, action.type, undefined, false);
        sim.network.setLinks(from, to, action.link ?? undefined, action.symmetric ? { symmetric: true } : {});
        this.nodesAffected += from.length + to.length;
        break;
      }
      case 'join':
        for (let i = 0; i < action.count; i++) sim.join(action.region);
        this.nodesAffected += action.count;
        break;
      default:
        throw new BrightChainError(SimErrorCode.SCHEDULE_INVALID, 'unknown fault action type', {
          details: { type: String((action as { type?: unknown }).type) },
        });
    }
    this.applied[action.type] = (this.applied[action.type] ?? 0) + 1;
    sim.notifyFault(action);
  }

  private restartLater(node: number, delayMs: number | undefined): void {
    if (delayMs === undefined) return;
    this.sim.schedule(this.sim.now + delayMs, (s) => {
      const state = s.stateOfNode(node);
      if (state === 'crashed' || state === 'stopped') s.restart(node);
    });
  }

  /**
   * The nodes `selector` names that the action can apply to, ascending. Nodes named explicitly but
   * not eligible are counted as skipped.
   */
  private select(
    selector: NodeSelector,
    type: string,
    extra?: (node: number) => boolean,
    countAffected = true,
  ): number[] {
    const sim = this.sim;
    const allowed = ELIGIBLE[type] ?? [];
    const eligible = (node: number): boolean =>
      allowed.includes(sim.stateOfNode(node)) && (extra === undefined || extra(node));
    const count = sim.nodeCount;
    let chosen: number[];
    if (selector === 'all') {
      chosen = [];
      for (let i = 0; i < count; i++) if (eligible(i)) chosen.push(i);
    } else if (Array.isArray(selector)) {
      chosen = [];
      for (const node of new Set(selector as readonly number[])) {
        if (node < count && eligible(node)) chosen.push(node);
        else this.skipped++;
      }
      chosen.sort((a, b) => a - b);
    } else {
      const filter = selector as Exclude<NodeSelector, 'all' | readonly number[]>;
      let base: number[];
      if (filter.region !== undefined) base = sim.network.nodesInRegion(filter.region);
      else base = Array.from({ length: count }, (_, i) => i);
      if (filter.range !== undefined) {
        const [start, end] = filter.range;
        base = base.filter((node) => node >= start && node < end);
      }
      const candidates = base.filter(eligible);
      let want = candidates.length;
      if (filter.percent !== undefined) want = Math.round((candidates.length * filter.percent) / 100);
      if (filter.count !== undefined) want = Math.min(filter.count, candidates.length);
      chosen = want === candidates.length ? candidates : this.pick(candidates, want);
    }
    if (countAffected) this.nodesAffected += chosen.length;
    return chosen;
  }

  /** `k` of `nodes` uniformly at random (partial Fisher–Yates), ascending. */
  private pick(nodes: readonly number[], k: number): number[] {
    const copy = [...nodes];
    for (let i = 0; i < k; i++) {
      const j = i + this.random.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j] as number, copy[i] as number];
    }
    return copy.slice(0, k).sort((a, b) => a - b);
  }

  private shuffle(nodes: readonly number[]): number[] {
    const copy = [...nodes];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [copy[i], copy[j]] = [copy[j] as number, copy[i] as number];
    }
    return copy;
  }
}

/** Options of {@link randomFaultSchedule}. */
export interface RandomFaultScheduleOptions {
  /** Seed of the schedule (independent of the simulation's seed, or the same). */
  readonly seed: Seed;
  /** Number of nodes the simulation starts with. */
  readonly nodes: number;
  /** Length of the run (ms). */
  readonly durationMs: number;
  /** Quiet period at the end: every fault is over by `durationMs − settleMs` (default 10% of the run). */
  readonly settleMs?: number;
  /** Mean time between fault actions (ms, exponential gaps; default durationMs / 20). */
  readonly meanIntervalMs?: number;
  /** Kinds to draw from (default: crash, pause, disk-loss, clock-skew, partition, clog, link, shutdown). */
  readonly kinds?: readonly FaultType[];
  /** Largest share of nodes one action touches, in percent (default 20). */
  readonly maxPercent?: number;
}

const RANDOM_KINDS: readonly FaultType[] = [
  'crash',
  'pause',
  'disk-loss',
  'clock-skew',
  'partition',
  'clog',
  'link',
  'shutdown',
];

/**
 * A random, self-healing fault schedule: actions at exponential intervals, each repaired (restart,
 * heal, unclog, link reset) before `durationMs − settleMs`. Deterministic in `seed`.
 *
 * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for bad sizes or an unsupported kind
 * @example
 * ```ts
 * const schedule = randomFaultSchedule({ seed: 9, nodes: 50, durationMs: 60_000 });
 * const report = runScenario('custom', { seed: 9, nodes: 50, durationSeconds: 60, schedule });
 * ```
 */
export function randomFaultSchedule(options: RandomFaultScheduleOptions): FaultSchedule {
  const { nodes, durationMs } = options;
  if (!Number.isSafeInteger(nodes) || nodes < 1)
    throw optionError('nodes must be a positive integer', { nodes });
  if (!(Number.isFinite(durationMs) && durationMs > 0)) {
    throw optionError('durationMs must be positive', { durationMs });
  }
  const settleMs = options.settleMs ?? durationMs / 10;
  const meanIntervalMs = options.meanIntervalMs ?? durationMs / 20;
  const maxPercent = options.maxPercent ?? 20;
  if (
    !(settleMs >= 0 && settleMs < durationMs) ||
    !(meanIntervalMs > 0) ||
    !(maxPercent > 0 && maxPercent <= 100)
  ) {
    throw optionError('need 0 ≤ settleMs < durationMs, meanIntervalMs > 0, 0 < maxPercent ≤ 100', {
      settleMs,
      meanIntervalMs,
      maxPercent,
    });
  }
  const kinds = options.kinds ?? RANDOM_KINDS;
  for (const kind of kinds) {
    if (!RANDOM_KINDS.includes(kind))
      throw optionError(`randomFaultSchedule cannot draw "${kind}"`, { kind });
  }
  if (kinds.length === 0) throw optionError('kinds must not be empty', {});
  const random = new SeededRandom(options.seed).fork('random-fault-schedule');
  const end = durationMs - settleMs;
  const actions: ScheduledFault[] = [];
  const percent = (): number => 1 + random.int(Math.max(1, Math.floor(maxPercent)));
  let at = 0;
  for (;;) {
    at += Math.max(1, Math.round(-meanIntervalMs * Math.log(1 - random.float())));
    if (at >= end) break;
    const room = end - at;
    const span = Math.max(1, Math.round(random.float() * Math.min(room, durationMs / 5)));
    const kind = kinds[random.int(kinds.length)] as FaultType;
    switch (kind) {
      case 'crash':
        actions.push({
          at,
          type: 'crash',
          nodes: { percent: percent() },
          tornBytes: random.int(16),
          restartAfterMs: span,
        });
        break;
      case 'disk-loss':
        actions.push({ at, type: 'disk-loss', nodes: { count: 1 + random.int(2) }, restartAfterMs: span });
        break;
      case 'shutdown':
        actions.push({ at, type: 'shutdown', nodes: { percent: percent() }, restartAfterMs: span });
        break;
      case 'pause':
        actions.push({ at, type: 'pause', nodes: { percent: percent() }, durationMs: span });
        break;
      case 'clock-skew': {
        const offsetMs = random.int(2001) - 1000;
        actions.push({
          at,
          type: 'clock-skew',
          nodes: { count: 1 + random.int(3) },
          offsetMs,
          driftPpm: 100,
        });
        break;
      }
      case 'partition':
        actions.push({
          at,
          type: 'partition',
          groups: [{ percent: 10 + random.int(41) }],
          oneWay: random.int(4) === 0,
          healAfterMs: span,
        });
        break;
      case 'clog':
        actions.push({ at, type: 'clog', nodes: { count: 1 + random.int(3) }, durationMs: span });
        break;
      case 'link': {
        const slow = { latency: { kind: 'lognormal', medianMs: 80, sigma: 0.8 }, loss: 0.05 } as const;
        const range: [number, number] = [0, Math.max(1, Math.ceil(nodes / 4))];
        actions.push({ at, type: 'link', from: { range }, to: 'all', link: slow, symmetric: true });
        actions.push({
          at: at + span,
          type: 'link',
          from: { range },
          to: 'all',
          link: null,
          symmetric: true,
        });
        break;
      }
      default:
        break;
    }
  }
  actions.sort((a, b) => a.at - b.at);
  return { version: 1, description: `random faults (seed ${String(options.seed)})`, actions };
}

function optionError(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(SimErrorCode.OPTIONS_INVALID, message, { details });
}
