/**
 * The simulated network: per-link latency, jitter, loss, duplication, reordering and bandwidth;
 * asymmetric links; partitions of any shape (including one-way); and clogging (FoundationDB's
 * "swizzle-clogging": a clogged node's messages are held, not lost, until it is unclogged).
 *
 * Nodes are integer indices. The model never allocates per message on the common path: a send is
 * a few array reads, at most three random draws and one push onto the event queue.
 */
import { BrightChainError, type SeededRandom } from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import { EventKind } from './event-kind';
import type { EventQueue } from './event-queue';
import { CompiledLink, DEFAULT_LINK, LatencyKind, type LinkConfig } from './link';

/** Message counters of a run (all since the start). */
export interface NetworkStats {
  /** Messages handed to the network by nodes. */
  readonly sent: number;
  /** Bytes handed to the network (the protocol's `sizeOf`). */
  readonly bytesSent: number;
  /** Messages delivered to a running node (duplicates counted twice). */
  readonly delivered: number;
  /** Bytes delivered. */
  readonly bytesDelivered: number;
  /** Lost to random link loss. */
  readonly droppedLoss: number;
  /** Dropped because a partition separated sender and receiver (at send or at arrival). */
  readonly droppedPartition: number;
  /** Arrived at a node that was down (crashed, shut down or not yet joined). */
  readonly droppedNodeDown: number;
  /** Arrived at a paused node whose receive buffer was full. */
  readonly droppedOverflow: number;
  /** Extra copies created by link duplication. */
  readonly duplicated: number;
  /** Messages given an extra reordering delay. */
  readonly reordered: number;
  /** Messages currently held by clogged nodes. */
  readonly clogged: number;
}

/** A blocked direction: nothing from a node in `from` reaches a node in `to`. */
interface BlockRule {
  readonly partition: number;
  readonly from: Uint8Array;
  readonly to: Uint8Array;
}

interface ParkedMessage {
  readonly from: number;
  readonly to: number;
  readonly message: unknown;
}

/** Options of {@link PartitionOptions}. */
export interface PartitionOptions {
  /**
   * One-way: only messages from an earlier group to a later group are dropped (group 0 cannot
   * reach group 1, but group 1 still reaches group 0). Default false: no group reaches another.
   */
  readonly oneWay?: boolean;
}

/** Codes of network changes, folded into the trace hash. */
const NetworkChange = { LINK: 0x51, PARTITION: 0x52, HEAL: 0x53, CLOG: 0x54, UNCLOG: 0x55 } as const;

const PAIR_KEY = 0x20_0000;

// Globals used on the hot path are read once here: inside a \`vm\` context (jest) every global
// lookup goes through an interceptor and costs ~100× a local one.
const { cos, exp, log, max, round, sqrt, PI } = Math; // 2^21 nodes: pair keys from * 2^21 + to stay safe integers

/**
 * The network between simulated nodes. Obtain it from `Simulation.network`.
 *
 * @example
 * ```ts
 * sim.network.setDefaultLink({ latency: { kind: 'normal', meanMs: 30, stdDevMs: 5 }, loss: 0.01 });
 * sim.network.setLink(0, 1, { latency: { kind: 'constant', ms: 200 } }); // only 0 → 1 is slow
 * const cut = sim.network.partition([[0, 1, 2]]); // isolate 0–2 from everyone else
 * sim.network.heal(cut);
 * ```
 */
export class NetworkModel {
  private readonly queue: EventQueue;
  private readonly random: SeededRandom;
  private defaultLink: CompiledLink;
  private readonly regionNames: string[];
  private regionOfNode: Uint16Array;
  private regionLinks: (CompiledLink | undefined)[];
  private readonly pairLinks = new Map<number, CompiledLink>();
  private readonly busyUntil = new Map<number, number>();
  private rules: BlockRule[] = [];
  private nextPartition = 1;
  private clogCount: Int32Array;
  private parked: ParkedMessage[] = [];
  private nodeCount: number;
  private readonly onChange: (code: number) => void;
  private readonly nowUs: () => number;

  /** Messages handed to the network, per sender. */
  sentPerNode: Float64Array;
  /** Bytes handed to the network, per sender. */
  bytesPerNode: Float64Array;

  // Counters (public fields are cheaper than getters on the hot path; read them via stats()).
  sent = 0;
  bytesSent = 0;
  delivered = 0;
  bytesDelivered = 0;
  droppedLoss = 0;
  droppedPartition = 0;
  droppedNodeDown = 0;
  droppedOverflow = 0;
  duplicated = 0;
  reordered = 0;

  /** @internal Created by `Simulation`. */
  constructor(
    queue: EventQueue,
    random: SeededRandom,
    regionNames: readonly string[],
    regionOfNode: readonly number[],
    onChange: (code: number) => void,
    nowUs: () => number,
  ) {
    this.queue = queue;
    this.onChange = onChange;
    this.nowUs = nowUs;
    this.random = random;
    this.defaultLink = new CompiledLink(DEFAULT_LINK);
    this.regionNames = [...regionNames];
    this.nodeCount = regionOfNode.length;
    const capacity = Math.max(16, this.nodeCount);
    this.regionOfNode = new Uint16Array(capacity);
    this.regionOfNode.set(regionOfNode);
    this.regionLinks = new Array(this.regionNames.length * this.regionNames.length).fill(undefined);
    this.clogCount = new Int32Array(capacity);
    this.sentPerNode = new Float64Array(capacity);
    this.bytesPerNode = new Float64Array(capacity);
  }

  /** @internal Adds a node (joins) in `region`; returns nothing, the index is the next one. */
  addNode(region: number): void {
    if (this.nodeCount === this.regionOfNode.length) {
      const capacity = this.nodeCount * 2;
      this.regionOfNode = grow(this.regionOfNode, new Uint16Array(capacity));
      this.clogCount = grow(this.clogCount, new Int32Array(capacity));
      this.sentPerNode = grow(this.sentPerNode, new Float64Array(capacity));
      this.bytesPerNode = grow(this.bytesPerNode, new Float64Array(capacity));
      for (let i = 0; i < this.rules.length; i++) {
        const rule = this.rules[i] as BlockRule;
        this.rules[i] = {
          partition: rule.partition,
          from: grow(rule.from, new Uint8Array(capacity)),
          to: grow(rule.to, new Uint8Array(capacity)),
        };
      }
    }
    this.regionOfNode[this.nodeCount++] = region;
  }

  /** The region names, in index order. */
  get regions(): readonly string[] {
    return this.regionNames;
  }

  /** The region of node `node`. @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  regionOf(node: number): string {
    this.checkNode(node);
    return this.regionNames[this.regionOfNode[node] as number] as string;
  }

  /** Indices of the nodes in region `name` (joined nodes included). @throws BrightChainError `BC_SIM_OPTIONS_INVALID` */
  nodesInRegion(name: string): number[] {
    const region = this.regionIndex(name);
    const nodes: number[] = [];
    for (let i = 0; i < this.nodeCount; i++) if (this.regionOfNode[i] === region) nodes.push(i);
    return nodes;
  }

  /**
   * Sets the link used where no region or pair override applies.
   * @throws BrightChainError `BC_SIM_LINK_INVALID`
   */
  setDefaultLink(config: LinkConfig): void {
    this.defaultLink = new CompiledLink(config);
    this.onChange(NetworkChange.LINK);
  }

  /** The default link configuration. */
  get defaultLinkConfig(): LinkConfig {
    return this.defaultLink.config;
  }

  /**
   * Sets the links from every node of region `from` to every node of region `to` (one direction;
   * call twice, or pass `symmetric`, for both).
   * @throws BrightChainError `BC_SIM_LINK_INVALID`, `BC_SIM_OPTIONS_INVALID` for an unknown region
   */
  setRegionLink(
    from: string,
    to: string,
    config: LinkConfig,
    options: { readonly symmetric?: boolean } = {},
  ): void {
    const a = this.regionIndex(from);
    const b = this.regionIndex(to);
    const link = new CompiledLink(config);
    this.regionLinks[a * this.regionNames.length + b] = link;
    if (options.symmetric) this.regionLinks[b * this.regionNames.length + a] = link;
    this.onChange(NetworkChange.LINK);
  }

  /**
   * Sets the directed link `from → to` (asymmetric unless `symmetric`), overriding region and
   * default links. Pass `undefined` as config to remove the override.
   * @throws BrightChainError `BC_SIM_LINK_INVALID`, `BC_SIM_NODE_UNKNOWN`
   */
  setLink(
    from: number,
    to: number,
    config: LinkConfig | undefined,
    options: { readonly symmetric?: boolean } = {},
  ): void {
    this.setLinks([from], [to], config, options);
  }

  /**
   * Sets (or, with `undefined`, removes) the override of every directed link from a node of `from`
   * to a node of `to` (a node's link to itself excluded), both ways if `symmetric`. The
   * configuration is compiled once and shared.
   * @throws BrightChainError `BC_SIM_LINK_INVALID`, `BC_SIM_NODE_UNKNOWN`
   */
  setLinks(
    from: readonly number[],
    to: readonly number[],
    config: LinkConfig | undefined,
    options: { readonly symmetric?: boolean } = {},
  ): void {
    for (const node of from) this.checkNode(node);
    for (const node of to) this.checkNode(node);
    const link = config === undefined ? undefined : new CompiledLink(config);
    const set = (key: number): void => {
      if (link === undefined) this.pairLinks.delete(key);
      else this.pairLinks.set(key, link);
    };
    for (const a of from) {
      for (const b of to) {
        if (a === b) continue;
        set(a * PAIR_KEY + b);
        if (options.symmetric) set(b * PAIR_KEY + a);
      }
    }
    this.onChange(NetworkChange.LINK);
  }

  /** The configuration in force for `from → to`. @throws BrightChainError `BC_SIM_NODE_UNKNOWN` */
  linkConfig(from: number, to: number): LinkConfig {
    this.checkNode(from);
    this.checkNode(to);
    return this.linkFor(from, to).config;
  }

  /**
   * Cuts the network into `groups` (arrays of node indices). Nodes in no group form one more,
   * implicit group, so `partition([[3]])` isolates node 3. Two-way by default; see
   * {@link PartitionOptions.oneWay}. Several partitions can be active at once; a message is dropped
   * if any of them separates its endpoints. Returns the partition's id for {@link heal}.
   *
   * @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for a node in two groups, `BC_SIM_NODE_UNKNOWN`
   */
  partition(groups: readonly (readonly number[])[], options: PartitionOptions = {}): number {
    const capacity = this.regionOfNode.length;
    const membership = new Int32Array(this.nodeCount).fill(-1);
    groups.forEach((group, g) => {
      for (const node of group) {
        this.checkNode(node);
        if (membership[node] !== -1) {
          throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, 'a node is in two partition groups', {
            details: { node },
          });
        }
        membership[node] = g;
      }
    });
    const masks: Uint8Array[] = groups.map(() => new Uint8Array(capacity));
    const rest = new Uint8Array(capacity);
    let restCount = 0;
    for (let node = 0; node < this.nodeCount; node++) {
      const g = membership[node] as number;
      if (g === -1) {
        rest[node] = 1;
        restCount++;
      } else (masks[g] as Uint8Array)[node] = 1;
    }
    if (restCount > 0) masks.push(rest);
    const id = this.nextPartition++;
    const fresh: BlockRule[] = [];
    for (let i = 0; i < masks.length; i++) {
      for (let j = 0; j < masks.length; j++) {
        if (i === j || (options.oneWay && j < i)) continue;
        fresh.push({ partition: id, from: masks[i] as Uint8Array, to: masks[j] as Uint8Array });
      }
    }
    this.rules = [...this.rules, ...fresh];
    this.onChange(NetworkChange.PARTITION);
    return id;
  }

  /** Removes partition `id`, or every partition when omitted. Returns how many were removed. */
  heal(id?: number): number {
    const before = new Set(this.rules.map((r) => r.partition));
    this.rules = id === undefined ? [] : this.rules.filter((rule) => rule.partition !== id);
    const after = new Set(this.rules.map((r) => r.partition));
    this.onChange(NetworkChange.HEAL);
    return before.size - after.size;
  }

  /** Ids of the partitions in force. */
  get activePartitions(): number[] {
    return [...new Set(this.rules.map((r) => r.partition))];
  }

  /** True while at least one partition is in force. */
  get partitioned(): boolean {
    return this.rules.length !== 0;
  }

  /** True when a partition drops messages from `from` to `to`. */
  isBlocked(from: number, to: number): boolean {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as BlockRule;
      if (rule.from[from] === 1 && rule.to[to] === 1) return true;
    }
    return false;
  }

  /**
   * Clogs `node`: every message to or from it is held (not lost) until it is unclogged. Clogs nest.
   * @throws BrightChainError `BC_SIM_NODE_UNKNOWN`
   */
  clog(node: number): void {
    this.checkNode(node);
    this.clogCount[node] = (this.clogCount[node] as number) + 1;
    this.onChange(NetworkChange.CLOG);
  }

  /**
   * Undoes one {@link clog}; once a node is fully unclogged, held messages whose endpoints are both
   * unclogged are released now, in the order they were held.
   * @throws BrightChainError `BC_SIM_NODE_UNKNOWN`
   */
  unclog(node: number): void {
    this.checkNode(node);
    if ((this.clogCount[node] as number) === 0) return;
    this.clogCount[node] = (this.clogCount[node] as number) - 1;
    this.onChange(NetworkChange.UNCLOG);
    if (this.clogCount[node] !== 0) return;
    const still: ParkedMessage[] = [];
    for (const parked of this.parked) {
      if (this.clogCount[parked.from] === 0 && this.clogCount[parked.to] === 0) {
        this.queue.push(this.nowUs(), EventKind.DELIVER, parked.from, parked.to, parked.message);
      } else still.push(parked);
    }
    this.parked = still;
  }

  /** True when `node` is clogged. */
  isClogged(node: number): boolean {
    return (this.clogCount[node] ?? 0) > 0;
  }

  /** A snapshot of the counters. */
  stats(): NetworkStats {
    return {
      sent: this.sent,
      bytesSent: this.bytesSent,
      delivered: this.delivered,
      bytesDelivered: this.bytesDelivered,
      droppedLoss: this.droppedLoss,
      droppedPartition: this.droppedPartition,
      droppedNodeDown: this.droppedNodeDown,
      droppedOverflow: this.droppedOverflow,
      duplicated: this.duplicated,
      reordered: this.reordered,
      clogged: this.parked.length,
    };
  }

  /**
   * @internal Hands one message to the network at `nowUs`: counts it, applies partitions, loss,
   * bandwidth, latency, jitter, reordering and duplication, and queues its delivery.
   */
  send(from: number, to: number, message: unknown, size: number, nowUs: number): void {
    this.sent++;
    this.bytesSent += size;
    this.sentPerNode[from] = (this.sentPerNode[from] as number) + 1;
    this.bytesPerNode[from] = (this.bytesPerNode[from] as number) + size;
    if (this.rules.length !== 0 && this.isBlocked(from, to)) {
      this.droppedPartition++;
      return;
    }
    const link = this.linkFor(from, to);
    const random = this.random;
    if (link.loss !== 0 && random.float() < link.loss) {
      this.droppedLoss++;
      return;
    }
    let departUs = nowUs;
    if (link.bytesPerUs !== 0) {
      const key = from * PAIR_KEY + to;
      const busy = this.busyUntil.get(key) ?? 0;
      departUs = max(busy, nowUs) + size / link.bytesPerUs;
      this.busyUntil.set(key, departUs);
    }
    this.queue.push(this.arrival(link, departUs), EventKind.DELIVER, from, to, message);
    if (link.duplicate !== 0 && random.float() < link.duplicate) {
      this.duplicated++;
      this.queue.push(this.arrival(link, departUs), EventKind.DELIVER, from, to, message);
    }
  }

  /** @internal True when a message arriving now must be held because an endpoint is clogged. */
  holdIfClogged(from: number, to: number, message: unknown): boolean {
    if (this.clogCount[from] === 0 && this.clogCount[to] === 0) return false;
    this.parked.push({ from, to, message });
    return true;
  }

  /** @internal Drops every held message to or from `node` (it crashed or left). */
  dropParked(node: number): void {
    if (this.parked.length === 0) return;
    this.parked = this.parked.filter((p) => p.to !== node);
  }

  private arrival(link: CompiledLink, departUs: number): number {
    const random = this.random;
    let delay: number;
    switch (link.latencyKind) {
      case LatencyKind.constant:
        delay = link.p1;
        break;
      case LatencyKind.uniform:
        delay = link.p1 + random.float() * link.p2;
        break;
      case LatencyKind.normal:
        delay = max(link.p3, link.p1 + link.p2 * gaussian(random));
        break;
      case LatencyKind.lognormal:
        delay = link.p1 * exp(link.p2 * gaussian(random));
        break;
      case LatencyKind.exponential:
        delay = link.p3 - link.p1 * log(1 - random.float());
        break;
      default:
        // Pareto by inversion: x_m / U^(1/alpha), U in (0, 1].
        delay = link.p1 / (1 - random.float()) ** link.p2;
        break;
    }
    if (link.jitterUs !== 0) delay += random.float() * link.jitterUs;
    if (link.reorder !== 0 && random.float() < link.reorder) {
      this.reordered++;
      delay += random.float() * link.reorderDelayUs;
    }
    return round(departUs + max(delay, 0));
  }

  private linkFor(from: number, to: number): CompiledLink {
    if (this.pairLinks.size !== 0) {
      const pair = this.pairLinks.get(from * PAIR_KEY + to);
      if (pair !== undefined) return pair;
    }
    const region =
      this.regionLinks[
        (this.regionOfNode[from] as number) * this.regionNames.length + (this.regionOfNode[to] as number)
      ];
    return region ?? this.defaultLink;
  }

  private regionIndex(name: string): number {
    const index = this.regionNames.indexOf(name);
    if (index === -1) {
      throw new BrightChainError(SimErrorCode.OPTIONS_INVALID, `unknown region "${name}"`, {
        details: { region: name, regions: this.regionNames },
      });
    }
    return index;
  }

  private checkNode(node: number): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.nodeCount) {
      throw new BrightChainError(SimErrorCode.NODE_UNKNOWN, `no node with index ${node}`, {
        details: { node, nodes: this.nodeCount },
      });
    }
  }
}

/** A standard normal sample (Box–Muller, one of the pair). */
function gaussian(random: SeededRandom): number {
  const u = 1 - random.float(); // (0, 1]
  const v = random.float();
  return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

function grow<T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
