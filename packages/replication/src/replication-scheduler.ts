/**
 * `ReplicationScheduler`: the sans-I/O core that keeps blocks at their replication policy. One runs
 * on every node; each schedules only the blocks it is the repairer of (see `repairer-election.ts`),
 * so the network as a whole repairs each block exactly once.
 *
 * **In:** `tick(now)`; host reports through `step(from, report)` (or the `report…` helpers); commands
 * that keep its view current — `updateNode` / `removeNode` (node-state candidates), membership and
 * registry events (`applyMembershipEvent`, `applyRegistryEvent`: suspicion, death, partition, state
 * changes), `indexChanged` after the host changed or merged the block index, `startDrain` /
 * `cancelDrain` for the local node's shutdown, `recordAccess` for heat.
 *
 * **Out:** `Ready` batches of typed events (no messages and no records: the scheduler's state is
 * rebuilt from the durable block index after a restart; an in-flight transfer lost in a crash is
 * simply planned again). The host acts on `jobStarted` (copy `job.blockId` from `job.source` to each
 * target, record each stored copy in the block index, then report `copyStored` / `copyFailed`) and on
 * `trimStarted` (drop the copy at each node, record the drop, report `copyDropped` / `dropFailed`),
 * and forwards `drainProgressed` to node-state's `NodeLifecycle.updateBlock`.
 *
 * **Work, in order:** triggers (copy count, predicted failure, shutdown drain, spread) are assessed
 * per block (`block-assessment.ts`) and queued by rank (`job-priority.ts`); each tick starts the most
 * urgent queued jobs that fit the concurrency, per-target and bytes-in-flight limits, choosing targets
 * with the `NodeSelector`. A failed target is excluded for the block and the job retried with
 * exponential backoff and jitter; a job past its deadline fails its pending targets. Over-replicated
 * blocks are trimmed (`trim-planner.ts`) when no copy job of theirs is in flight.
 *
 * **Quiet periods:** copies on holders that are merely down (OFFLINE, EMERGENCY_SHUTDOWN, or dead in
 * membership) are replaced only after `repairDelayMs` (default 60 s; Ceph's down → out), unless live
 * copies are below the minimum; PERMANENTLY_OFFLINE holders are replaced at once. While the node
 * believes it is partitioned, no repair, predicted-failure or spread job is queued and nothing is
 * trimmed (the missing holders are probably alive on the other side); drains go on.
 *
 * **Efficiency:** the scheduler reads only what changed — the blocks of a node whose state changed,
 * the blocks of its own jobs, blocks named in `indexChanged` — plus a periodic full pass over the
 * index's ranked work lists (`rescanIntervalMs`) to catch changes merged from other replicas. Queued
 * work sits in a heap (lazy deletion), timers in a deadline heap, and `nextDeadline()` tells a host or
 * simulator when the next tick is useful.
 */
import {
  type BlockHealth,
  type BlockIndex,
  type HolderLocation,
  HolderState,
} from '@brightchain/block-index';
import {
  BrightChainError,
  type GuidV4,
  isGuidV4,
  type Random,
  type Ready,
  ReadyBuilder,
  type StateMachine,
} from '@brightchain/core';
import {
  type DrainProgress,
  type MembershipEvent,
  minimumTransferMs,
  type NodeRegistryEvent,
  NodeState,
  ShutdownPlan,
  type ShutdownRequest,
  validateShutdownRequest,
} from '@brightchain/node-state';
import { AccessHeat } from './access-heat';
import { BinaryHeap } from '@brightchain/core';
import { type BlockAssessment, assessBlock } from './block-assessment';
import { blockBytesOf, blockHexOf } from './block-key';
import { ReplicationErrorCode } from './error-codes';
import { holderStateFor } from './holder-state-mapping';
import { IssueList } from './issue-list';
import { compareJobRanks, type JobRank, priorityNumber, type ReplicationTrigger } from './job-priority';
import { type SelectionCandidate, validateSelectionCandidate } from './node-selection-criteria';
import { NodeSelector, type SelectionRequest, type SelectionStrategy } from './node-selector';
import { ReplicationPolicyResolver } from './policy-resolver';
import { closestNode } from './rendezvous';
import type { FailedTarget, ReplicationEvent } from './replication-events';
import type {
  ReplicationJobStatus,
  ScheduledReplicationJob,
  TargetOutcome,
  TrimJob,
  TrimOutcome,
} from './replication-job';
import type { PriorityLevel, ReplicationPolicy } from './replication-policy';
import { checkReporter, type ReplicationReport, validateReplicationReport } from './replication-report';
import { type BackoffPolicy, backoffDelayMs, resolveBackoffPolicy } from './retry-backoff';
import { TimerQueue } from './timer-queue';
import { chooseCopiesToTrim } from './trim-planner';

/** Concurrency and bandwidth limits of one scheduler. */
export interface ReplicationLimits {
  /** Transfers (job targets) in flight at once, over all jobs. Default 32. */
  readonly maxConcurrentTransfers: number;
  /** Transfers in flight to one target node. Default 4. */
  readonly maxTransfersPerTarget: number;
  /** Bytes in flight (sum of block sizes × targets). Default 1 GiB. */
  readonly maxBytesInFlight: number;
  /** Targets of one job (a larger deficit is filled by the next job). Default 8. */
  readonly maxTargetsPerJob: number;
  /** Trim jobs in flight at once. Default 16. */
  readonly maxConcurrentTrims: number;
}

/** The default {@link ReplicationLimits}. */
export const DEFAULT_REPLICATION_LIMITS: ReplicationLimits = Object.freeze({
  maxConcurrentTransfers: 32,
  maxTransfersPerTarget: 4,
  maxBytesInFlight: 2 ** 30,
  maxTargetsPerJob: 8,
  maxConcurrentTrims: 16,
});

/** Default repair delay for holders that are merely down: 60 s. */
export const DEFAULT_REPAIR_DELAY_MS = 60_000;

/** Options of a {@link ReplicationScheduler}. */
export interface ReplicationSchedulerOptions {
  /** This node (the repairer identity, and the source of its jobs). */
  readonly nodeId: GuidV4;
  /** The local block index (read; the scheduler only sets holder states on it). */
  readonly index: BlockIndex;
  /** Randomness for node selection and backoff jitter. */
  readonly random: Random;
  /** The starting time (ms). */
  readonly now: number;
  /** A resolver, or one policy for every block. Default: {@link ReplicationPolicyResolver} defaults. */
  readonly policies?: ReplicationPolicyResolver | ReplicationPolicy;
  /** The initial node view. */
  readonly candidates?: Iterable<SelectionCandidate>;
  /** Node selection strategy. Default `two-choices`. */
  readonly selectorStrategy?: SelectionStrategy;
  readonly limits?: Partial<ReplicationLimits>;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Time a started copy job gets (plus its minimum transfer time), ms. Default 60 000. */
  readonly jobTimeoutMs?: number;
  /** Time a trim job gets, ms. Default 60 000. */
  readonly trimTimeoutMs?: number;
  /** Wait before replacing copies on a merely-down holder, ms. Default 60 000; 0 repairs at once. */
  readonly repairDelayMs?: number;
  /** Repair at once when live copies are below the minimum, whatever the delay. Default true. */
  readonly urgentSkipsDelay?: boolean;
  /** Period of the full pass over the index's work lists, ms. Default 30 000. */
  readonly rescanIntervalMs?: number;
  /** How long a block waits after its attempts are used up or no target was found, ms. Default 30 000. */
  readonly parkMs?: number;
  /** How long a failed target is not chosen again for the same block, ms. Default 600 000. */
  readonly failedTargetExclusionMs?: number;
  /** Half-life of access heat, ms. Default 1 hour. */
  readonly heatHalfLifeMs?: number;
  /** The jurisdiction tag of a block, checked against region-restricted nodes. Default: none. */
  readonly blockRegionOf?: (blockHex: string) => string | undefined;
}

/** Counters and sizes of a scheduler. */
export interface ReplicationSchedulerStats {
  /** Jobs queued (PENDING). */
  readonly queued: number;
  /** Jobs IN_PROGRESS. */
  readonly active: number;
  readonly transfersInFlight: number;
  readonly bytesInFlight: number;
  readonly trimsInFlight: number;
  /** Blocks waiting for a target or for capacity. */
  readonly waiting: number;
  readonly jobsCompleted: number;
  readonly jobsFailed: number;
  readonly trimsCompleted: number;
  readonly partitioned: boolean;
}

interface NodeView {
  candidate: SelectionCandidate | undefined;
  state: NodeState;
  membershipDown: boolean;
  downSince: number | undefined;
  suspected: boolean;
}

interface JobState {
  readonly jobId: number;
  readonly hex: string;
  readonly bytes: Uint8Array;
  trigger: ReplicationTrigger;
  level: PriorityLevel;
  priority: number;
  currentCopies: number;
  remainingCopies: number;
  readonly attempt: number;
  sizeBytes: number;
  readonly queuedAt: number;
  startedAt: number | undefined;
  deadline: number;
  status: ReplicationJobStatus;
  targets: readonly GuidV4[];
  /** Per-target outcomes; created when the job starts. */
  outcomes: Map<GuidV4, TargetOutcome> | undefined;
  failures: FailedTarget[] | undefined;
}

/** A job that has started: its outcomes and failures exist. */
interface StartedJob extends JobState {
  outcomes: Map<GuidV4, TargetOutcome>;
  failures: FailedTarget[];
}

interface QueuedPlan {
  readonly job: JobState;
  version: number;
  rank: JobRank;
  deficit: number;
  storedHolders: readonly GuidV4[];
  regions: readonly string[];
  newRegionsOnly: boolean;
  spread: boolean;
}

interface TrimState {
  readonly trimId: number;
  readonly hex: string;
  readonly bytes: Uint8Array;
  readonly nodes: readonly GuidV4[];
  readonly outcomes: Map<GuidV4, TrimOutcome>;
  readonly currentCopies: number;
  readonly deadline: number;
  status: ReplicationJobStatus;
  failure: string | undefined;
}

type Risk = 'none' | 'atRisk' | 'lost';

interface BlockWork {
  readonly hex: string;
  readonly bytes: Uint8Array;
  queued: QueuedPlan | undefined;
  active: StartedJob | undefined;
  trim: TrimState | undefined;
  /** Failed attempts in the current episode. */
  attempt: number;
  /** No new job before this time (backoff or park). */
  notBefore: number;
  readonly excluded: Map<GuidV4, number>;
  risk: Risk;
}

interface HeapEntry {
  readonly rank: JobRank;
  readonly hex: string;
  readonly version: number;
}

interface DrainState {
  readonly plan: ShutdownPlan;
  readonly bytes: Map<string, Uint8Array>;
  readonly shutdownTime: number;
  completedReported: boolean;
}

const NO_TARGETS: readonly GuidV4[] = Object.freeze([]);

const DOWN_STATES: ReadonlySet<NodeState> = new Set([
  NodeState.EMERGENCY_SHUTDOWN,
  NodeState.OFFLINE,
  NodeState.PERMANENTLY_OFFLINE,
]);

function commandError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(ReplicationErrorCode.COMMAND_INVALID, message, { details });
}

function reportError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(ReplicationErrorCode.REPORT_INVALID, `invalid replication report: ${message}`, {
    details: { reason: message, ...details },
  });
}

/**
 * The replication scheduler (see the file comment).
 *
 * @throws nothing
 * @example
 * ```ts
 * const scheduler = new ReplicationScheduler({ nodeId: self, index, random: new SeededRandom(1), now: clock.now() });
 * for (const node of registry.list()) scheduler.updateNode(candidateFromRegisteredNode(node));
 * scheduler.tick(clock.now());
 * for (const event of scheduler.ready().events) {
 *   if (event.type === 'jobStarted') host.copy(event.job); // then index.recordStored(…) and
 *   // scheduler.reportCopyStored(event.job.jobId, target)
 * }
 * scheduler.advance();
 * const wakeAt = scheduler.nextDeadline(); // tick again then (or when a report arrives)
 * ```
 */
export class ReplicationScheduler implements StateMachine<ReplicationReport, never, ReplicationEvent> {
  /** This node. */
  readonly nodeId: GuidV4;
  /** The policy resolver in use. */
  readonly policies: ReplicationPolicyResolver;
  /** The node selector in use (its candidates are the scheduler's node view). */
  readonly selector: NodeSelector;
  private readonly index: BlockIndex;
  private readonly random: Random;
  private readonly limits: ReplicationLimits;
  private readonly backoff: BackoffPolicy;
  private readonly jobTimeoutMs: number;
  private readonly trimTimeoutMs: number;
  private readonly repairDelayMs: number;
  private readonly urgentSkipsDelay: boolean;
  private readonly rescanIntervalMs: number;
  private readonly parkMs: number;
  private readonly exclusionMs: number;
  private readonly blockRegionOf: ((blockHex: string) => string | undefined) | undefined;
  private readonly heat: AccessHeat;
  private readonly outbox = new ReadyBuilder<ReplicationReport, never, ReplicationEvent>();

  private current: number;
  private nextId = 1;
  private readonly nodes = new Map<GuidV4, NodeView>();
  private liveNodesCache: GuidV4[] | undefined;
  private readonly works = new Map<string, BlockWork>();
  private readonly activeJobs = new Map<number, StartedJob>();
  private readonly activeTrims = new Map<number, TrimState>();
  private readonly pending = new BinaryHeap<HeapEntry>((a, b) => compareJobRanks(a.rank, b.rank) < 0);
  private queuedCount = 0;
  private readonly timers = new TimerQueue();
  private readonly dirty = new Set<string>();
  private readonly isSuspectedFn = (node: GuidV4): boolean => this.nodes.get(node)?.suspected === true;
  private readonly graceUntilFn = (node: GuidV4): number | undefined => this.graceUntil(node);
  /** Health read by the latest full pass, used once by the assessment that follows it. */
  private healthHints: Map<string, BlockHealth> | undefined;
  /** Blocks whose job found no target because of per-target limits: retried when capacity frees. */
  private readonly waiting = new Set<string>();
  /** Blocks whose job found no eligible target at all: retried when the node view changes. */
  private readonly parked = new Set<string>();
  /** Nodes that went down since the last tick; their repair delay starts at the next tick. */
  private readonly downToStamp = new Set<GuidV4>();
  private rescanDue = true;
  private dispatchWanted = false;
  private partitioned = false;
  private drain: DrainState | undefined;
  private transfers = 0;
  private bytesInFlight = 0;
  private readonly perTarget = new Map<GuidV4, number>();
  private completed = 0;
  private failed = 0;
  private trimsCompleted = 0;

  /**
   * @throws BrightChainError `BC_REPLICATION_OPTIONS_INVALID` (with `details.issues`) for bad options;
   * `BC_REPLICATION_POLICY_INVALID` for an invalid policy; `BC_REPLICATION_SELECTION_INVALID` for an
   * invalid candidate
   */
  constructor(options: ReplicationSchedulerOptions) {
    const issues = new IssueList();
    if (typeof options !== 'object' || options === null) {
      issues.add('(root)', 'must be an object');
      issues.throwIfAny(ReplicationErrorCode.OPTIONS_INVALID, 'scheduler options');
    }
    if (!isGuidV4(options.nodeId)) issues.add('nodeId', 'must be a canonical GuidV4');
    const index = options.index as Partial<BlockIndex> | undefined;
    if (typeof index !== 'object' || index === null || typeof index.holdersOf !== 'function') {
      issues.add('index', 'must be a BlockIndex');
    }
    issues.number('now', options.now, 0);
    const ms = (name: keyof ReplicationSchedulerOptions, fallback: number, min = 0): number => {
      const value = options[name] ?? fallback;
      issues.number(name, value, min);
      return value as number;
    };
    const jobTimeoutMs = ms('jobTimeoutMs', 60_000, 1);
    const trimTimeoutMs = ms('trimTimeoutMs', 60_000, 1);
    const repairDelayMs = ms('repairDelayMs', DEFAULT_REPAIR_DELAY_MS);
    const rescanIntervalMs = ms('rescanIntervalMs', 30_000, 1);
    const parkMs = ms('parkMs', 30_000, 1);
    const exclusionMs = ms('failedTargetExclusionMs', 600_000);
    const heatHalfLifeMs = ms('heatHalfLifeMs', 3_600_000, 1);
    if (options.urgentSkipsDelay !== undefined && typeof options.urgentSkipsDelay !== 'boolean') {
      issues.add('urgentSkipsDelay', 'must be a boolean');
    }
    if (options.blockRegionOf !== undefined && typeof options.blockRegionOf !== 'function') {
      issues.add('blockRegionOf', 'must be a function');
    }
    const limits = { ...DEFAULT_REPLICATION_LIMITS, ...(options.limits ?? {}) };
    issues.integer('limits.maxConcurrentTransfers', limits.maxConcurrentTransfers, 1);
    issues.integer('limits.maxTransfersPerTarget', limits.maxTransfersPerTarget, 1);
    issues.integer('limits.maxTargetsPerJob', limits.maxTargetsPerJob, 1);
    issues.integer('limits.maxConcurrentTrims', limits.maxConcurrentTrims, 1);
    if (!(typeof limits.maxBytesInFlight === 'number' && limits.maxBytesInFlight > 0)) {
      issues.add('limits.maxBytesInFlight', 'must be a positive number or Infinity');
    }
    issues.throwIfAny(ReplicationErrorCode.OPTIONS_INVALID, 'scheduler options');
    this.backoff = resolveBackoffPolicy(options.backoff ?? {});
    this.policies =
      options.policies instanceof ReplicationPolicyResolver
        ? options.policies
        : new ReplicationPolicyResolver(
            options.policies === undefined ? {} : { defaultPolicy: options.policies },
          );
    this.nodeId = options.nodeId;
    this.index = options.index;
    this.random = options.random;
    this.current = options.now;
    this.limits = Object.freeze(limits);
    this.jobTimeoutMs = jobTimeoutMs;
    this.trimTimeoutMs = trimTimeoutMs;
    this.repairDelayMs = repairDelayMs;
    this.urgentSkipsDelay = options.urgentSkipsDelay ?? true;
    this.rescanIntervalMs = rescanIntervalMs;
    this.parkMs = parkMs;
    this.exclusionMs = exclusionMs;
    this.blockRegionOf = options.blockRegionOf;
    this.heat = new AccessHeat(heatHalfLifeMs);
    this.selector = new NodeSelector({
      random: options.random,
      ...(options.selectorStrategy === undefined ? {} : { strategy: options.selectorStrategy }),
    });
    for (const candidate of options.candidates ?? []) this.updateNode(candidate);
  }

  // ------------------------------------------------------------------ StateMachine

  /**
   * The latest time given (ms).
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.now; // the last tick
   * ```
   */
  get now(): number {
    return this.current;
  }

  /**
   * Advances time: fires due timers (job and trim deadlines, retries, repair delays, the periodic
   * rescan), assesses changed blocks, queues and starts work.
   *
   * @throws BrightChainError `BC_REPLICATION_TIME_INVALID` for a non-finite time or one before the last
   * @example
   * ```ts
   * scheduler.tick(clock.now());
   * ```
   */
  tick(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now) || now < this.current) {
      throw new BrightChainError(
        ReplicationErrorCode.TIME_INVALID,
        'tick time must be finite and not go backwards',
        {
          details: { now: String(now), previous: this.current },
        },
      );
    }
    this.current = now;
    for (const nodeId of this.downToStamp) {
      const view = this.nodes.get(nodeId);
      if (view === undefined || !this.isDown(view)) continue;
      view.downSince = now;
      if (view.state !== NodeState.PERMANENTLY_OFFLINE)
        this.timers.set(`node:${nodeId}`, now + this.repairDelayMs);
    }
    this.downToStamp.clear();
    for (const key of this.timers.popDue(now)) this.fireTimer(key);
    if (this.rescanDue) this.fullRescan();
    this.processDirty();
    this.dispatch();
  }

  /**
   * Applies a host report about node `from` (see {@link ReplicationReport}). A stored copy must
   * already be recorded in the block index, a dropped one recorded as dropped.
   *
   * @throws BrightChainError `BC_REPLICATION_REPORT_INVALID` for a malformed report, an unknown or
   * finished job or trim, a block id that is not the job's, a node that is not one of its targets, an
   * outcome already reported, or a stored/dropped copy the index does not show; nothing changes then
   * @example
   * ```ts
   * index.recordStored(job.blockId, target, region);
   * scheduler.step(target, { type: 'copyStored', jobId: job.jobId, blockId: job.blockHex });
   * ```
   */
  step(from: GuidV4, message: ReplicationReport): void {
    checkReporter(from);
    const report = validateReplicationReport(message);
    if (report.type === 'copyStored' || report.type === 'copyFailed') {
      const job = this.activeJobs.get(report.jobId);
      if (job === undefined) throw reportError('no job in progress with this id', { jobId: report.jobId });
      if (job.hex !== report.blockId) throw reportError('block id is not the job’s', { jobId: report.jobId });
      const outcome = job.outcomes.get(from);
      if (outcome === undefined)
        throw reportError('node is not a target of the job', { jobId: report.jobId, from });
      if (outcome !== 'PENDING')
        throw reportError('outcome already reported', { jobId: report.jobId, from, outcome });
      if (report.type === 'copyStored') {
        if (!this.storedAt(job.hex, from)) {
          throw reportError('the block index does not show the copy: record it before reporting', {
            jobId: report.jobId,
            from,
          });
        }
        this.targetDone(job, from, 'STORED', undefined);
      } else {
        this.targetDone(job, from, 'FAILED', report.reason);
      }
      return;
    }
    const trim = this.activeTrims.get(report.trimId);
    if (trim === undefined) throw reportError('no trim in progress with this id', { trimId: report.trimId });
    if (trim.hex !== report.blockId)
      throw reportError('block id is not the trim’s', { trimId: report.trimId });
    const outcome = trim.outcomes.get(from);
    if (outcome === undefined)
      throw reportError('node is not part of the trim', { trimId: report.trimId, from });
    if (outcome !== 'PENDING')
      throw reportError('outcome already reported', { trimId: report.trimId, from, outcome });
    if (report.type === 'copyDropped') {
      if (this.storedAt(trim.hex, from)) {
        throw reportError('the block index still shows the copy: record the drop before reporting', {
          trimId: report.trimId,
          from,
        });
      }
      this.trimNodeDone(trim, from, 'DROPPED', undefined);
    } else {
      this.trimNodeDone(trim, from, 'FAILED', report.reason);
    }
  }

  /**
   * True when `ready()` would return events.
   *
   * @throws nothing
   * @example
   * ```ts
   * if (scheduler.hasReady()) handle(scheduler.ready());
   * ```
   */
  hasReady(): boolean {
    return this.outbox.nonEmpty;
  }

  /**
   * The pending batch: events only (no messages, no records).
   *
   * @throws nothing
   * @example
   * ```ts
   * const { events } = scheduler.ready();
   * ```
   */
  ready(): Ready<ReplicationReport, never, ReplicationEvent> {
    return this.outbox.take();
  }

  /**
   * Acknowledges the last batch (nothing to do: `ready()` already handed it over).
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.advance();
   * ```
   */
  advance(): void {}

  /**
   * When the next `tick` has something to do: `now` when work is waiting to be assessed or started,
   * else the earliest timer (deadline, retry, repair delay, periodic rescan).
   *
   * @throws nothing
   * @example
   * ```ts
   * sim.scheduleAt(scheduler.nextDeadline() ?? Infinity, () => scheduler.tick(sim.now));
   * ```
   */
  nextDeadline(): number | undefined {
    if (this.rescanDue || this.dirty.size > 0 || (this.dispatchWanted && this.pending.size > 0))
      return this.current;
    return this.timers.peek();
  }

  // ------------------------------------------------------------------ report helpers

  /**
   * Reports that `target` stored its copy for `jobId` (record it in the index first).
   *
   * @throws BrightChainError as {@link ReplicationScheduler.step}
   * @example
   * ```ts
   * scheduler.reportCopyStored(job.jobId, target);
   * ```
   */
  reportCopyStored(jobId: number, target: GuidV4): void {
    const job = this.activeJobs.get(jobId);
    if (job === undefined) throw reportError('no job in progress with this id', { jobId });
    this.step(target, { type: 'copyStored', jobId, blockId: job.hex });
  }

  /**
   * Reports that `target` could not store its copy for `jobId`.
   *
   * @throws BrightChainError as {@link ReplicationScheduler.step}
   * @example
   * ```ts
   * scheduler.reportCopyFailed(job.jobId, target, 'connection reset');
   * ```
   */
  reportCopyFailed(jobId: number, target: GuidV4, reason: string): void {
    const job = this.activeJobs.get(jobId);
    if (job === undefined) throw reportError('no job in progress with this id', { jobId });
    this.step(target, { type: 'copyFailed', jobId, blockId: job.hex, reason });
  }

  /**
   * Reports that `node` dropped its copy for `trimId` (record the drop in the index first).
   *
   * @throws BrightChainError as {@link ReplicationScheduler.step}
   * @example
   * ```ts
   * scheduler.reportDropped(trim.trimId, node);
   * ```
   */
  reportDropped(trimId: number, node: GuidV4): void {
    const trim = this.activeTrims.get(trimId);
    if (trim === undefined) throw reportError('no trim in progress with this id', { trimId });
    this.step(node, { type: 'copyDropped', trimId, blockId: trim.hex });
  }

  /**
   * Reports that `node` could not drop its copy for `trimId`.
   *
   * @throws BrightChainError as {@link ReplicationScheduler.step}
   * @example
   * ```ts
   * scheduler.reportDropFailed(trim.trimId, node, 'disk busy');
   * ```
   */
  reportDropFailed(trimId: number, node: GuidV4, reason: string): void {
    const trim = this.activeTrims.get(trimId);
    if (trim === undefined) throw reportError('no trim in progress with this id', { trimId });
    this.step(node, { type: 'dropFailed', trimId, blockId: trim.hex, reason });
  }

  // ------------------------------------------------------------------ commands: node view

  /**
   * Adds or replaces a node in the view (state, capabilities, selection criteria). Updates the node's
   * holder state in the block index, starts or clears its repair delay, and re-assesses its blocks.
   *
   * @throws BrightChainError `BC_REPLICATION_SELECTION_INVALID` for an invalid candidate
   * @example
   * ```ts
   * scheduler.updateNode(candidateFromRegisteredNode(registry.get(nodeId)));
   * ```
   */
  updateNode(candidate: SelectionCandidate): void {
    const valid = validateSelectionCandidate(candidate);
    const view = this.viewOf(valid.nodeId);
    const wasDown = this.isDown(view);
    const wasSuspected = view.suspected;
    const previousState = view.state;
    view.candidate = valid;
    view.state = valid.state;
    if (!DOWN_STATES.has(valid.state)) view.membershipDown = false;
    this.selector.upsert(valid);
    this.afterViewChange(valid.nodeId, view, wasDown, wasSuspected, previousState);
  }

  /**
   * Forgets a node (e.g. node-state's `nodeForgotten`). Its copies no longer count.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad node id
   * @example
   * ```ts
   * scheduler.removeNode(retired);
   * ```
   */
  removeNode(nodeId: GuidV4): void {
    this.checkNode(nodeId);
    if (!this.nodes.has(nodeId)) return;
    this.nodes.delete(nodeId);
    this.selector.remove(nodeId);
    this.liveNodesCache = undefined;
    this.timers.clear(`node:${nodeId}`);
    this.downToStamp.delete(nodeId);
    this.setHolderState(nodeId, HolderState.UNAVAILABLE);
    this.markBlocksOf(nodeId);
    this.wakeWaiting();
  }

  /**
   * Marks a node suspected (failure predicted) or clears it. Its copies stop counting as remaining,
   * so its blocks get pre-emptive copies (PREDICTED_FAILURE); it is never a repairer or a target.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad node id or flag
   * @example
   * ```ts
   * scheduler.setSuspected(nodeId, true); // φ crossed the suspicion level
   * ```
   */
  setSuspected(nodeId: GuidV4, suspected: boolean): void {
    this.checkNode(nodeId);
    if (typeof suspected !== 'boolean') throw commandError('suspected must be a boolean');
    const view = this.viewOf(nodeId);
    if (view.suspected === suspected) return;
    const wasDown = this.isDown(view);
    view.suspected = suspected;
    this.afterViewChange(nodeId, view, wasDown, !suspected);
  }

  /**
   * Marks a node down (membership declared it dead or gone) or up again, whatever its last announced
   * state. A down node's copies stop counting; they are replaced after the repair delay.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad node id or flag
   * @example
   * ```ts
   * scheduler.setNodeDown(nodeId, true);
   * ```
   */
  setNodeDown(nodeId: GuidV4, down: boolean): void {
    this.checkNode(nodeId);
    if (typeof down !== 'boolean') throw commandError('down must be a boolean');
    const view = this.viewOf(nodeId);
    if (view.membershipDown === down) return;
    const wasDown = this.isDown(view);
    view.membershipDown = down;
    this.afterViewChange(nodeId, view, wasDown, view.suspected);
  }

  /**
   * Tells the scheduler whether this node believes it is partitioned (node-state's partition
   * detector). While partitioned, repairs and trims are suppressed; drains go on.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a non-boolean
   * @example
   * ```ts
   * scheduler.setPartitioned(true);
   * ```
   */
  setPartitioned(partitioned: boolean): void {
    if (typeof partitioned !== 'boolean') throw commandError('partitioned must be a boolean');
    if (this.partitioned === partitioned) return;
    this.partitioned = partitioned;
    if (partitioned) {
      for (const work of this.works.values()) {
        if (work.queued !== undefined && work.queued.job.trigger !== 'SHUTDOWN_DRAIN') {
          this.cancelQueued(work, 'partitioned');
        }
      }
    } else {
      this.rescanDue = true;
    }
  }

  /**
   * True while the scheduler considers the node partitioned.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.isPartitioned;
   * ```
   */
  get isPartitioned(): boolean {
    return this.partitioned;
  }

  /**
   * Applies a membership event from node-state's `SwimMembership`: `memberSuspected` suspects,
   * `memberAlive` clears suspicion and death, `memberDead` / `memberLeft` mark the node down,
   * `partitionChanged` sets the partition flag. Other events are ignored.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a malformed event
   * @example
   * ```ts
   * for (const event of membership.ready().events) scheduler.applyMembershipEvent(event);
   * ```
   */
  applyMembershipEvent(event: MembershipEvent): void {
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
      throw commandError('membership event must be an object with a type');
    }
    switch (event.type) {
      case 'memberSuspected':
        this.setSuspected(event.id, true);
        break;
      case 'memberAlive':
        this.checkNode(event.id);
        this.setSuspected(event.id, false);
        this.setNodeDown(event.id, false);
        break;
      case 'memberDead':
      case 'memberLeft':
        this.checkNode(event.id);
        this.setSuspected(event.id, false);
        this.setNodeDown(event.id, true);
        break;
      case 'partitionChanged':
        this.setPartitioned(event.partitioned);
        break;
      default:
        break;
    }
  }

  /**
   * Applies a node registry event from node-state's `NodeRegistry`: `stateChanged` and
   * `capabilitiesChanged` update a known node, `failurePredicted` / `failurePredictionCleared` set
   * suspicion, `nodeForgotten` removes the node. Others are ignored (use `updateNode` for new nodes).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a malformed event
   * @example
   * ```ts
   * for (const event of registry.ready().events) scheduler.applyRegistryEvent(event);
   * ```
   */
  applyRegistryEvent(event: NodeRegistryEvent): void {
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
      throw commandError('registry event must be an object with a type');
    }
    switch (event.type) {
      case 'stateChanged': {
        this.checkNode(event.nodeId);
        const view = this.nodes.get(event.nodeId);
        if (view?.candidate !== undefined) this.updateNode({ ...view.candidate, state: event.to });
        else {
          const bare = this.viewOf(event.nodeId);
          const wasDown = this.isDown(bare);
          const previousState = bare.state;
          bare.state = event.to;
          if (!DOWN_STATES.has(event.to)) bare.membershipDown = false;
          this.afterViewChange(event.nodeId, bare, wasDown, bare.suspected, previousState);
        }
        break;
      }
      case 'capabilitiesChanged': {
        this.checkNode(event.nodeId);
        const view = this.nodes.get(event.nodeId);
        if (view?.candidate !== undefined)
          this.updateNode({ ...view.candidate, capabilities: event.capabilities });
        break;
      }
      case 'failurePredicted':
        this.setSuspected(event.nodeId, true);
        break;
      case 'failurePredictionCleared':
        this.setSuspected(event.nodeId, false);
        break;
      case 'nodeForgotten':
        this.removeNode(event.nodeId);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------------ commands: blocks

  /**
   * Tells the scheduler the block index changed: for the given blocks (re-assessed at the next tick),
   * or — with no argument, e.g. after an anti-entropy merge — everywhere (a full pass at the next tick).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id; nothing is marked then
   * @example
   * ```ts
   * index.recordStored(blockId, holder, region);
   * scheduler.indexChanged([blockId]);
   * ```
   */
  indexChanged(blockIds?: readonly (Uint8Array | string)[]): void {
    if (blockIds === undefined) {
      this.rescanDue = true;
      return;
    }
    if (!Array.isArray(blockIds)) throw commandError('blockIds must be an array');
    const hexes = blockIds.map((id) => this.hexOf(id));
    for (const hex of hexes) this.dirty.add(hex);
  }

  /**
   * Records reads of a block (access heat: hot blocks are repaired before cold ones of equal urgency).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id or count
   * @example
   * ```ts
   * scheduler.recordAccess(blockId);
   * ```
   */
  recordAccess(blockId: Uint8Array | string, count = 1): void {
    this.heat.record(this.hexOf(blockId), this.current, count);
  }

  /**
   * The access heat of a block now.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id
   * @example
   * ```ts
   * scheduler.heatOf(blockId);
   * ```
   */
  heatOf(blockId: Uint8Array | string): number {
    return this.heat.heat(this.hexOf(blockId), this.current);
  }

  // ------------------------------------------------------------------ commands: drain

  /**
   * Starts draining this node for its announced shutdown (node-state's `shutdownAnnounced`): the
   * node's copies count as `LEAVING`, and every block it holds is copied until it has its target in
   * durable copies elsewhere, lowest durability first, before `shutdownTime`. Progress of the
   * request's affected blocks is reported as `drainProgressed` events (PENDING → IN_PROGRESS →
   * COMPLETED), then `drainCompleted`.
   *
   * @throws BrightChainError `BC_NODE_SHUTDOWN_INVALID` for a malformed request (from node-state);
   * `BC_REPLICATION_COMMAND_INVALID` for a request of another node or while a drain is in progress
   * @example
   * ```ts
   * lifecycle.announceShutdown(request, now);
   * scheduler.startDrain(request);
   * ```
   */
  startDrain(request: ShutdownRequest): void {
    const valid = validateShutdownRequest(request);
    if (valid.nodeId !== this.nodeId) {
      throw commandError('the shutdown request is for another node', { nodeId: valid.nodeId });
    }
    if (this.drain !== undefined) throw commandError('a drain is already in progress; cancel it first');
    const plan = new ShutdownPlan(valid);
    const bytes = new Map<string, Uint8Array>();
    for (const block of valid.affectedBlocks) bytes.set(blockHexOf(block.blockId) as string, block.blockId);
    this.drain = { plan, bytes, shutdownTime: valid.shutdownTime.getTime(), completedReported: false };
    this.setHolderState(this.nodeId, HolderState.LEAVING);
    for (const hex of bytes.keys()) this.dirty.add(hex);
    this.markBlocksOf(this.nodeId);
    if (plan.isComplete) this.reportDrainComplete();
  }

  /**
   * Stops draining (node-state's `shutdownCancelled`): this node's copies count as durable again.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` when no drain is in progress
   * @example
   * ```ts
   * scheduler.cancelDrain();
   * ```
   */
  cancelDrain(): void {
    if (this.drain === undefined) throw commandError('no drain is in progress');
    this.drain = undefined;
    this.applyHolderState(this.nodeId);
    this.markBlocksOf(this.nodeId);
  }

  /**
   * Counts of the drain's affected blocks by status, or `undefined` with no drain.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.drainProgress(); // { total: 120, pending: 80, inProgress: 8, completed: 32 }
   * ```
   */
  drainProgress(): DrainProgress | undefined {
    return this.drain?.plan.progress;
  }

  /**
   * The drain's request with every affected block's current status, or `undefined` with no drain.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.drainRequest()?.affectedBlocks.filter((b) => b.replicationStatus !== 'COMPLETED');
   * ```
   */
  drainRequest(): ShutdownRequest | undefined {
    return this.drain?.plan.request;
  }

  // ------------------------------------------------------------------ queries

  /**
   * Queued and in-progress copy jobs, by job id.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.jobs().filter((job) => job.status === 'IN_PROGRESS');
   * ```
   */
  jobs(): ScheduledReplicationJob[] {
    const out: JobState[] = [];
    for (const work of this.works.values()) {
      if (work.queued !== undefined) out.push(work.queued.job);
      if (work.active !== undefined) out.push(work.active);
    }
    return out.sort((a, b) => a.jobId - b.jobId).map((job) => this.jobView(job));
  }

  /**
   * One queued or in-progress job, if it exists.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.job(7)?.status;
   * ```
   */
  job(jobId: number): ScheduledReplicationJob | undefined {
    const active = this.activeJobs.get(jobId);
    if (active !== undefined) return this.jobView(active);
    for (const work of this.works.values()) {
      if (work.queued?.job.jobId === jobId) return this.jobView(work.queued.job);
    }
    return undefined;
  }

  /**
   * Trims in progress, by id.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.trims().length;
   * ```
   */
  trims(): TrimJob[] {
    return [...this.activeTrims.values()]
      .sort((a, b) => a.trimId - b.trimId)
      .map((trim) => this.trimView(trim));
  }

  /**
   * Counters and sizes.
   *
   * @throws nothing
   * @example
   * ```ts
   * scheduler.stats.transfersInFlight;
   * ```
   */
  get stats(): ReplicationSchedulerStats {
    return Object.freeze({
      queued: this.queuedCount,
      active: this.activeJobs.size,
      transfersInFlight: this.transfers,
      bytesInFlight: this.bytesInFlight,
      trimsInFlight: this.activeTrims.size,
      waiting: this.waiting.size + this.parked.size,
      jobsCompleted: this.completed,
      jobsFailed: this.failed,
      trimsCompleted: this.trimsCompleted,
      partitioned: this.partitioned,
    });
  }

  /**
   * The node that should repair the block in this scheduler's view (see `repairer-election.ts`), or
   * `undefined` when no holder can.
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a bad block id
   * @example
   * ```ts
   * scheduler.repairerOf(blockId) === scheduler.nodeId;
   * ```
   */
  repairerOf(blockId: Uint8Array | string): GuidV4 | undefined {
    const hex = this.hexOf(blockId);
    const health = this.index.health(hex);
    if (health === undefined) return undefined;
    return this.assess(hex, health, this.index.holdersOf(hex)).repairer;
  }

  // ------------------------------------------------------------------ internals: view

  private checkNode(nodeId: unknown): asserts nodeId is GuidV4 {
    if (!isGuidV4(nodeId))
      throw commandError('node id must be a canonical GuidV4', { nodeId: String(nodeId).slice(0, 64) });
  }

  private hexOf(blockId: unknown): string {
    const hex = blockHexOf(blockId);
    if (hex === undefined) throw commandError('not a block id (64 bytes or 128 hex characters)');
    return hex;
  }

  private viewOf(nodeId: GuidV4): NodeView {
    let view = this.nodes.get(nodeId);
    if (view === undefined) {
      view = {
        candidate: undefined,
        state: NodeState.ONLINE,
        membershipDown: false,
        downSince: undefined,
        suspected: false,
      };
      this.nodes.set(nodeId, view);
    }
    return view;
  }

  private isDown(view: NodeView): boolean {
    return view.membershipDown || DOWN_STATES.has(view.state);
  }

  private isUnusable(nodeId: GuidV4): boolean {
    const view = this.nodes.get(nodeId);
    return view !== undefined && (view.suspected || this.isDown(view));
  }

  private afterViewChange(
    nodeId: GuidV4,
    view: NodeView,
    wasDown: boolean,
    wasSuspected: boolean,
    previousState: NodeState = view.state,
  ): void {
    const down = this.isDown(view);
    if (down && !wasDown) {
      // Time enters only through tick: the repair delay runs from the next tick.
      view.downSince = undefined;
      this.downToStamp.add(nodeId);
    } else if (!down && wasDown) {
      view.downSince = undefined;
      this.downToStamp.delete(nodeId);
      this.timers.clear(`node:${nodeId}`);
    }
    if (view.state === NodeState.PERMANENTLY_OFFLINE) this.timers.clear(`node:${nodeId}`);
    this.liveNodesCache = undefined;
    const holderChanged = this.applyHolderState(nodeId);
    if (
      holderChanged ||
      down !== wasDown ||
      view.suspected !== wasSuspected ||
      view.state !== previousState
    ) {
      this.markBlocksOf(nodeId);
    }
    this.wakeWaiting();
  }

  private applyHolderState(nodeId: GuidV4): boolean {
    if (nodeId === this.nodeId && this.drain !== undefined)
      return this.setHolderState(nodeId, HolderState.LEAVING);
    const view = this.nodes.get(nodeId);
    const wanted =
      view === undefined
        ? HolderState.SERVING
        : holderStateFor(view.state, view.candidate?.capabilities, view.membershipDown);
    return this.setHolderState(nodeId, wanted);
  }

  private setHolderState(nodeId: GuidV4, state: HolderState): boolean {
    if (this.index.holderState(nodeId) === state) return false;
    this.index.setHolderState(nodeId, state);
    return true;
  }

  private markBlocksOf(nodeId: GuidV4): void {
    for (const hex of this.index.blocksHeldBy(nodeId)) this.dirty.add(hex);
  }

  /**
   * Capacity was freed: blocks that found no target put their queued plan back in the heap as it
   * was (no re-assessment); blocks waiting for a trim slot are re-assessed.
   */
  private retryWaiting(): void {
    for (const hex of this.waiting) {
      const plan = this.works.get(hex)?.queued;
      if (plan === undefined) this.dirty.add(hex);
      else {
        plan.version += 1;
        this.pending.push({ rank: plan.rank, hex, version: plan.version });
      }
    }
    this.waiting.clear();
  }

  /** The node view changed: every waiting block is re-assessed (its candidates may differ). */
  private wakeWaiting(): void {
    for (const hex of this.waiting) this.dirty.add(hex);
    for (const hex of this.parked) this.dirty.add(hex);
    this.waiting.clear();
    this.parked.clear();
  }

  private graceUntil(nodeId: GuidV4): number | undefined {
    const view = this.nodes.get(nodeId);
    if (view === undefined || !this.isDown(view) || view.state === NodeState.PERMANENTLY_OFFLINE)
      return undefined;
    return (view.downSince ?? this.current) + this.repairDelayMs;
  }

  private liveNodes(): GuidV4[] {
    if (this.liveNodesCache === undefined) {
      const live: GuidV4[] = [];
      for (const [id, view] of this.nodes) if (!this.isDown(view)) live.push(id);
      if (!this.nodes.has(this.nodeId)) live.push(this.nodeId);
      this.liveNodesCache = live;
    }
    return this.liveNodesCache;
  }

  private storedAt(hex: string, nodeId: GuidV4): boolean {
    return this.index.holdersOf(hex).some((h) => h.holder === nodeId);
  }

  // ------------------------------------------------------------------ internals: timers and scans

  private fireTimer(key: string): void {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const rest = key.slice(colon + 1);
    if (kind === 'job') {
      const job = this.activeJobs.get(Number(rest));
      if (job !== undefined) {
        for (const [target, outcome] of job.outcomes) {
          if (outcome === 'PENDING') this.targetDone(job, target, 'FAILED', 'deadline passed');
        }
      }
    } else if (kind === 'trim') {
      const trim = this.activeTrims.get(Number(rest));
      if (trim !== undefined) {
        for (const [node, outcome] of trim.outcomes) {
          if (outcome === 'PENDING') this.trimNodeDone(trim, node, 'FAILED', 'deadline passed');
        }
      }
    } else if (kind === 'block') {
      this.dirty.add(rest);
    } else if (kind === 'node') {
      this.markBlocksOf(rest as GuidV4);
    } else if (kind === 'rescan') {
      this.rescanDue = true;
    }
  }

  private fullRescan(): void {
    this.rescanDue = false;
    const health = new Map<string, BlockHealth>();
    for (const list of [this.index.underReplicated(), this.index.clumped(), this.index.overReplicated()]) {
      for (const h of list) {
        health.set(h.blockId, h);
        this.dirty.add(h.blockId);
      }
    }
    for (const work of this.works.values()) this.dirty.add(work.hex);
    for (const [id, view] of this.nodes) if (view.suspected) this.markBlocksOf(id);
    if (this.drain !== undefined) {
      for (const hex of this.drain.bytes.keys()) this.dirty.add(hex);
      this.markBlocksOf(this.nodeId);
    }
    this.heat.prune(this.current, 1e-3);
    this.timers.set('rescan', this.current + this.rescanIntervalMs);
    this.healthHints = health;
  }

  private processDirty(): void {
    const hints = this.healthHints;
    this.healthHints = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const hex of batch) this.evaluate(hex, hints?.get(hex));
  }

  // ------------------------------------------------------------------ internals: assessment

  private assess(
    hex: string,
    health: BlockHealth,
    holders: readonly HolderLocation[],
    policy: ReplicationPolicy = this.policies.resolve(hex, health.metadata),
  ): BlockAssessment {
    return assessBlock({
      blockHex: hex,
      health,
      holders,
      policy,
      now: this.current,
      isSuspected: this.isSuspectedFn,
      graceUntil: this.graceUntilFn,
      eligibleNonHolders: () =>
        this.selector.countEligible(
          this.selectionRequest(
            hex,
            holders.map((h) => h.holder),
            health.metadata.sizeBytes,
            Number.MAX_SAFE_INTEGER,
            undefined,
          ),
        ),
      urgentSkipsDelay: this.urgentSkipsDelay,
    });
  }

  /**
   * The hard constraints of a selection for a block. With `work` (dispatching), the block's failed
   * targets and nodes at their per-target limit are excluded too.
   */
  private selectionRequest(
    hex: string,
    storedHolders: readonly GuidV4[],
    sizeBytes: number,
    count: number,
    work: BlockWork | undefined,
  ): SelectionRequest {
    const blockRegion = this.blockRegionOf?.(hex);
    const now = this.current;
    const maxPerTarget = this.limits.maxTransfersPerTarget;
    const exclude =
      work === undefined
        ? (id: GuidV4) => id === this.nodeId || this.isUnusable(id)
        : (id: GuidV4) =>
            id === this.nodeId ||
            this.isUnusable(id) ||
            (work.excluded.get(id) ?? Number.NEGATIVE_INFINITY) > now ||
            (this.perTarget.get(id) ?? 0) >= maxPerTarget;
    return {
      count,
      holders: storedHolders,
      exclude,
      sizeBytes,
      maxTransferMs: this.jobTimeoutMs,
      ...(blockRegion === undefined ? {} : { blockRegion }),
    };
  }

  /** The dispatch exclusions without the per-target limit. */
  private unsaturatedExclusion(work: BlockWork): (id: GuidV4) => boolean {
    const now = this.current;
    return (id) =>
      id === this.nodeId || this.isUnusable(id) || (work.excluded.get(id) ?? Number.NEGATIVE_INFINITY) > now;
  }

  private workOf(hex: string): BlockWork {
    let work = this.works.get(hex);
    if (work === undefined) {
      work = {
        hex,
        bytes: blockBytesOf(hex),
        queued: undefined,
        active: undefined,
        trim: undefined,
        attempt: 0,
        notBefore: Number.NEGATIVE_INFINITY,
        excluded: new Map(),
        risk: 'none',
      };
      this.works.set(hex, work);
    }
    return work;
  }

  private evaluate(hex: string, hint: BlockHealth | undefined): void {
    let work = this.works.get(hex);
    // Bytes, not hex, for the index: it would parse the hex on every call.
    const bytes = work?.bytes ?? blockBytesOf(hex);
    const health = hint ?? this.index.health(bytes);
    if (health === undefined) {
      if (work !== undefined) {
        this.cancelQueued(work, 'unknown-block');
        this.tidy(work);
      }
      return;
    }
    const holders = this.index.holdersOf(bytes);
    if (work === undefined && this.drain === undefined && !holders.some((h) => h.holder === this.nodeId)) {
      // Fast path: the repairer is always a live holder, so a node that does not hold the block has
      // nothing to do for it — unless no live copy is left (the steward reports the loss).
      if (holders.some((h) => h.countsAsCopy)) return;
    }
    const policy = this.policies.resolve(bytes, health.metadata);
    const a = this.assess(hex, health, holders, policy);
    if (this.drain?.bytes.has(hex)) this.updateDrain(hex, a);

    const responsible = a.repairer ?? (a.liveCopies === 0 ? closestNode(hex, this.liveNodes()) : undefined);
    if (work !== undefined && work.risk !== 'none' && a.liveCopies >= a.effectiveTarget) {
      work.risk = 'none';
      this.outbox.emit({
        type: 'blockRestored',
        blockId: work.bytes,
        blockHex: hex,
        liveCopies: a.liveCopies,
        at: this.current,
      });
    }
    if (responsible === this.nodeId) {
      if (
        a.liveCopies === 0 &&
        (work === undefined || work.risk !== 'lost') &&
        health.unavailableHolders > 0
      ) {
        work = work ?? this.workOf(hex);
        work.risk = 'lost';
        this.outbox.emit({
          type: 'blockLost',
          blockId: work.bytes,
          blockHex: hex,
          unavailableHolders: health.unavailableHolders,
          at: this.current,
        });
      } else if (
        a.liveCopies > 0 &&
        a.liveCopies < policy.minimumCopies &&
        (work === undefined || work.risk === 'none')
      ) {
        work = work ?? this.workOf(hex);
        work.risk = 'atRisk';
        this.outbox.emit({
          type: 'blockAtRisk',
          blockId: work.bytes,
          blockHex: hex,
          liveCopies: a.liveCopies,
          minimumCopies: policy.minimumCopies,
          at: this.current,
        });
      }
    }

    if (a.repairer !== this.nodeId) {
      if (work !== undefined) {
        this.cancelQueued(work, 'not-repairer');
        this.tidy(work);
      }
      return;
    }
    if (work?.active !== undefined || work?.trim !== undefined) return;
    if (this.partitioned && a.trigger !== 'SHUTDOWN_DRAIN') {
      if (work !== undefined) {
        this.cancelQueued(work, 'partitioned');
        this.tidy(work);
      }
      return;
    }
    if (a.deferredUntil !== undefined) this.timers.set(`block:${hex}`, a.deferredUntil);
    if (work !== undefined && work.notBefore > this.current) {
      this.timers.set(`block:${hex}`, work.notBefore);
      return;
    }
    if (a.trigger !== undefined && a.deficit > 0) {
      this.queue(this.workOf(hex), a, health, policy);
      return;
    }
    if (work !== undefined) this.cancelQueued(work, 'satisfied');
    if (a.surplus > 0) {
      this.startTrim(this.workOf(hex), a, holders, policy);
      return;
    }
    if (work !== undefined) {
      work.attempt = 0;
      this.tidy(work);
    }
  }

  private tidy(work: BlockWork): void {
    if (
      work.queued === undefined &&
      work.active === undefined &&
      work.trim === undefined &&
      work.risk === 'none' &&
      work.attempt === 0 &&
      work.notBefore <= this.current &&
      !this.waiting.has(work.hex) &&
      !this.parked.has(work.hex)
    ) {
      this.works.delete(work.hex);
    }
  }

  // ------------------------------------------------------------------ internals: queue and dispatch

  private queue(work: BlockWork, a: BlockAssessment, health: BlockHealth, policy: ReplicationPolicy): void {
    const trigger = a.trigger as ReplicationTrigger;
    const level = a.level as PriorityLevel;
    const priority = priorityNumber(policy.priorityLevels, level);
    const rank: JobRank = {
      priority,
      remainingCopies: a.remainingCopies,
      importance: health.metadata.priority,
      heat: this.heat.heat(work.hex, this.current),
      blockHex: work.hex,
    };
    let plan = work.queued;
    if (plan === undefined) {
      const job: JobState = {
        jobId: this.nextId++,
        hex: work.hex,
        bytes: work.bytes,
        trigger,
        level,
        priority,
        currentCopies: a.liveCopies,
        remainingCopies: a.remainingCopies,
        attempt: work.attempt + 1,
        sizeBytes: health.metadata.sizeBytes,
        queuedAt: this.current,
        startedAt: undefined,
        deadline: this.queuedDeadline(work.hex),
        status: 'PENDING',
        targets: NO_TARGETS,
        outcomes: undefined,
        failures: undefined,
      };
      plan = {
        job,
        version: 0,
        rank,
        deficit: a.deficit,
        storedHolders: a.storedHolders,
        regions: a.regions,
        newRegionsOnly: a.newRegionsOnly,
        spread: policy.geographicSpread,
      };
      work.queued = plan;
      this.queuedCount += 1;
      this.outbox.emit({ type: 'jobQueued', job: this.jobView(job), at: this.current });
    } else {
      const job = plan.job;
      job.trigger = trigger;
      job.level = level;
      job.priority = priority;
      job.currentCopies = a.liveCopies;
      job.remainingCopies = a.remainingCopies;
      job.sizeBytes = health.metadata.sizeBytes;
      plan.deficit = a.deficit;
      plan.storedHolders = a.storedHolders;
      plan.regions = a.regions;
      plan.newRegionsOnly = a.newRegionsOnly;
      plan.spread = policy.geographicSpread;
    }
    plan.version += 1;
    plan.rank = rank;
    this.waiting.delete(work.hex);
    this.parked.delete(work.hex);
    this.pending.push({ rank, hex: work.hex, version: plan.version });
    if (this.pending.size > 4 * this.queuedCount + 64) {
      this.pending.filter((entry) => this.works.get(entry.hex)?.queued?.version === entry.version);
    }
    this.dispatchWanted = true;
  }

  private queuedDeadline(hex: string): number {
    const drain = this.drain;
    if (drain?.bytes.has(hex) && drain.shutdownTime > this.current) return drain.shutdownTime;
    return this.current + this.jobTimeoutMs;
  }

  private cancelQueued(
    work: BlockWork,
    reason: 'satisfied' | 'not-repairer' | 'partitioned' | 'unknown-block',
  ): void {
    const plan = work.queued;
    if (plan === undefined) return;
    work.queued = undefined;
    this.queuedCount -= 1;
    this.waiting.delete(work.hex);
    this.parked.delete(work.hex);
    this.outbox.emit({ type: 'jobCancelled', job: this.jobView(plan.job), reason, at: this.current });
  }

  private dispatch(): void {
    const limits = this.limits;
    while (
      this.pending.size > 0 &&
      this.transfers < limits.maxConcurrentTransfers &&
      this.bytesInFlight < limits.maxBytesInFlight
    ) {
      const entry = this.pending.pop() as HeapEntry;
      const work = this.works.get(entry.hex);
      const plan = work?.queued;
      if (work === undefined || plan === undefined || plan.version !== entry.version) continue;
      const size = plan.job.sizeBytes;
      let count = Math.min(
        plan.deficit,
        limits.maxTargetsPerJob,
        limits.maxConcurrentTransfers - this.transfers,
      );
      if (size > 0)
        count = Math.min(count, Math.floor((limits.maxBytesInFlight - this.bytesInFlight) / size));
      if (count <= 0) {
        if (this.transfers === 0) {
          // A single copy larger than the whole bytes budget: send it alone.
          count = 1;
        } else {
          this.pending.push(entry);
          break;
        }
      }
      const request: SelectionRequest = {
        ...this.selectionRequest(work.hex, plan.storedHolders, size, count, work),
        coveredRegions: plan.regions,
        geographicSpread: plan.spread,
        newRegionsOnly: plan.newRegionsOnly,
      };
      const { targets } = this.selector.select(request);
      if (targets.length === 0) {
        // Blocked only by per-target limits: wait for capacity. No candidate at all: park until
        // the node view changes (or parkMs), so freed capacity does not retry it in vain.
        const saturated =
          this.selector.countEligible({ ...request, exclude: this.unsaturatedExclusion(work) }) > 0;
        (saturated ? this.waiting : this.parked).add(work.hex);
        this.timers.set(`block:${work.hex}`, this.current + this.parkMs);
        continue;
      }
      this.start(work, plan, targets);
    }
    this.dispatchWanted = false;
  }

  private start(work: BlockWork, plan: QueuedPlan, targets: readonly GuidV4[]): void {
    const job = plan.job;
    work.queued = undefined;
    this.queuedCount -= 1;
    job.status = 'IN_PROGRESS';
    job.startedAt = this.current;
    job.targets = [...targets];
    const started = job as StartedJob;
    started.outcomes = new Map();
    started.failures = [];
    for (const target of targets) {
      started.outcomes.set(target, 'PENDING');
      this.transfers += 1;
      this.bytesInFlight += job.sizeBytes;
      this.perTarget.set(target, (this.perTarget.get(target) ?? 0) + 1);
      this.selector.addLoad(target, 1);
    }
    job.deadline = this.startedDeadline(job, targets);
    work.active = started;
    this.activeJobs.set(job.jobId, started);
    this.timers.set(`job:${job.jobId}`, job.deadline);
    this.outbox.emit({ type: 'jobStarted', job: this.jobView(job), at: this.current });
    const drain = this.drain;
    if (drain?.bytes.has(work.hex)) {
      const id = drain.bytes.get(work.hex) as Uint8Array;
      if (drain.plan.status(id) === 'PENDING') this.advanceDrain(work.hex, 'IN_PROGRESS');
    }
  }

  private startedDeadline(job: JobState, targets: readonly GuidV4[]): number {
    let transferMs = 0;
    for (const target of targets) {
      const caps = this.selector.get(target)?.capabilities;
      if (caps !== undefined)
        transferMs = Math.max(transferMs, minimumTransferMs(caps, job.sizeBytes, 'download'));
    }
    const own = this.selector.get(this.nodeId)?.capabilities;
    if (own !== undefined) transferMs += minimumTransferMs(own, job.sizeBytes * targets.length, 'upload');
    if (!Number.isFinite(transferMs)) transferMs = 0;
    const deadline = this.current + this.jobTimeoutMs + transferMs;
    const drain = this.drain;
    if (drain?.bytes.has(job.hex) && drain.shutdownTime > this.current + transferMs) {
      return Math.min(deadline, drain.shutdownTime);
    }
    return deadline;
  }

  private targetDone(
    job: StartedJob,
    target: GuidV4,
    outcome: 'STORED' | 'FAILED',
    reason: string | undefined,
  ): void {
    job.outcomes.set(target, outcome);
    this.transfers -= 1;
    this.bytesInFlight -= job.sizeBytes;
    const perTarget = (this.perTarget.get(target) ?? 1) - 1;
    if (perTarget <= 0) this.perTarget.delete(target);
    else this.perTarget.set(target, perTarget);
    this.selector.addLoad(target, -1);
    this.dispatchWanted = true;
    this.retryWaiting();
    const work = this.works.get(job.hex) as BlockWork;
    if (outcome === 'FAILED') {
      work.excluded.set(target, this.current + this.exclusionMs);
      job.failures.push({ node: target, reason: reason ?? 'failed' });
    }
    for (const value of job.outcomes.values()) if (value === 'PENDING') return;
    this.finishJob(work, job);
  }

  private finishJob(work: BlockWork, job: StartedJob): void {
    this.timers.clear(`job:${job.jobId}`);
    this.activeJobs.delete(job.jobId);
    work.active = undefined;
    for (const [node, until] of work.excluded) if (until <= this.current) work.excluded.delete(node);
    if (job.failures.length === 0) {
      job.status = 'COMPLETED';
      work.attempt = 0;
      this.completed += 1;
      this.outbox.emit({ type: 'jobCompleted', job: this.jobView(job), at: this.current });
    } else {
      job.status = 'FAILED';
      this.failed += 1;
      work.attempt += 1;
      const final = work.attempt >= this.backoff.maxAttempts;
      const retryAt = final
        ? this.current + this.parkMs
        : this.current + backoffDelayMs(this.backoff, work.attempt, this.random);
      if (final) work.attempt = 0;
      work.notBefore = retryAt;
      this.timers.set(`block:${work.hex}`, retryAt);
      this.outbox.emit({
        type: 'jobFailed',
        job: this.jobView(job),
        failedTargets: job.failures.map((f) => ({ ...f })),
        retryAt,
        final,
        at: this.current,
      });
    }
    this.dirty.add(work.hex);
  }

  // ------------------------------------------------------------------ internals: trims

  private startTrim(
    work: BlockWork,
    a: BlockAssessment,
    holders: readonly HolderLocation[],
    policy: ReplicationPolicy,
  ): void {
    const nodes = chooseCopiesToTrim({
      blockId: work.hex,
      holders: holders.map((h) => ({
        holder: h.holder,
        region: h.region,
        state: h.state,
        suspected: this.nodes.get(h.holder)?.suspected === true,
      })),
      targetCopies: a.effectiveTarget,
      maximumCopies: policy.maximumCopies,
      geographicSpread: policy.geographicSpread,
      reliabilityOf: (node) => this.selector.get(node)?.criteria.reliability ?? 1,
    });
    if (nodes.length === 0) {
      this.tidy(work);
      return;
    }
    if (this.activeTrims.size >= this.limits.maxConcurrentTrims) {
      this.waiting.add(work.hex);
      this.timers.set(`block:${work.hex}`, this.current + this.parkMs);
      return;
    }
    const trim: TrimState = {
      trimId: this.nextId++,
      hex: work.hex,
      bytes: work.bytes,
      nodes,
      outcomes: new Map(nodes.map((n) => [n, 'PENDING' as TrimOutcome])),
      currentCopies: a.liveCopies,
      deadline: this.current + this.trimTimeoutMs,
      status: 'IN_PROGRESS',
      failure: undefined,
    };
    work.trim = trim;
    this.waiting.delete(work.hex);
    this.activeTrims.set(trim.trimId, trim);
    this.timers.set(`trim:${trim.trimId}`, trim.deadline);
    this.outbox.emit({ type: 'trimStarted', trim: this.trimView(trim), at: this.current });
  }

  private trimNodeDone(
    trim: TrimState,
    node: GuidV4,
    outcome: 'DROPPED' | 'FAILED',
    reason: string | undefined,
  ): void {
    trim.outcomes.set(node, outcome);
    if (outcome === 'FAILED' && trim.failure === undefined) trim.failure = reason ?? 'failed';
    for (const value of trim.outcomes.values()) if (value === 'PENDING') return;
    const work = this.works.get(trim.hex) as BlockWork;
    this.timers.clear(`trim:${trim.trimId}`);
    this.activeTrims.delete(trim.trimId);
    work.trim = undefined;
    if (trim.failure === undefined) {
      trim.status = 'COMPLETED';
      this.trimsCompleted += 1;
      this.outbox.emit({ type: 'trimCompleted', trim: this.trimView(trim), at: this.current });
    } else {
      trim.status = 'FAILED';
      work.notBefore = this.current + this.parkMs;
      this.timers.set(`block:${work.hex}`, work.notBefore);
      this.outbox.emit({
        type: 'trimFailed',
        trim: this.trimView(trim),
        reason: trim.failure,
        at: this.current,
      });
    }
    this.retryWaiting();
    this.dirty.add(work.hex);
  }

  // ------------------------------------------------------------------ internals: drain

  private updateDrain(hex: string, a: BlockAssessment): void {
    const drain = this.drain as DrainState;
    const id = drain.bytes.get(hex) as Uint8Array;
    const status = drain.plan.status(id);
    if (status === 'COMPLETED' || a.remainingCopies < a.effectiveTarget) return;
    if (status === 'PENDING') this.advanceDrain(hex, 'IN_PROGRESS');
    this.advanceDrain(hex, 'COMPLETED');
    if (drain.plan.isComplete) this.reportDrainComplete();
  }

  private advanceDrain(hex: string, to: 'IN_PROGRESS' | 'COMPLETED'): void {
    const drain = this.drain as DrainState;
    const id = drain.bytes.get(hex) as Uint8Array;
    const from = drain.plan.advance(id, to);
    this.outbox.emit({
      type: 'drainProgressed',
      nodeId: this.nodeId,
      blockId: Uint8Array.from(id),
      from,
      to,
      at: this.current,
    });
  }

  private reportDrainComplete(): void {
    const drain = this.drain as DrainState;
    if (drain.completedReported) return;
    drain.completedReported = true;
    this.outbox.emit({ type: 'drainCompleted', nodeId: this.nodeId, at: this.current });
  }

  // ------------------------------------------------------------------ internals: views

  private jobView(job: JobState): ScheduledReplicationJob {
    const outcomes: Record<string, TargetOutcome> = {};
    if (job.outcomes !== undefined) for (const [node, outcome] of job.outcomes) outcomes[node] = outcome;
    return Object.freeze({
      blockId: Uint8Array.from(job.bytes),
      priority: job.priority,
      currentCopies: job.currentCopies,
      targetNodes: job.targets.length === 0 ? NO_TARGETS : Object.freeze([...job.targets]),
      deadline: new Date(job.deadline),
      status: job.status,
      jobId: job.jobId,
      blockHex: job.hex,
      trigger: job.trigger,
      level: job.level,
      remainingCopies: job.remainingCopies,
      source: this.nodeId,
      attempt: job.attempt,
      sizeBytes: job.sizeBytes,
      queuedAt: job.queuedAt,
      startedAt: job.startedAt,
      outcomes: Object.freeze(outcomes),
    });
  }

  private trimView(trim: TrimState): TrimJob {
    const outcomes: Record<string, TrimOutcome> = {};
    for (const [node, outcome] of trim.outcomes) outcomes[node] = outcome;
    return Object.freeze({
      trimId: trim.trimId,
      blockId: Uint8Array.from(trim.bytes),
      blockHex: trim.hex,
      nodes: Object.freeze([...trim.nodes]),
      currentCopies: trim.currentCopies,
      deadline: new Date(trim.deadline),
      status: trim.status,
      outcomes: Object.freeze(outcomes),
    });
  }
}
