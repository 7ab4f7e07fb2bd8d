/**
 * `NodeSelector`: chooses the nodes that receive new copies of a block.
 *
 * Hard constraints (a node failing one is never chosen): not a current holder, not excluded by the
 * caller (failed targets, saturated nodes), able to take writes now (node-state's partial
 * availability: ONLINE, writes on, download bandwidth open, the block's region allowed by
 * region-restricted nodes, enough free space), at least the minimum reliability, every required
 * specialisation, and a minimum transfer time (from its advertised download bandwidth) within the
 * caller's limit. Chosen nodes are distinct.
 *
 * Spread: with `geographicSpread`, each copy goes to a region not yet holding one while such an
 * eligible node exists (greedy, so the copies cover as many regions as the eligible nodes allow —
 * Ceph CRUSH's "one replica per failure domain", with the region as the domain); with
 * `newRegionsOnly`, only such nodes are taken at all (used to repair a clumped block).
 *
 * Balance: **power of two choices** (Mitzenmacher, "The Power of Two Choices in Randomized Load
 * Balancing", IEEE TPDS 2001; Storj's node selection): sample two eligible nodes uniformly, keep the
 * one with the lower cost `(1 + load) · (1 + latency / latencyScaleMs) / max(reliability, 0.01)`,
 * where load is the advertised `currentLoad` plus what the local scheduler has in flight there. Two
 * choices bring the heaviest node from Θ(log n / log log n) above the mean (one uniform choice) to
 * Θ(log log n), need only two lookups per copy, and — unlike "always the least loaded" — stay good
 * when load figures are stale, which they are across a gossiping network (many repairers would all
 * pile onto the one node that looked idle). Weighted rendezvous hashing was the alternative: stable,
 * coordination-free placement, but blind to load, so its spread is that of a uniform choice; the
 * scheduler already gets its coordination from rendezvous hashing of the *repairer*, so placement is
 * free to chase load. `bench/index.mjs` measures the spread against a uniform choice.
 *
 * Deterministic: all randomness comes from the injected `Random`, and candidates are sampled by
 * their position in insertion order.
 */
import { BrightChainError, type GuidV4, isGuidV4, type Random } from '@brightchain/core';
import { minimumTransferMs } from '@brightchain/node-state';
import { ReplicationErrorCode } from './error-codes';
import { IssueList } from './issue-list';
import {
  canHostNewCopy,
  regionOfCandidate,
  type SelectionCandidate,
  validateSelectionCandidate,
} from './node-selection-criteria';

/** How the selector balances load. */
export type SelectionStrategy = 'two-choices' | 'uniform';

/** Options of a {@link NodeSelector}. */
export interface NodeSelectorOptions {
  /** Source of randomness (a `SeededRandom` in simulations). */
  readonly random: Random;
  /** Initial candidates. */
  readonly candidates?: Iterable<SelectionCandidate>;
  /** `two-choices` (default) or `uniform` (one uniform choice among eligible nodes: the baseline). */
  readonly strategy?: SelectionStrategy;
  /** Latency at which the latency factor of the cost doubles, ms. Default 1 000 (background copies care little about latency). */
  readonly latencyScaleMs?: number;
  /** Uniform draws tried before falling back to a scan of every candidate. Default 8. */
  readonly sampleAttempts?: number;
}

/** What to select. */
export interface SelectionRequest {
  /** How many distinct nodes are wanted. A non-negative integer. */
  readonly count: number;
  /** Nodes that already hold the block (never chosen). */
  readonly holders?: readonly GuidV4[];
  /** Regions that already hold a copy (for spread). */
  readonly coveredRegions?: readonly string[];
  /** Nodes never to choose (failed targets, saturated nodes, suspects). */
  readonly exclude?: ReadonlySet<string> | ((nodeId: GuidV4) => boolean);
  /** Prefer regions not yet covered while eligible nodes exist there. */
  readonly geographicSpread?: boolean;
  /** Only choose nodes in regions not yet covered (repairing a clumped block). */
  readonly newRegionsOnly?: boolean;
  /** The block's jurisdiction tag, checked against region-restricted nodes. */
  readonly blockRegion?: string;
  /** The block's size in bytes, checked against free space and bandwidth. Default 0. */
  readonly sizeBytes?: number;
  /** Specialisations every chosen node must offer. */
  readonly specializations?: readonly string[];
  /** Lowest acceptable reliability. Default 0. */
  readonly minimumReliability?: number;
  /** Exclude nodes whose advertised download bandwidth needs longer than this for the block, ms. */
  readonly maxTransferMs?: number;
}

/** What {@link NodeSelector.select} chose. */
export interface SelectionResult {
  /** The chosen nodes, in the order chosen (at most `count`). */
  readonly targets: readonly GuidV4[];
  /** `count − targets.length`: copies that could not be placed. */
  readonly shortfall: number;
}

interface Slot {
  candidate: SelectionCandidate;
  region: string | undefined;
  extraLoad: number;
}

interface Compiled {
  readonly holders: ReadonlySet<string>;
  readonly exclude: ((nodeId: GuidV4) => boolean) | undefined;
  readonly blockRegion: string | undefined;
  readonly sizeBytes: number;
  readonly specializations: readonly string[];
  readonly minimumReliability: number;
  readonly maxTransferMs: number;
}

function invalid(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(ReplicationErrorCode.SELECTION_INVALID, message, { details });
}

/**
 * Chooses target nodes for new copies (see the file comment for the rules).
 *
 * @throws nothing
 * @example
 * ```ts
 * const selector = new NodeSelector({ random: new SeededRandom(7), candidates });
 * const { targets, shortfall } = selector.select({
 *   count: 2, holders: [a], coveredRegions: ['eu-west'], geographicSpread: true, sizeBytes: 1 << 20,
 * });
 * for (const target of targets) selector.addLoad(target, 1); // until the transfer ends
 * ```
 */
export class NodeSelector {
  /** The balancing strategy. */
  readonly strategy: SelectionStrategy;
  private readonly random: Random;
  private readonly latencyScaleMs: number;
  private readonly sampleAttempts: number;
  private readonly slots: Slot[] = [];
  private readonly positions = new Map<string, number>();

  /**
   * @throws BrightChainError `BC_REPLICATION_OPTIONS_INVALID` for bad options;
   * `BC_REPLICATION_SELECTION_INVALID` for an invalid candidate
   */
  constructor(options: NodeSelectorOptions) {
    const issues = new IssueList();
    if (typeof options !== 'object' || options === null) issues.add('(root)', 'must be an object');
    else {
      const r = options.random as Partial<Random> | undefined;
      if (
        typeof r !== 'object' ||
        r === null ||
        typeof r.int !== 'function' ||
        typeof r.float !== 'function'
      ) {
        issues.add('random', 'must be a Random');
      }
      if (
        options.strategy !== undefined &&
        options.strategy !== 'two-choices' &&
        options.strategy !== 'uniform'
      ) {
        issues.add('strategy', "must be 'two-choices' or 'uniform'");
      }
      if (options.latencyScaleMs !== undefined) issues.number('latencyScaleMs', options.latencyScaleMs, 1e-9);
      if (options.sampleAttempts !== undefined) issues.integer('sampleAttempts', options.sampleAttempts, 0);
    }
    issues.throwIfAny(ReplicationErrorCode.OPTIONS_INVALID, 'node selector options');
    this.random = options.random;
    this.strategy = options.strategy ?? 'two-choices';
    this.latencyScaleMs = options.latencyScaleMs ?? 1000;
    this.sampleAttempts = options.sampleAttempts ?? 8;
    for (const candidate of options.candidates ?? []) this.upsert(candidate);
  }

  /**
   * Number of known candidates.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.size; // candidates known
   * ```
   */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Adds a candidate or replaces the one with the same node id (keeping its local extra load).
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for an invalid candidate
   * @example
   * ```ts
   * selector.upsert({ ...candidate, criteria: { ...candidate.criteria, currentLoad: 3 } });
   * ```
   */
  upsert(candidate: SelectionCandidate): void {
    const valid = validateSelectionCandidate(candidate);
    const at = this.positions.get(valid.nodeId);
    if (at !== undefined) {
      const slot = this.slots[at] as Slot;
      slot.candidate = valid;
      slot.region = regionOfCandidate(valid);
      return;
    }
    this.positions.set(valid.nodeId, this.slots.length);
    this.slots.push({ candidate: valid, region: regionOfCandidate(valid), extraLoad: 0 });
  }

  /**
   * Forgets a candidate. Returns false when it was unknown.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.remove(retiredNode);
   * ```
   */
  remove(nodeId: GuidV4): boolean {
    const at = this.positions.get(nodeId);
    if (at === undefined) return false;
    const last = this.slots.pop() as Slot;
    this.positions.delete(nodeId);
    if (at < this.slots.length) {
      this.slots[at] = last;
      this.positions.set(last.candidate.nodeId, at);
    }
    return true;
  }

  /**
   * The candidate with this id, if known.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.get(nodeId)?.criteria.reliability;
   * ```
   */
  get(nodeId: GuidV4): SelectionCandidate | undefined {
    const at = this.positions.get(nodeId);
    return at === undefined ? undefined : (this.slots[at] as Slot).candidate;
  }

  /**
   * Every candidate, in sampling order.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.candidates().map((c) => c.nodeId);
   * ```
   */
  candidates(): SelectionCandidate[] {
    return this.slots.map((slot) => slot.candidate);
  }

  /**
   * Adds `delta` to the load the selector counts for a node on top of its advertised
   * `currentLoad` (the scheduler adds 1 per transfer it starts there and removes it when the transfer
   * ends). Never goes below 0. Unknown nodes are ignored.
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for a non-finite delta
   * @example
   * ```ts
   * selector.addLoad(target, 1);
   * ```
   */
  addLoad(nodeId: GuidV4, delta: number): void {
    if (typeof delta !== 'number' || !Number.isFinite(delta))
      throw invalid('load delta must be finite', { delta });
    const at = this.positions.get(nodeId);
    if (at === undefined) return;
    const slot = this.slots[at] as Slot;
    slot.extraLoad = Math.max(0, slot.extraLoad + delta);
  }

  /**
   * The load the selector counts for a node: advertised `currentLoad` plus local extra load.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.loadOf(nodeId); // 0 when idle
   * ```
   */
  loadOf(nodeId: GuidV4): number {
    const at = this.positions.get(nodeId);
    if (at === undefined) return 0;
    const slot = this.slots[at] as Slot;
    return slot.candidate.criteria.currentLoad + slot.extraLoad;
  }

  /**
   * The cost the two-choices comparison minimises for a node (lower is better):
   * `(1 + load) · (1 + latency / latencyScaleMs) / max(reliability, 0.01)`. `Infinity` for an unknown node.
   *
   * @throws nothing
   * @example
   * ```ts
   * selector.costOf(a) < selector.costOf(b); // a wins a two-choices draw against b
   * ```
   */
  costOf(nodeId: GuidV4): number {
    const at = this.positions.get(nodeId);
    return at === undefined ? Number.POSITIVE_INFINITY : this.slotCost(this.slots[at] as Slot);
  }

  /**
   * Chooses up to `request.count` distinct nodes for new copies.
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for a malformed request (count not a
   * non-negative integer, bad node ids, sizes or limits out of range)
   * @example
   * ```ts
   * selector.select({ count: 3, geographicSpread: true, sizeBytes: 4096 }).targets;
   * ```
   */
  select(request: SelectionRequest): SelectionResult {
    const compiled = this.compile(request);
    const chosen: GuidV4[] = [];
    const chosenSet = new Set<string>();
    const covered = new Set<string>(request.coveredRegions ?? []);
    const spread = request.geographicSpread === true || request.newRegionsOnly === true;
    for (let i = 0; i < request.count; i++) {
      let pick: Slot | undefined;
      if (spread) {
        pick = this.pick(
          (slot) =>
            slot.region !== undefined &&
            !covered.has(slot.region) &&
            this.eligible(slot, compiled, chosenSet),
        );
      }
      if (pick === undefined && request.newRegionsOnly !== true) {
        pick = this.pick((slot) => this.eligible(slot, compiled, chosenSet));
      }
      if (pick === undefined) break;
      chosen.push(pick.candidate.nodeId);
      chosenSet.add(pick.candidate.nodeId);
      if (pick.region !== undefined) covered.add(pick.region);
    }
    return Object.freeze({ targets: Object.freeze(chosen), shortfall: request.count - chosen.length });
  }

  /**
   * True when the node passes every hard constraint of `request` (ignoring spread). What `select`
   * applies to each node; exposed for reference checks and dashboards.
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for a malformed request
   * @example
   * ```ts
   * selector.isEligible(nodeId, { count: 1, holders, sizeBytes });
   * ```
   */
  isEligible(nodeId: GuidV4, request: SelectionRequest): boolean {
    const at = this.positions.get(nodeId);
    if (at === undefined) return false;
    return this.eligible(this.slots[at] as Slot, this.compile(request), new Set());
  }

  /**
   * How many known nodes pass every hard constraint of `request` (ignoring `count` and spread): the
   * "eligible nodes" an everywhere policy targets.
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for a malformed request
   * @example
   * ```ts
   * selector.countEligible({ count: 0, holders, sizeBytes });
   * ```
   */
  countEligible(request: SelectionRequest): number {
    const compiled = this.compile(request);
    const none = new Set<string>();
    let count = 0;
    for (const slot of this.slots) if (this.eligible(slot, compiled, none)) count += 1;
    return count;
  }

  private slotCost(slot: Slot): number {
    const c = slot.candidate.criteria;
    return (
      ((1 + c.currentLoad + slot.extraLoad) * (1 + c.networkLatency / this.latencyScaleMs)) /
      Math.max(c.reliability, 0.01)
    );
  }

  private eligible(slot: Slot, request: Compiled, chosen: ReadonlySet<string>): boolean {
    const candidate = slot.candidate;
    const id = candidate.nodeId;
    if (chosen.has(id) || request.holders.has(id)) return false;
    if (request.exclude?.(id) === true) return false;
    if (candidate.criteria.reliability < request.minimumReliability) return false;
    if (!canHostNewCopy(candidate, request.blockRegion, request.sizeBytes)) return false;
    if (request.specializations.length > 0) {
      const offered = candidate.criteria.specializations ?? candidate.capabilities.specialisations;
      for (const wanted of request.specializations) if (!offered.includes(wanted)) return false;
    }
    if (request.maxTransferMs !== Number.POSITIVE_INFINITY) {
      if (minimumTransferMs(candidate.capabilities, request.sizeBytes, 'download') > request.maxTransferMs)
        return false;
    }
    return true;
  }

  /** One node by the strategy among those passing `ok`, or undefined if none does. */
  private pick(ok: (slot: Slot) => boolean): Slot | undefined {
    const first = this.sample(ok, undefined);
    if (first === undefined || this.strategy === 'uniform') return first;
    const second = this.sample(ok, first);
    if (second === undefined) return first;
    const a = this.slotCost(first);
    const b = this.slotCost(second);
    if (a !== b) return a < b ? first : second;
    const spaceA = first.candidate.criteria.availableSpace;
    const spaceB = second.candidate.criteria.availableSpace;
    if (spaceA !== spaceB) return spaceA > spaceB ? first : second;
    return first.candidate.nodeId < second.candidate.nodeId ? first : second;
  }

  /** A uniform draw among slots passing `ok` (other than `not`): rejection sampling, then a scan. */
  private sample(ok: (slot: Slot) => boolean, not: Slot | undefined): Slot | undefined {
    const n = this.slots.length;
    if (n === 0) return undefined;
    for (let attempt = 0; attempt < this.sampleAttempts; attempt++) {
      const slot = this.slots[this.random.int(n)] as Slot;
      if (slot !== not && ok(slot)) return slot;
    }
    const pool: Slot[] = [];
    for (const slot of this.slots) if (slot !== not && ok(slot)) pool.push(slot);
    return pool.length === 0 ? undefined : pool[this.random.int(pool.length)];
  }

  private compile(request: SelectionRequest): Compiled {
    const issues = new IssueList();
    if (typeof request !== 'object' || request === null) {
      issues.add('(root)', 'must be an object');
      issues.throwIfAny(ReplicationErrorCode.SELECTION_INVALID, 'selection request');
    }
    if (!(typeof request.count === 'number' && Number.isSafeInteger(request.count) && request.count >= 0)) {
      issues.add('count', 'must be a non-negative integer');
    }
    const holders = request.holders ?? [];
    if (!Array.isArray(holders) || !holders.every(isGuidV4))
      issues.add('holders', 'must be an array of GuidV4s');
    const regions = request.coveredRegions ?? [];
    if (!Array.isArray(regions) || !regions.every((r) => typeof r === 'string')) {
      issues.add('coveredRegions', 'must be an array of strings');
    }
    const exclude = request.exclude;
    let excludeFn: ((nodeId: GuidV4) => boolean) | undefined;
    if (exclude instanceof Set) excludeFn = (id) => exclude.has(id);
    else if (typeof exclude === 'function') excludeFn = exclude;
    else if (exclude !== undefined) issues.add('exclude', 'must be a Set of node ids or a predicate');
    const sizeBytes = request.sizeBytes ?? 0;
    issues.number('sizeBytes', sizeBytes, 0);
    const minimumReliability = request.minimumReliability ?? 0;
    issues.number('minimumReliability', minimumReliability, 0, 1);
    const maxTransferMs = request.maxTransferMs ?? Number.POSITIVE_INFINITY;
    if (!(typeof maxTransferMs === 'number' && maxTransferMs >= 0 && !Number.isNaN(maxTransferMs))) {
      issues.add('maxTransferMs', 'must be a non-negative number or Infinity');
    }
    const specializations = request.specializations ?? [];
    if (!Array.isArray(specializations) || !specializations.every((s) => typeof s === 'string')) {
      issues.add('specializations', 'must be an array of strings');
    }
    if (request.blockRegion !== undefined && typeof request.blockRegion !== 'string') {
      issues.add('blockRegion', 'must be a string');
    }
    issues.throwIfAny(ReplicationErrorCode.SELECTION_INVALID, 'selection request');
    return {
      holders: new Set(holders),
      exclude: excludeFn,
      blockRegion: request.blockRegion,
      sizeBytes,
      specializations,
      minimumReliability,
      maxTransferMs,
    };
  }
}
