/**
 * The discrete-event simulation: a virtual clock, one priority queue of events, a node host per
 * node running any sans-I/O core on a durable {@link MemoryStore}, the {@link NetworkModel}, the
 * nemesis applying a {@link FaultSchedule}, invariant checks, plugins and the trace hash.
 *
 * Nothing in here reads the wall clock, `Math.random`, a timer or the disk: every random draw
 * comes from a {@link SeededRandom} forked from the seed, so a seed replays a run exactly.
 *
 * Time is kept internally in integer microseconds; the public API speaks milliseconds.
 */
import {
  BrightChainError,
  type GuidV4,
  MemoryDisk,
  MemoryStore,
  type Seed,
  SeededRandom,
  type Store,
  type StoreLimits,
  newGuidV4,
} from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import { EventKind } from './event-kind';
import { BinaryHeapEventQueue, type EventQueue, SortedArrayEventQueue } from './event-queue';
import {
  type FaultAction,
  type FaultSchedule,
  type RegionSpec,
  type ScheduledFault,
  parseFaultSchedule,
  validateFaultAction,
} from './fault-schedule';
import type { Invariant, InvariantViolation } from './invariant';
import type { LinkConfig } from './link';
import { Nemesis, type NemesisStats } from './nemesis';
import { NetworkModel, type NetworkStats } from './network-model';
import type { NodeLifecycleCause, SimulationPlugin } from './plugin';
import type { AnyStateMachine, SimProtocol } from './protocol';
import { TraceHash } from './trace-hash';

// Globals used on the hot path are read once here: inside a \`vm\` context (jest) every global
// lookup goes through an interceptor and costs ~100× a local one.
const { floor, imul, round } = Math;

/** The lifecycle state of a simulated node. */
export type NodeState = 'up' | 'paused' | 'crashed' | 'stopped';

const UP = 0;
const PAUSED = 1;
const CRASHED = 2;
const STOPPED = 3;
const STATE_NAMES: readonly NodeState[] = ['up', 'paused', 'crashed', 'stopped'];

const CAUSE_CODES: Readonly<Record<NodeLifecycleCause, number>> = {
  start: 1,
  join: 2,
  crash: 3,
  'disk-loss': 4,
  restart: 5,
  pause: 6,
  resume: 7,
  shutdown: 8,
};

/** Trace-hash tags: the first word of each kind of traced record. */
const TRACE_DELIVER = 0x44;
const TRACE_LIFECYCLE = 0x4c;
const TRACE_NETWORK = 0x4e;
const TRACE_EVENT = 0x45;
const TRACE_CLOCK_STEP = 0x5c;

/** Options of a {@link Simulation}. */
export interface SimulationOptions<Machine extends AnyStateMachine = AnyStateMachine> {
  /** The seed: the same seed and options give the same run, event for event. */
  readonly seed: Seed;
  /** Number of nodes started at time 0 (1 … 1,000,000). */
  readonly nodes: number;
  /** The protocol every node runs. */
  readonly protocol: SimProtocol<unknown, unknown, unknown, Machine>;
  /** Default link (else the schedule's `link`, else {@link DEFAULT_LINK}). */
  readonly link?: LinkConfig;
  /** Region layout (else the schedule's `regions`, else one region `default`). */
  readonly regions?: readonly RegionSpec[];
  /** Timed faults applied by the nemesis. */
  readonly schedule?: FaultSchedule;
  /** Plugins: workload, extra invariants, report sections. */
  readonly plugins?: readonly SimulationPlugin<Machine>[];
  /** Invariants besides the plugins'. */
  readonly invariants?: readonly Invariant<Machine>[];
  /** How often `'always'` invariants are checked, in simulated ms (default 1000; 0: only at the end). */
  readonly checkIntervalMs?: number;
  /** Stop `run()` at the first violation (default false). */
  readonly stopOnViolation?: boolean;
  /** Messages a paused node buffers before dropping arrivals (default 100,000). */
  readonly pauseBufferLimit?: number;
  /** Limits of every node's store (default: `MemoryStore.defaultLimits`). */
  readonly storeLimits?: Partial<StoreLimits>;
  /**
   * The event queue: `'heap'` (default) or the naive `'sorted-array'` reference (same order, O(n)
   * inserts; for tests and the benchmark baseline).
   */
  readonly eventQueue?: 'heap' | 'sorted-array';
}

/** A read-only snapshot of one node. */
export interface SimNode<Machine extends AnyStateMachine = AnyStateMachine> {
  /** Index (0-based). */
  readonly index: number;
  /** Node id. */
  readonly id: GuidV4;
  /** Lifecycle state. */
  readonly state: NodeState;
  /** Region name. */
  readonly region: string;
  /** The running core (`undefined` while crashed or stopped). */
  readonly machine: Machine | undefined;
  /** The open store (`undefined` while crashed or stopped). */
  readonly store: MemoryStore | undefined;
  /** The node's disk (outlives crashes; wiped on disk loss). */
  readonly disk: MemoryDisk;
  /** Starts so far (1 after the first start; +1 per restart). */
  readonly incarnation: number;
  /** The node's local clock (ms), including skew. */
  readonly localTimeMs: number;
  /** Messages this node handed to the network. */
  readonly sent: number;
  /** Bytes this node handed to the network. */
  readonly bytesSent: number;
}

/** Counters of a run. */
export interface SimulationStats {
  /** Events processed. */
  readonly events: number;
  /** Network counters. */
  readonly network: NetworkStats;
  /** Messages addressed to an id that is no node of this simulation. */
  readonly unknownDestinations: number;
  /** Nemesis counters. */
  readonly faults: NemesisStats;
  /** Sum over time of running nodes × seconds (the denominator of per-node rates). */
  readonly liveNodeSeconds: number;
}

interface BufferedMessage {
  readonly from: number;
  readonly message: unknown;
}

interface MutableViolation {
  invariant: string;
  message: string;
  seed: Seed;
  timeMs: number;
  event: number;
  traceHash: string;
  occurrences: number;
  details?: Readonly<Record<string, unknown>>;
}

function invalidOption(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(SimErrorCode.OPTIONS_INVALID, message, { details });
}

/**
 * A deterministic simulation of `nodes` nodes running `protocol`. Constructing it starts every node
 * at time 0; `run(untilMs)` advances virtual time.
 *
 * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for bad options, `BC_SIM_LINK_INVALID` for a bad link
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 42, nodes: 100, protocol: gossipProtocol });
 * sim.network.setDefaultLink({ latency: { kind: 'normal', meanMs: 40, stdDevMs: 8 }, loss: 0.01 });
 * sim.run(10_000);
 * sim.crash(3);
 * sim.run(20_000);
 * console.log(sim.traceHash, sim.finish()); // same hash for seed 42, every time
 * ```
 */
export class Simulation<Machine extends AnyStateMachine = AnyStateMachine> {
  /** The seed of this run. */
  readonly seed: Seed;
  /** The protocol every node runs. */
  readonly protocol: SimProtocol<unknown, unknown, unknown, Machine>;
  /** The network model (links, partitions, clogging, counters). */
  readonly network: NetworkModel;
  /** Number of nodes started at time 0. */
  readonly initialNodes: number;

  private readonly queue: EventQueue;
  private readonly root: SeededRandom;
  private readonly idRandom: SeededRandom;
  private readonly phaseRandom: SeededRandom;
  private readonly nemesis: Nemesis<Machine>;
  private readonly trace = new TraceHash();
  private readonly tickUs: number;
  private readonly checkUs: number;
  private readonly stopOnViolation: boolean;
  private readonly pauseBufferLimit: number;
  private readonly storeLimits: Partial<StoreLimits>;
  private readonly plugins: readonly SimulationPlugin<Machine>[];
  private readonly invariantList: Invariant<Machine>[] = [];
  private readonly violationList: MutableViolation[] = [];
  private readonly regionShares: number[];

  // Per-node state, indexed by node (plain arrays: packed and fast in V8, and they grow on join).
  private readonly stateOf: number[] = [];
  private readonly machines: (Machine | undefined)[] = [];
  private readonly stores: (MemoryStore | undefined)[] = [];
  private readonly disks: MemoryDisk[] = [];
  private readonly ids: GuidV4[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly incarnations: number[] = [];
  /** Bumped on every start and take-down; tick events carry it so stale ticks are ignored. */
  private readonly generations: number[] = [];
  private readonly pauseTokens: number[] = [];
  private readonly pausedUntilUs: number[] = [];
  private readonly inboxes: (BufferedMessage[] | undefined)[] = [];
  private readonly clockOffsetUs: number[] = [];
  private readonly clockRate: number[] = [];
  private readonly lastLocalUs: number[] = [];
  private readonly regionCounts: number[];

  private nowUs = 0;
  private eventCount = 0;
  private unknownDestinations = 0;
  private liveCount = 0;
  private liveNodeUs = 0;
  private liveSinceUs = 0;
  private lastDisruptionUs = 0;
  private halted = false;
  private finished = false;

  constructor(options: SimulationOptions<Machine>) {
    const nodes = options.nodes;
    if (!Number.isSafeInteger(nodes) || nodes < 1 || nodes > 1_000_000) {
      throw invalidOption('nodes must be an integer in 1..1,000,000', { nodes });
    }
    const protocol = options.protocol;
    if (typeof protocol !== 'object' || protocol === null || typeof protocol.create !== 'function') {
      throw invalidOption('protocol must be a SimProtocol', {});
    }
    if (!(Number.isFinite(protocol.tickIntervalMs) && protocol.tickIntervalMs > 0)) {
      throw invalidOption('protocol.tickIntervalMs must be a positive number', {
        tickIntervalMs: protocol.tickIntervalMs,
      });
    }
    const checkIntervalMs = options.checkIntervalMs ?? 1000;
    if (!(Number.isFinite(checkIntervalMs) && checkIntervalMs >= 0)) {
      throw invalidOption('checkIntervalMs must be a non-negative number', { checkIntervalMs });
    }
    const pauseBufferLimit = options.pauseBufferLimit ?? 100_000;
    if (!Number.isSafeInteger(pauseBufferLimit) || pauseBufferLimit < 0) {
      throw invalidOption('pauseBufferLimit must be a non-negative integer', { pauseBufferLimit });
    }
    const queueKind = options.eventQueue ?? 'heap';
    if (queueKind !== 'heap' && queueKind !== 'sorted-array') {
      throw invalidOption('eventQueue must be "heap" or "sorted-array"', { eventQueue: String(queueKind) });
    }
    const regions = options.regions ?? options.schedule?.regions ?? [{ name: 'default', share: 1 }];
    checkRegions(regions);
    const regionNames = regions.map((r) => r.name);
    const schedule =
      options.schedule === undefined
        ? undefined
        : parseFaultSchedule(options.schedule, { regions: regionNames });
    const sections = new Set<string>();
    for (const plugin of options.plugins ?? []) {
      if (typeof plugin.name !== 'string' || plugin.name.length === 0 || RESERVED_SECTIONS.has(plugin.name)) {
        throw invalidOption('a plugin needs a name that is not a built-in report key', {
          name: String(plugin.name),
        });
      }
      if (sections.has(plugin.name)) {
        throw new BrightChainError(SimErrorCode.NAME_TAKEN, `two plugins are called "${plugin.name}"`, {
          details: { name: plugin.name },
        });
      }
      sections.add(plugin.name);
    }

    this.seed = options.seed;
    this.initialNodes = nodes;
    this.root = new SeededRandom(options.seed);
    this.idRandom = this.root.fork('node-ids');
    this.phaseRandom = this.root.fork('tick-phase');
    this.protocol = protocol;
    this.queue = queueKind === 'heap' ? new BinaryHeapEventQueue() : new SortedArrayEventQueue();
    this.tickUs = Math.max(1, Math.round(protocol.tickIntervalMs * 1000));
    this.checkUs = Math.round(checkIntervalMs * 1000);
    this.stopOnViolation = options.stopOnViolation ?? false;
    this.pauseBufferLimit = pauseBufferLimit;
    this.storeLimits = options.storeLimits ?? {};
    this.plugins = [...(options.plugins ?? [])];

    const total = regions.reduce((sum, r) => sum + r.share, 0);
    this.regionShares = regions.map((r) => r.share / total);
    this.regionCounts = regions.map(() => 0);
    const regionOfNode: number[] = [];
    let cumulative = 0;
    for (let r = 0; r < regions.length; r++) {
      cumulative += this.regionShares[r] as number;
      const end = r === regions.length - 1 ? nodes : Math.round(cumulative * nodes);
      while (regionOfNode.length < end) regionOfNode.push(r);
    }
    for (const r of regionOfNode) this.regionCounts[r] = (this.regionCounts[r] as number) + 1;
    this.network = new NetworkModel(
      this.queue,
      this.root.fork('network'),
      regions.map((r) => r.name),
      regionOfNode,
      (code) => this.noteDisruption(code),
      () => this.nowUs,
    );
    const link = options.link ?? options.schedule?.link;
    if (link !== undefined) this.network.setDefaultLink(link);
    this.nemesis = new Nemesis(this, this.root.fork('nemesis'));

    for (let i = 0; i < nodes; i++) this.addNodeSlot();
    for (const invariant of options.invariants ?? []) this.addInvariant(invariant);
    for (const plugin of this.plugins) plugin.setup?.(this);
    for (let i = 0; i < nodes; i++) this.startNode(i, 'start');
    if (this.checkUs > 0) this.queue.push(this.checkUs, EventKind.CHECK, 0, 0, undefined);
    if (schedule !== undefined) this.nemesis.schedule(schedule.actions);
  }

  // ---------------------------------------------------------------------------------------------
  // Time and the event loop

  /** Current simulated time (ms). */
  get now(): number {
    return this.nowUs / 1000;
  }

  /** Events processed so far. */
  get events(): number {
    return this.eventCount;
  }

  /** Events waiting in the queue. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** True once `run()` stopped early on a violation (`stopOnViolation`). */
  get stopped(): boolean {
    return this.halted;
  }

  /** The trace hash so far (16 hex characters). For determinism checks, not security. */
  get traceHash(): string {
    return this.trace.hex();
  }

  /**
   * Processes every event up to and including `untilMs`, then sets the clock to `untilMs`. Stops
   * early (leaving the clock at the violation's time) when `stopOnViolation` is set and an
   * invariant breaks.
   *
   * @throws BrightChainError `BC_SIM_TIME_INVALID` if `untilMs` is earlier than now or not finite
   */
  run(untilMs: number): void {
    if (!Number.isFinite(untilMs) || untilMs * 1000 < this.nowUs) {
      throw new BrightChainError(
        SimErrorCode.TIME_INVALID,
        'run(untilMs) needs a finite time not before now',
        {
          details: { untilMs, nowMs: this.now },
        },
      );
    }
    const untilUs = Math.round(untilMs * 1000);
    const queue = this.queue;
    while (!this.halted && queue.peekTime() <= untilUs) {
      queue.pop();
      this.nowUs = queue.time;
      this.eventCount++;
      this.dispatch(queue);
    }
    if (!this.halted) this.nowUs = untilUs;
  }

  /** Processes the next event, if any; returns false when the queue is empty or the run stopped. */
  step(): boolean {
    if (this.halted || this.queue.size === 0) return false;
    this.queue.pop();
    this.nowUs = this.queue.time;
    this.eventCount++;
    this.dispatch(this.queue);
    return true;
  }

  /**
   * Calls `callback(sim)` at simulated time `atMs` (after the events already queued for that time).
   *
   * @throws BrightChainError `BC_SIM_TIME_INVALID` for a time in the past or not finite
   */
  schedule(atMs: number, callback: (sim: Simulation<Machine>) => void): void {
    if (!Number.isFinite(atMs) || Math.round(atMs * 1000) < this.nowUs) {
      throw new BrightChainError(SimErrorCode.TIME_INVALID, 'cannot schedule in the past', {
        details: { atMs, nowMs: this.now },
      });
    }
    if (typeof callback !== 'function') throw invalidOption('schedule needs a callback', {});
    this.queue.push(Math.round(atMs * 1000), EventKind.CALLBACK, 0, 0, callback);
  }

  /**
   * A deterministic random stream for `label` (plugins, workloads). The same label gives the same
   * stream: call once and keep it.
   */
  random(label: string): SeededRandom {
    return this.root.fork(`plugin/${label}`);
  }

  private dispatch(queue: EventQueue): void {
    switch (queue.kind) {
      case EventKind.DELIVER:
        this.deliver(queue.a, queue.b, queue.payload);
        break;
      case EventKind.TICK: {
        const node = queue.a;
        if (queue.b !== this.generations[node]) break;
        queue.push(this.nowUs + this.tickUs, EventKind.TICK, node, queue.b, undefined);
        if (this.stateOf[node] !== UP) break;
        (this.machines[node] as Machine).tick(this.localTimeMs(node));
        this.drain(node);
        break;
      }
      case EventKind.RESUME:
        if (queue.b === this.pauseTokens[queue.a] && this.stateOf[queue.a] === PAUSED) this.resume(queue.a);
        break;
      case EventKind.CALLBACK:
        (queue.payload as (sim: Simulation<Machine>) => void)(this);
        break;
      case EventKind.CHECK:
        this.checkInvariants(false);
        if (this.checkUs > 0) queue.push(this.nowUs + this.checkUs, EventKind.CHECK, 0, 0, undefined);
        break;
    }
  }

  private deliver(from: number, to: number, message: unknown): void {
    const network = this.network;
    const state = this.stateOf[to];
    if (state === CRASHED || state === STOPPED) {
      network.droppedNodeDown++;
      return;
    }
    if (network.partitioned && network.isBlocked(from, to)) {
      network.droppedPartition++;
      return;
    }
    if (network.holdIfClogged(from, to, message)) return;
    if (state === PAUSED) {
      const inbox = this.inboxes[to] as BufferedMessage[];
      if (inbox.length < this.pauseBufferLimit) inbox.push({ from, message });
      else network.droppedOverflow++;
      return;
    }
    this.handOver(from, to, message);
  }

  /** Gives a message to a running node's core and acts on the result. */
  private handOver(from: number, to: number, message: unknown): void {
    const protocol = this.protocol;
    const size = protocol.sizeOf(message);
    const network = this.network;
    network.delivered++;
    network.bytesDelivered += size;
    // Four words per delivery: time (low bits), time (high bits) with the record tag, both
    // endpoints, size with the protocol's digest.
    const trace = this.trace;
    const nowUs = this.nowUs;
    trace.add(nowUs >>> 0);
    trace.add((floor(nowUs / 0x1_0000_0000) << 8) | TRACE_DELIVER);
    trace.add((from << 16) ^ to);
    trace.add(protocol.digestOf === undefined ? size : imul(size, 0x9e3779b1) ^ protocol.digestOf(message));
    (this.machines[to] as Machine).step(this.ids[from] as GuidV4, message);
    this.drain(to);
  }

  /** Acts on every Ready of `node`: persist + flush, send, surface events, advance. */
  private drain(node: number): void {
    const machine = this.machines[node] as Machine;
    const generation = this.generations[node];
    const protocol = this.protocol;
    const network = this.network;
    while (machine.hasReady()) {
      const ready = machine.ready();
      const persist = ready.persist;
      if (persist.length !== 0) {
        const store = this.stores[node] as Store;
        protocol.persist(store, persist);
        store.flush();
      }
      const messages = ready.messages;
      for (let k = 0; k < messages.length; k++) {
        const outgoing = messages[k] as { readonly to: GuidV4; readonly message: unknown };
        const to = this.indexById.get(outgoing.to);
        if (to === undefined) {
          this.unknownDestinations++;
          continue;
        }
        network.send(node, to, outgoing.message, protocol.sizeOf(outgoing.message), this.nowUs);
      }
      const events = ready.events;
      if (events.length !== 0) this.surface(node, events);
      machine.advance();
      // A plugin reacting to an event may have crashed or stopped this node.
      if (this.generations[node] !== generation) return;
    }
  }

  private surface(node: number, events: readonly unknown[]): void {
    for (const event of events) {
      this.trace.add(TRACE_EVENT);
      this.trace.add(node);
      for (const plugin of this.plugins) plugin.onNodeEvent?.(this, node, event);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes

  /** Number of nodes ever created (initial plus joined), whatever their state. */
  get nodeCount(): number {
    return this.ids.length;
  }

  /** The id of node `index`. @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  nodeId(index: number): GuidV4 {
    this.checkNode(index);
    return this.ids[index] as GuidV4;
  }

  /** The index of node `id`. @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  nodeIndex(id: GuidV4 | string): number {
    const index = this.indexById.get(id);
    if (index === undefined) {
      throw new BrightChainError(SimErrorCode.NODE_UNKNOWN, 'no node with this id', { details: { id } });
    }
    return index;
  }

  /** A snapshot of node `index` (by index or id). @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  node(node: number | GuidV4): SimNode<Machine> {
    const index = typeof node === 'number' ? node : this.nodeIndex(node);
    this.checkNode(index);
    return {
      index,
      id: this.ids[index] as GuidV4,
      state: STATE_NAMES[this.stateOf[index] as number] as NodeState,
      region: this.network.regionOf(index),
      machine: this.machines[index],
      store: this.stores[index],
      disk: this.disks[index] as MemoryDisk,
      incarnation: this.incarnations[index] as number,
      localTimeMs: this.localTimeMs(index, false),
      sent: this.network.sentPerNode[index] as number,
      bytesSent: this.network.bytesPerNode[index] as number,
    };
  }

  /** The state of node `index`. @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  stateOfNode(index: number): NodeState {
    this.checkNode(index);
    return STATE_NAMES[this.stateOf[index] as number] as NodeState;
  }

  /** Indices of the nodes in `state` (default `'up'`), ascending. */
  liveNodes(state: NodeState = 'up'): number[] {
    const code = STATE_NAMES.indexOf(state);
    const out: number[] = [];
    for (let i = 0; i < this.stateOf.length; i++) if (this.stateOf[i] === code) out.push(i);
    return out;
  }

  /** The running core of node `index`, or `undefined` when it is crashed or stopped. */
  machine(index: number): Machine | undefined {
    this.checkNode(index);
    return this.machines[index];
  }

  /**
   * Runs a user command on a running node's core (e.g. `m => m.write(value)`) and acts on the Ready
   * it produces. Returns what `command` returned.
   *
   * @throws BrightChainError `BC_SIM_NODE_STATE` if the node is not up, `BC_SIM_NODE_UNKNOWN`
   */
  command<T>(index: number, command: (machine: Machine) => T): T {
    this.requireState(index, [UP], 'command');
    const result = command(this.machines[index] as Machine);
    this.drain(index);
    return result;
  }

  /**
   * Process death of a running or paused node: its core is gone, unflushed writes are lost
   * (`tornBytes` leaves a torn last log record), in-flight messages to it are dropped on arrival.
   *
   * @throws BrightChainError `BC_SIM_NODE_STATE` unless the node is up or paused, `BC_SIM_NODE_UNKNOWN`
   */
  crash(index: number, options: { readonly tornBytes?: number } = {}): void {
    this.requireState(index, [UP, PAUSED], 'crash');
    const tornBytes = options.tornBytes ?? 0;
    if (!Number.isSafeInteger(tornBytes) || tornBytes < 0) {
      throw invalidOption('tornBytes must be a non-negative integer', { tornBytes });
    }
    (this.disks[index] as MemoryDisk).crash({ tornBytes });
    this.takeDown(index, CRASHED, 'crash');
  }

  /**
   * Disk loss: the node's disk is wiped; a running node dies with it. A later restart starts from
   * an empty store.
   *
   * @throws BrightChainError `BC_SIM_NODE_UNKNOWN`
   */
  loseDisk(index: number): void {
    this.checkNode(index);
    (this.disks[index] as MemoryDisk).wipe();
    const state = this.stateOf[index];
    if (state === UP || state === PAUSED) this.takeDown(index, CRASHED, 'disk-loss');
    else this.lifecycle(index, 'disk-loss');
  }

  /**
   * Graceful shutdown of a running node: the protocol's `leave` hook runs (goodbye messages are
   * sent), the store is flushed and closed, and the node stops.
   *
   * @throws BrightChainError `BC_SIM_NODE_STATE` unless the node is up, `BC_SIM_NODE_UNKNOWN`
   */
  shutdown(index: number): void {
    this.requireState(index, [UP], 'shutdown');
    const machine = this.machines[index] as Machine;
    if (this.protocol.leave !== undefined) {
      this.protocol.leave(machine);
      this.drain(index);
    }
    if (this.stateOf[index] !== UP) return; // a plugin took it down meanwhile
    (this.stores[index] as MemoryStore).close();
    this.takeDown(index, STOPPED, 'shutdown');
  }

  /**
   * Starts a crashed or stopped node again: a new store is opened on its disk (recovering what was
   * flushed) and the protocol builds a new core from it.
   *
   * @throws BrightChainError `BC_SIM_NODE_STATE` unless the node is crashed or stopped, `BC_SIM_NODE_UNKNOWN`
   */
  restart(index: number): void {
    this.requireState(index, [CRASHED, STOPPED], 'restart');
    this.startNode(index, 'restart');
  }

  /**
   * CPU stall: the node processes nothing (no ticks, no deliveries) for `durationMs`; messages that
   * arrive meanwhile are buffered and handled, in arrival order, when it resumes, followed by a
   * tick. Pausing a paused node extends the pause to the later end.
   *
   * @throws BrightChainError `BC_SIM_NODE_STATE` unless up or paused, `BC_SIM_OPTIONS_INVALID` for a bad duration
   */
  pause(index: number, durationMs: number): void {
    this.requireState(index, [UP, PAUSED], 'pause');
    if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
      throw invalidOption('pause duration must be a non-negative number of ms', { durationMs });
    }
    const untilUs = Math.max(this.pausedUntilUs[index] as number, this.nowUs + Math.round(durationMs * 1000));
    this.pausedUntilUs[index] = untilUs;
    const token = (this.pauseTokens[index] as number) + 1;
    this.pauseTokens[index] = token;
    this.queue.push(untilUs, EventKind.RESUME, index, token, undefined);
    if (this.stateOf[index] === UP) {
      this.stateOf[index] = PAUSED;
      this.inboxes[index] = [];
      this.lifecycle(index, 'pause');
    }
  }

  /**
   * Sets node `index`'s clock: local time = simulated time × (1 + driftPpm / 10⁶) + offsetMs. The
   * node's clock never goes backwards: after a negative step it stands still until it catches up.
   *
   * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for non-finite values, `BC_SIM_NODE_UNKNOWN`
   */
  setClockSkew(index: number, offsetMs: number, driftPpm = 0): void {
    this.checkNode(index);
    if (!Number.isFinite(offsetMs) || !Number.isFinite(driftPpm) || Math.abs(driftPpm) >= 1_000_000) {
      throw invalidOption('clock skew needs a finite offset and |drift| < 10^6 ppm', { offsetMs, driftPpm });
    }
    this.clockOffsetUs[index] = Math.round(offsetMs * 1000);
    this.clockRate[index] = 1 + driftPpm / 1_000_000;
    this.noteDisruption(TRACE_CLOCK_STEP);
  }

  /**
   * Adds a node (a fresh disk, a new id) and starts it. `region` defaults to the region furthest
   * below its share. Returns its index.
   *
   * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for an unknown region
   */
  join(region?: string): number {
    let r: number;
    if (region === undefined) {
      const total = this.ids.length + 1;
      r = 0;
      let best = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < this.regionShares.length; i++) {
        const deficit = (this.regionShares[i] as number) * total - (this.regionCounts[i] as number);
        if (deficit > best) {
          best = deficit;
          r = i;
        }
      }
    } else {
      r = this.network.regions.indexOf(region);
      if (r === -1)
        throw invalidOption(`unknown region "${region}"`, { region, regions: this.network.regions });
    }
    this.regionCounts[r] = (this.regionCounts[r] as number) + 1;
    this.network.addNode(r);
    const index = this.addNodeSlot();
    this.startNode(index, 'join');
    return index;
  }

  /**
   * Applies one fault action now, as the nemesis would (its `at` is ignored). The action is
   * validated first; a rejected action changes nothing.
   *
   * @throws BrightChainError `BC_SIM_SCHEDULE_INVALID` for a malformed action or unknown region
   */
  apply(action: FaultAction | ScheduledFault): void {
    validateFaultAction(action, this.network.regions);
    this.nemesis.apply(action);
  }

  /** Simulated time (ms) of the last fault or lifecycle change (0 if none): for "quiet period" checks. */
  get lastDisruptionMs(): number {
    return this.lastDisruptionUs / 1000;
  }

  private addNodeSlot(): number {
    const index = this.ids.length;
    let id = internalize(newGuidV4(this.idRandom));
    while (this.indexById.has(id)) id = internalize(newGuidV4(this.idRandom));
    this.ids.push(id);
    this.indexById.set(id, index);
    this.stateOf.push(STOPPED);
    this.machines.push(undefined);
    this.stores.push(undefined);
    this.disks.push(new MemoryDisk());
    this.incarnations.push(0);
    this.generations.push(0);
    this.pauseTokens.push(0);
    this.pausedUntilUs.push(0);
    this.inboxes.push(undefined);
    this.clockOffsetUs.push(0);
    this.clockRate.push(1);
    this.lastLocalUs.push(0);
    return index;
  }

  private startNode(index: number, cause: 'start' | 'join' | 'restart'): void {
    const incarnation = (this.incarnations[index] as number) + 1;
    const store = new MemoryStore({ disk: this.disks[index] as MemoryDisk, limits: this.storeLimits });
    const peers: GuidV4[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      // At time 0 every initial node is a peer, including those started after this one.
      const running =
        this.stateOf[i] === UP || this.stateOf[i] === PAUSED || (cause === 'start' && i < this.initialNodes);
      if (i !== index && running) peers.push(this.ids[i] as GuidV4);
    }
    const machine = this.protocol.create({
      index,
      id: this.ids[index] as GuidV4,
      peers,
      random: this.root.fork(`node/${index}/${incarnation}`),
      store,
      restarted: incarnation > 1,
      cause,
      now: this.localTimeMs(index, false),
    });
    const generation = (this.generations[index] as number) + 1;
    this.incarnations[index] = incarnation;
    this.generations[index] = generation;
    this.stores[index] = store;
    this.machines[index] = machine;
    this.setState(index, UP);
    const phase = this.phaseRandom.int(this.tickUs);
    this.queue.push(this.nowUs + phase, EventKind.TICK, index, generation, undefined);
    this.lifecycle(index, cause);
    if (this.generations[index] === generation && this.stateOf[index] === UP) this.drain(index);
  }

  private takeDown(index: number, state: typeof CRASHED | typeof STOPPED, cause: NodeLifecycleCause): void {
    this.setState(index, state);
    this.machines[index] = undefined;
    this.stores[index] = undefined;
    this.inboxes[index] = undefined;
    this.generations[index] = (this.generations[index] as number) + 1; // stale ticks no longer match
    this.pauseTokens[index] = (this.pauseTokens[index] as number) + 1;
    this.pausedUntilUs[index] = 0;
    this.network.dropParked(index);
    this.lifecycle(index, cause);
  }

  private resume(index: number): void {
    const inbox = this.inboxes[index] as BufferedMessage[];
    this.inboxes[index] = undefined;
    this.pausedUntilUs[index] = 0;
    this.setState(index, UP);
    this.lifecycle(index, 'resume');
    const generation = this.generations[index];
    for (const { from, message } of inbox) {
      if (this.generations[index] !== generation || this.stateOf[index] !== UP) return;
      this.handOver(from, index, message);
    }
    if (this.stateOf[index] !== UP) return;
    (this.machines[index] as Machine).tick(this.localTimeMs(index));
    this.drain(index);
  }

  private setState(index: number, state: number): void {
    const before = this.stateOf[index];
    const wasLive = before === UP || before === PAUSED;
    const isLive = state === UP || state === PAUSED;
    if (wasLive !== isLive) {
      this.liveNodeUs += this.liveCount * (this.nowUs - this.liveSinceUs);
      this.liveSinceUs = this.nowUs;
      this.liveCount += isLive ? 1 : -1;
    }
    this.stateOf[index] = state;
  }

  private lifecycle(index: number, cause: NodeLifecycleCause): void {
    const trace = this.trace;
    trace.add(TRACE_LIFECYCLE);
    trace.add(CAUSE_CODES[cause]);
    trace.add(index);
    trace.addNumber(this.nowUs);
    if (cause !== 'start') this.lastDisruptionUs = this.nowUs;
    for (const plugin of this.plugins) plugin.onNodeLifecycle?.(this, index, cause);
  }

  /** Traces a network or clock change and marks it as the latest disruption. */
  private noteDisruption(code: number): void {
    this.trace.add(TRACE_NETWORK);
    this.trace.add(code);
    this.trace.addNumber(this.nowUs);
    this.lastDisruptionUs = this.nowUs;
  }

  /** @internal Plugins are told about an applied fault action. */
  notifyFault(action: FaultAction): void {
    for (const plugin of this.plugins) plugin.onFault?.(this, action);
  }

  private localTimeMs(index: number, advance = true): number {
    const computed = this.nowUs * (this.clockRate[index] as number) + (this.clockOffsetUs[index] as number);
    const last = this.lastLocalUs[index] as number;
    const local = Math.max(computed, last);
    if (advance) this.lastLocalUs[index] = local;
    return round(local) / 1000;
  }

  private checkNode(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.ids.length) {
      throw new BrightChainError(SimErrorCode.NODE_UNKNOWN, `no node with index ${index}`, {
        details: { index, nodes: this.ids.length },
      });
    }
  }

  private requireState(index: number, allowed: readonly number[], operation: string): void {
    this.checkNode(index);
    const state = this.stateOf[index] as number;
    if (!allowed.includes(state)) {
      throw new BrightChainError(
        SimErrorCode.NODE_STATE,
        `cannot ${operation} node ${index}: it is ${STATE_NAMES[state]}`,
        { details: { index, state: STATE_NAMES[state], operation } },
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Invariants

  /** Adds an invariant (checked from now on). @throws BrightChainError `BC_SIM_NAME_TAKEN` for a duplicate name */
  addInvariant(invariant: Invariant<Machine>): void {
    if (typeof invariant?.name !== 'string' || typeof invariant.check !== 'function') {
      throw invalidOption('an invariant needs a name and a check function', {});
    }
    if (this.invariantList.some((i) => i.name === invariant.name)) {
      throw new BrightChainError(SimErrorCode.NAME_TAKEN, `invariant "${invariant.name}" is already added`, {
        details: { name: invariant.name },
      });
    }
    this.invariantList.push(invariant);
  }

  /** Names of every invariant checked (added ones and reported-only ones). */
  get invariantNames(): string[] {
    const names = new Set(this.invariantList.map((i) => i.name));
    for (const v of this.violationList) names.add(v.invariant);
    return [...names];
  }

  /**
   * Records a violation of `invariant` observed now (for event-driven checks inside plugins). The
   * first report of each invariant is kept with the time, event and trace hash; later ones count.
   */
  reportViolation(invariant: string, message: string, details?: Readonly<Record<string, unknown>>): void {
    const existing = this.violationList.find((v) => v.invariant === invariant);
    if (existing !== undefined) existing.occurrences++;
    else {
      this.violationList.push({
        invariant,
        message,
        seed: this.seed,
        timeMs: this.now,
        event: this.eventCount,
        traceHash: this.trace.hex(),
        occurrences: 1,
        ...(details === undefined ? {} : { details }),
      });
    }
    if (this.stopOnViolation) this.halted = true;
  }

  /** Violations so far (first observation of each invariant). */
  get violations(): readonly InvariantViolation[] {
    return this.violationList.map((v) => ({ ...v }));
  }

  private checkInvariants(final: boolean): void {
    for (const invariant of this.invariantList) {
      if (!final && invariant.when === 'end') continue;
      const problem = invariant.check(this);
      if (problem !== undefined) this.reportViolation(invariant.name, problem);
    }
  }

  /**
   * Ends the run: plugins' `onFinish`, then every invariant (including `'end'` ones) once more.
   * Idempotent. Returns the violations.
   */
  finish(): readonly InvariantViolation[] {
    if (!this.finished) {
      this.finished = true;
      for (const plugin of this.plugins) plugin.onFinish?.(this);
      const halted = this.halted;
      this.halted = false;
      this.checkInvariants(true);
      this.halted = halted || this.halted;
    }
    return this.violations;
  }

  // ---------------------------------------------------------------------------------------------
  // Reporting

  /** Counters of the run so far. */
  stats(): SimulationStats {
    return {
      events: this.eventCount,
      network: this.network.stats(),
      unknownDestinations: this.unknownDestinations,
      faults: this.nemesis.stats(),
      liveNodeSeconds: (this.liveNodeUs + this.liveCount * (this.nowUs - this.liveSinceUs)) / 1e6,
    };
  }

  /** Each plugin's report section, by plugin name. */
  pluginSections(): Record<string, unknown> {
    const sections: Record<string, unknown> = {};
    for (const plugin of this.plugins) {
      if (plugin.report !== undefined) sections[plugin.name] = plugin.report(this);
    }
    return sections;
  }
}

/** Report keys plugins may not use as section names. */
export const RESERVED_SECTIONS: ReadonlySet<string> = new Set([
  'seed',
  'nodes',
  'scenario',
  'protocol',
  'simulatedSeconds',
  'wallSeconds',
  'speedup',
  'events',
  'traceHash',
  'messages',
  'nodeStates',
  'faults',
  'invariants',
]);

/**
 * The same string, flat and internalized (V8 internalizes property-name strings): ids are compared
 * and hashed millions of times per second, and internalized strings compare by pointer.
 */
function internalize(id: GuidV4): GuidV4 {
  return Object.keys({ [id]: 0 })[0] as GuidV4;
}

function checkRegions(regions: readonly RegionSpec[]): void {
  if (!Array.isArray(regions) || regions.length === 0 || regions.length > 65_535) {
    throw invalidOption('regions must be a non-empty array', {});
  }
  const names = new Set<string>();
  for (const region of regions) {
    if (typeof region?.name !== 'string' || region.name.length === 0 || names.has(region.name)) {
      throw invalidOption('each region needs a distinct non-empty name', { name: String(region?.name) });
    }
    if (!(Number.isFinite(region.share) && region.share > 0)) {
      throw invalidOption('each region needs a positive share', { name: region.name, share: region.share });
    }
    names.add(region.name);
  }
}
