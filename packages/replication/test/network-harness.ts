/**
 * A small in-test network (no simulator): N nodes, each with its own block index and scheduler.
 * Every index change is made at one node and merged into every other index at once (perfect
 * gossip), and every node gets the same node-state updates, so all schedulers share one view.
 * Transfers complete after a fixed latency. Not a test file itself.
 */
import { BlockIndex, type LocationUpdate } from '@brightchain/block-index';
import { type GuidV4, ManualClock, SeededRandom } from '@brightchain/core';
import { NodeState } from '@brightchain/node-state';
import {
  type ReplicationEvent,
  type ReplicationPolicy,
  ReplicationScheduler,
  type ReplicationSchedulerOptions,
  type SelectionCandidate,
} from '@brightchain/replication';
import { T0, blockHex, candidate, nodeIds } from './fixtures';

export interface HarnessNode {
  readonly id: GuidV4;
  readonly region: string;
  readonly index: BlockIndex;
  readonly scheduler: ReplicationScheduler;
  readonly candidate: SelectionCandidate;
  alive: boolean;
}

interface Transfer {
  readonly at: number;
  readonly repairer: HarnessNode;
  readonly jobId: number;
  readonly blockHex: string;
  readonly target: GuidV4;
  readonly kind: 'copy' | 'drop';
}

export interface HarnessOptions {
  readonly nodes: number;
  readonly regions: number;
  readonly blocks: number;
  readonly copies: number;
  readonly seed: string;
  readonly policy?: ReplicationPolicy;
  readonly latencyMs?: number;
  readonly scheduler?: Partial<ReplicationSchedulerOptions>;
  /** Probability that a transfer fails (decided by the harness's own seeded stream). */
  readonly failureRate?: number;
}

export class NetworkHarness {
  readonly nodes: HarnessNode[];
  readonly byId = new Map<GuidV4, HarnessNode>();
  readonly clock = new ManualClock(T0);
  readonly events: { node: GuidV4; event: ReplicationEvent }[] = [];
  /** For each block: how many jobs were active at once at most, across the network. */
  readonly maxConcurrentJobsPerBlock = new Map<string, number>();
  readonly copiesStarted = new Map<string, number>();
  private readonly activeJobsPerBlock = new Map<string, number>();
  private transfers: Transfer[] = [];
  private readonly latencyMs: number;
  private readonly failureRate: number;
  private readonly chance: SeededRandom;

  constructor(readonly options: HarnessOptions) {
    const ids = nodeIds(options.nodes, options.seed);
    this.latencyMs = options.latencyMs ?? 200;
    this.failureRate = options.failureRate ?? 0;
    this.chance = new SeededRandom(`${options.seed}/chance`);
    const regionOf = (i: number) => `region-${i % options.regions}`;
    const candidates = ids.map((id, i) => candidate(id, { region: regionOf(i) }));
    this.nodes = ids.map((id, i) => {
      const index = new BlockIndex({ replicaId: id, clock: this.clock });
      const scheduler = new ReplicationScheduler({
        nodeId: id,
        index,
        random: new SeededRandom(`${options.seed}/node-${i}`),
        now: T0,
        candidates,
        ...(options.policy === undefined ? {} : { policies: options.policy }),
        ...(options.scheduler ?? {}),
      });
      const node: HarnessNode = {
        id,
        region: regionOf(i),
        index,
        scheduler,
        candidate: candidates[i]!,
        alive: true,
      };
      this.byId.set(id, node);
      return node;
    });
    const placement = new SeededRandom(`${options.seed}/placement`);
    const updates: LocationUpdate[] = [];
    for (let b = 0; b < options.blocks; b++) {
      const chosen = new Set<number>();
      const regions = new Set<string>();
      while (chosen.size < options.copies) {
        const i = placement.int(ids.length);
        if (chosen.has(i)) continue;
        if (regions.has(regionOf(i)) && regions.size < options.regions) continue;
        chosen.add(i);
        regions.add(regionOf(i));
      }
      for (const i of chosen)
        updates.push({ kind: 'stored', blockId: blockHex(b), holder: ids[i]!, region: regionOf(i) });
    }
    this.record(this.nodes[0]!, updates);
  }

  get now(): number {
    return this.clock.now();
  }

  /** Records updates at `origin`'s index and merges them into every other index. */
  record(origin: HarnessNode, updates: readonly LocationUpdate[]): void {
    const entries = origin.index.record(updates);
    for (const node of this.nodes) if (node !== origin) node.index.merge(entries);
  }

  /** Applies a node-state change to every live scheduler's view. */
  setState(id: GuidV4, state: NodeState): void {
    const node = this.byId.get(id)!;
    if (state !== NodeState.ONLINE && state !== NodeState.SCHEDULED_SHUTDOWN) node.alive = false;
    for (const other of this.nodes) {
      if (other.alive || other === node) other.scheduler.updateNode({ ...node.candidate, state });
    }
  }

  /** Ticks every live scheduler at the current time and acts on their events. */
  tickAll(): void {
    for (const node of this.nodes) {
      if (!node.alive) continue;
      node.scheduler.tick(this.now);
      this.handle(node);
    }
  }

  private handle(node: HarnessNode): void {
    if (!node.scheduler.hasReady()) return;
    const batch = node.scheduler.ready();
    node.scheduler.advance();
    for (const event of batch.events) {
      this.events.push({ node: node.id, event });
      if (event.type === 'jobStarted') {
        const hex = event.job.blockHex;
        const active = (this.activeJobsPerBlock.get(hex) ?? 0) + 1;
        this.activeJobsPerBlock.set(hex, active);
        this.maxConcurrentJobsPerBlock.set(
          hex,
          Math.max(active, this.maxConcurrentJobsPerBlock.get(hex) ?? 0),
        );
        this.copiesStarted.set(hex, (this.copiesStarted.get(hex) ?? 0) + event.job.targetNodes.length);
        for (const target of event.job.targetNodes) {
          this.transfers.push({
            at: this.now + this.latencyMs,
            repairer: node,
            jobId: event.job.jobId,
            blockHex: hex,
            target,
            kind: 'copy',
          });
        }
      } else if (event.type === 'jobCompleted' || event.type === 'jobFailed') {
        const hex = event.job.blockHex;
        this.activeJobsPerBlock.set(hex, (this.activeJobsPerBlock.get(hex) ?? 1) - 1);
      } else if (event.type === 'trimStarted') {
        for (const target of event.trim.nodes) {
          this.transfers.push({
            at: this.now + this.latencyMs,
            repairer: node,
            jobId: event.trim.trimId,
            blockHex: event.trim.blockHex,
            target,
            kind: 'drop',
          });
        }
      }
    }
  }

  /** Completes due transfers (recording them in every index) and reports them. */
  private completeTransfers(): void {
    const due = this.transfers.filter((t) => t.at <= this.now);
    this.transfers = this.transfers.filter((t) => t.at > this.now);
    for (const t of due) {
      if (!t.repairer.alive) continue;
      const target = this.byId.get(t.target)!;
      const fails = !target.alive || this.chance.float() < this.failureRate;
      if (t.kind === 'copy') {
        if (fails) t.repairer.scheduler.reportCopyFailed(t.jobId, t.target, 'transfer failed');
        else {
          this.record(t.repairer, [
            { kind: 'stored', blockId: t.blockHex, holder: t.target, region: target.region },
          ]);
          t.repairer.scheduler.reportCopyStored(t.jobId, t.target);
          for (const node of this.nodes)
            if (node.alive && node !== t.repairer) node.scheduler.indexChanged([t.blockHex]);
        }
      } else if (fails) t.repairer.scheduler.reportDropFailed(t.jobId, t.target, 'drop failed');
      else {
        this.record(t.repairer, [{ kind: 'dropped', blockId: t.blockHex, holder: t.target }]);
        t.repairer.scheduler.reportDropped(t.jobId, t.target);
        for (const node of this.nodes)
          if (node.alive && node !== t.repairer) node.scheduler.indexChanged([t.blockHex]);
      }
      this.handle(t.repairer);
    }
  }

  /** The next time anything is due, or undefined. */
  nextTime(): number | undefined {
    let next = Number.POSITIVE_INFINITY;
    for (const t of this.transfers) next = Math.min(next, t.at);
    for (const node of this.nodes) {
      if (!node.alive) continue;
      const deadline = node.scheduler.nextDeadline();
      if (deadline !== undefined) next = Math.min(next, deadline);
    }
    return Number.isFinite(next) ? next : undefined;
  }

  /** Runs until `until` (ms since T0), event by event. Returns the number of steps. */
  runUntil(until: number): number {
    let steps = 0;
    for (;;) {
      const next = this.nextTime();
      if (next === undefined || next > T0 + until) break;
      if (next > this.now) this.clock.set(next);
      this.completeTransfers();
      this.tickAll();
      steps += 1;
      if (steps > 1_000_000) throw new Error('harness did not settle');
    }
    if (this.now < T0 + until) this.clock.set(T0 + until);
    return steps;
  }

  /** Live copies and regions of every block, from the first live node's index. */
  blockStates(): { hex: string; copies: number; regions: number }[] {
    const viewer = this.nodes.find((n) => n.alive)!;
    const out: { hex: string; copies: number; regions: number }[] = [];
    for (let b = 0; b < this.options.blocks; b++) {
      const health = viewer.index.health(blockHex(b))!;
      out.push({ hex: blockHex(b), copies: health.copies, regions: health.regions });
    }
    return out;
  }

  eventsOf<T extends ReplicationEvent['type']>(type: T): Extract<ReplicationEvent, { type: T }>[] {
    return this.events
      .map((e) => e.event)
      .filter((e): e is Extract<ReplicationEvent, { type: T }> => e.type === type);
  }
}
