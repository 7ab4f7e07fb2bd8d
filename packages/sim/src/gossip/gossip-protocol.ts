/**
 * The `gossip` protocol registration: runs {@link MaxRegisterGossip} on every node, keeps its value
 * in the node's store, and brings the {@link GossipPlugin} (a write workload, two invariants and
 * the `gossip` report section).
 */
import { BrightChainError, type Store, utf8Bytes } from '@brightchain/core';
import { SimErrorCode } from '../error-codes';
import type { NodeLifecycleCause, SimulationPlugin } from '../plugin';
import type { SimProtocol } from '../protocol';
import type { Simulation } from '../simulation';
import {
  type GossipEvent,
  type GossipMessage,
  type GossipRecord,
  MaxRegisterGossip,
} from './max-register-gossip';

const VALUE_KEY = utf8Bytes('gossip/value');

/** Wire sizes: a 16-byte sender id, a 1-byte type, an 8-byte value (push only). */
const PUSH_BYTES = 25;
const CONTROL_BYTES = 17;

/** 8 bytes, big-endian (values are safe integers, so the high word has at most 21 bits). */
function encodeValue(value: number): Uint8Array {
  const high = Math.floor(value / 0x1_0000_0000);
  const low = value >>> 0;
  return Uint8Array.of(
    high >>> 24,
    (high >>> 16) & 255,
    (high >>> 8) & 255,
    high & 255,
    low >>> 24,
    (low >>> 16) & 255,
    (low >>> 8) & 255,
    low & 255,
  );
}

function decodeValue(bytes: Uint8Array): number {
  if (bytes.length !== 8) {
    throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, 'stored gossip value is not 8 bytes', {
      details: { length: bytes.length },
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
}

/** Options of {@link createGossipProtocol}. */
export interface GossipProtocolOptions {
  /** Peers per round (default 3). */
  readonly fanout?: number;
  /** Round length in ms (default 200); the host ticks at this interval. */
  readonly intervalMs?: number;
  /** Workload: one write on a random running node every this many ms (default 5000; 0: none). */
  readonly writeIntervalMs?: number;
  /** How long after the last write or fault all running nodes must agree (default 5000 ms). */
  readonly convergenceWindowMs?: number;
}

/**
 * A `gossip` protocol with the given parameters (see {@link gossipProtocol} for the defaults).
 *
 * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for a non-positive interval or fanout
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, nodes: 50, protocol: createGossipProtocol({ fanout: 2 }) });
 * ```
 */
export function createGossipProtocol(
  options: GossipProtocolOptions = {},
): SimProtocol<GossipMessage, GossipRecord, GossipEvent, MaxRegisterGossip> {
  const fanout = options.fanout ?? 3;
  const intervalMs = options.intervalMs ?? 200;
  if (!Number.isSafeInteger(fanout) || fanout < 1 || !(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, 'gossip needs fanout ≥ 1 and intervalMs > 0', {
      details: { fanout, intervalMs },
    });
  }
  return {
    name: 'gossip',
    description: `push anti-entropy of a max-register: ${fanout} random peers every ${intervalMs} ms`,
    tickIntervalMs: intervalMs,
    create(context) {
      const saved = context.store.get(VALUE_KEY);
      return new MaxRegisterGossip({
        self: context.id,
        peers: context.peers,
        random: context.random,
        fanout,
        intervalMs,
        value: saved === undefined ? 0 : decodeValue(saved),
        announce: context.cause !== 'start',
      });
    },
    persist(store: Store, records: readonly GossipRecord[]) {
      let value = 0;
      for (const record of records) if (record.value > value) value = record.value;
      store.write([{ type: 'put', key: VALUE_KEY, value: encodeValue(value) }]);
    },
    sizeOf: (message) => (message.type === 'push' ? PUSH_BYTES : CONTROL_BYTES),
    digestOf: (message) =>
      message.type === 'push' ? (message.value * 4 + 1) | 0 : message.type === 'hello' ? 2 : 3,
    leave: (machine) => machine.leave(),
    plugins: ({ durationMs, settleMs }) => [
      new GossipPlugin({
        writesUntilMs: durationMs - settleMs,
        writeIntervalMs: options.writeIntervalMs ?? 5000,
        convergenceWindowMs: options.convergenceWindowMs ?? 5000,
      }),
    ],
  };
}

/**
 * The reference protocol: push gossip of a max-register, fanout 3, a round every 200 ms, a write
 * every 5 s. Registered in {@link protocols} as `gossip`.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, nodes: 100, protocol: gossipProtocol });
 * sim.command(0, (node) => node.write());
 * sim.run(5_000);
 * sim.machine(99)?.value; // 1
 * ```
 */
export const gossipProtocol: SimProtocol<GossipMessage, GossipRecord, GossipEvent, MaxRegisterGossip> =
  createGossipProtocol();

/** Options of {@link GossipPlugin}. */
export interface GossipPluginOptions {
  /** One write on a random running node every this many ms (default 5000; 0: no writes). */
  readonly writeIntervalMs?: number;
  /** No writes at or after this time (ms; default: never stop). */
  readonly writesUntilMs?: number;
  /** Quiet time after the last write or fault after which every running node must agree (default 5000 ms). */
  readonly convergenceWindowMs?: number;
}

/** The write-to-everywhere latency: time from a write until every running node holds it (or more). */
export interface ConvergenceLatency {
  /** Writes that reached every running node. */
  readonly count: number;
  /** Writes not yet held by every running node at the end. */
  readonly pending: number;
  /** Writes whose only copies went down with their nodes before spreading. */
  readonly lost: number;
  /** Median (ms), null when none. */
  readonly p50Ms: number | null;
  /** 99th percentile (ms). */
  readonly p99Ms: number | null;
  /** Largest (ms). */
  readonly maxMs: number | null;
}

/** The `gossip` section of a report. */
export interface GossipReport {
  /** Writes issued by the workload. */
  readonly writes: number;
  /** Largest value held by a running node at the end. */
  readonly finalValue: number;
  /** Running nodes holding `finalValue` at the end. */
  readonly nodesAtFinalValue: number;
  /** Running nodes at the end. */
  readonly runningNodes: number;
  /** Whether every running node agreed at the end; `'inconclusive'` if the end was not quiet long enough. */
  readonly converged: boolean | 'inconclusive';
  /** Time from each write until every running node held it. */
  readonly convergence: ConvergenceLatency;
}

/**
 * Workload, invariants and report section of the `gossip` protocol.
 *
 * Invariants:
 * - `gossip/monotonic` (always): a node's value never goes down — not across adoptions, and not
 *   across a crash and restart (values are persisted and flushed before they are surfaced or
 *   pushed); only disk loss may reset it.
 * - `gossip/convergence` (end): once nothing has been written and no fault has happened for
 *   `convergenceWindowMs`, every running node holds the same value. Inconclusive (not violated)
 *   when the run ends before such a quiet period.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 3, nodes: 20, protocol: gossipProtocol, plugins: [new GossipPlugin()] });
 * sim.run(30_000);
 * sim.finish();
 * ```
 */
export class GossipPlugin implements SimulationPlugin<MaxRegisterGossip> {
  readonly name = 'gossip';
  private readonly writeIntervalMs: number;
  private readonly writesUntilMs: number;
  private readonly windowMs: number;
  /** Last value each node surfaced (durable by then). */
  private readonly acked: number[] = [];
  private readonly running: boolean[] = [];
  /** Writes not yet held by every running node, oldest (smallest value) first. */
  private readonly outstanding: { readonly value: number; readonly atMs: number }[] = [];
  private outstandingHead = 0;
  /** Running nodes whose value is below the oldest outstanding write. */
  private behind = 0;
  private lastWriteAtMs = Number.NEGATIVE_INFINITY;
  private writes = 0;
  private lostWrites = 0;
  private readonly latencies: number[] = [];
  private outcome: boolean | 'inconclusive' = 'inconclusive';

  /** @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for negative intervals */
  constructor(options: GossipPluginOptions = {}) {
    this.writeIntervalMs = options.writeIntervalMs ?? 5000;
    this.writesUntilMs = options.writesUntilMs ?? Number.POSITIVE_INFINITY;
    this.windowMs = options.convergenceWindowMs ?? 5000;
    if (!(this.writeIntervalMs >= 0) || !(this.windowMs >= 0) || Number.isNaN(this.writesUntilMs)) {
      throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, 'gossip plugin intervals must be ≥ 0', {
        details: { writeIntervalMs: this.writeIntervalMs, convergenceWindowMs: this.windowMs },
      });
    }
  }

  setup(sim: Simulation<MaxRegisterGossip>): void {
    sim.addInvariant({ name: 'gossip/monotonic', check: (s) => this.checkMonotonic(s) });
    sim.addInvariant({ name: 'gossip/convergence', when: 'end', check: (s) => this.checkConvergence(s) });
    if (this.writeIntervalMs > 0 && this.writeIntervalMs < this.writesUntilMs) {
      const random = sim.random('gossip-workload');
      const write = (s: Simulation<MaxRegisterGossip>): void => {
        const up = s.liveNodes();
        if (up.length > 0) s.command(up[random.int(up.length)] as number, (machine) => machine.write());
        const next = s.now + this.writeIntervalMs;
        if (next < this.writesUntilMs) s.schedule(next, write);
      };
      sim.schedule(this.writeIntervalMs, write);
    }
  }

  onNodeEvent(sim: Simulation<MaxRegisterGossip>, node: number, event: unknown): void {
    const e = event as GossipEvent;
    const before = this.acked[node] ?? 0;
    if (e.value < before) {
      sim.reportViolation('gossip/monotonic', `node ${node} went from ${before} down to ${e.value}`, {
        node,
        before,
        after: e.value,
      });
    }
    this.acked[node] = e.value;
    let retire = false;
    const head = this.outstanding[this.outstandingHead];
    if (head !== undefined && this.running[node] && before < head.value && e.value >= head.value) {
      this.behind--;
      retire = this.behind === 0;
    }
    if (e.type === 'written') {
      this.writes++;
      this.lastWriteAtMs = sim.now;
      const last = this.outstanding[this.outstanding.length - 1];
      // A write at or below a newer outstanding one is subsumed by it (max-register).
      if (last === undefined || e.value > last.value) {
        this.outstanding.push({ value: e.value, atMs: sim.now });
        if (head === undefined) retire = true;
      }
    }
    if (retire) this.recount(sim);
  }

  onNodeLifecycle(sim: Simulation<MaxRegisterGossip>, node: number, cause: NodeLifecycleCause): void {
    if (cause === 'disk-loss') this.acked[node] = 0;
    const head = this.outstanding[this.outstandingHead];
    if (cause === 'start' || cause === 'join' || cause === 'restart') {
      const value = sim.machine(node)?.value ?? 0;
      const acked = this.acked[node] ?? 0;
      if (value < acked) {
        sim.reportViolation(
          'gossip/monotonic',
          `node ${node} restarted with ${value} after acknowledging ${acked}`,
          {
            node,
            acked,
            restored: value,
          },
        );
      }
      this.acked[node] = value;
      if (!this.running[node]) {
        this.running[node] = true;
        if (head !== undefined && value < head.value) this.behind++;
      }
    } else if ((cause === 'crash' || cause === 'disk-loss' || cause === 'shutdown') && this.running[node]) {
      this.running[node] = false;
      if (head !== undefined) {
        if ((this.acked[node] ?? 0) < head.value) this.behind--;
        // Either everyone left is up to date now, or the node took the only copy with it.
        this.recount(sim);
      }
    }
  }

  report(sim: Simulation<MaxRegisterGossip>): GossipReport {
    const values = sim.liveNodes().map((node) => sim.machine(node)?.value ?? 0);
    const finalValue = values.reduce((max, v) => Math.max(v, max), 0);
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number): number | null =>
      sorted.length === 0
        ? null
        : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
    return {
      writes: this.writes,
      finalValue,
      nodesAtFinalValue: values.filter((v) => v === finalValue).length,
      runningNodes: values.length,
      converged: this.outcome,
      convergence: {
        count: sorted.length,
        pending: this.outstanding.length - this.outstandingHead,
        lost: this.lostWrites,
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        maxMs: at(1),
      },
    };
  }

  /**
   * Retires outstanding writes that every running node now holds (recording their latency) or that
   * no running node holds (the only copies are on stopped nodes: counted lost), and recounts
   * `behind` for the next one. O(nodes) per retired write.
   */
  private recount(sim: Simulation<MaxRegisterGossip>): void {
    for (;;) {
      const head = this.outstanding[this.outstandingHead];
      if (head === undefined) {
        this.behind = 0;
        return;
      }
      let behind = 0;
      let holders = 0;
      for (let node = 0; node < this.running.length; node++) {
        if (!this.running[node]) continue;
        if ((this.acked[node] ?? 0) < head.value) behind++;
        else holders++;
      }
      this.behind = behind;
      if (behind > 0 && holders > 0) return;
      if (behind === 0) this.latencies.push(sim.now - head.atMs);
      else this.lostWrites++;
      this.outstandingHead++;
      if (this.outstandingHead > 1024 && this.outstandingHead * 2 > this.outstanding.length) {
        this.outstanding.splice(0, this.outstandingHead);
        this.outstandingHead = 0;
      }
    }
  }

  private checkMonotonic(sim: Simulation<MaxRegisterGossip>): string | undefined {
    for (const node of sim.liveNodes()) {
      const value = sim.machine(node)?.value ?? 0;
      const acked = this.acked[node] ?? 0;
      if (value < acked) return `node ${node} holds ${value} after acknowledging ${acked}`;
    }
    return undefined;
  }

  private checkConvergence(sim: Simulation<MaxRegisterGossip>): string | undefined {
    const quietSince = Math.max(this.lastWriteAtMs, sim.lastDisruptionMs);
    if (sim.now - quietSince < this.windowMs) {
      this.outcome = 'inconclusive';
      return undefined;
    }
    const up = sim.liveNodes();
    const values = up.map((node) => sim.machine(node)?.value ?? 0);
    const max = values.reduce((m, v) => Math.max(v, m), 0);
    const behind = up.filter((_, i) => values[i] !== max);
    this.outcome = behind.length === 0;
    if (behind.length === 0) return undefined;
    return `${behind.length} of ${up.length} running nodes do not hold ${max} ${this.windowMs} ms after the last write or fault (e.g. node ${behind[0]})`;
  }
}
