/**
 * `NodeLifecycle`: the sans-I/O state machine of one node's own lifecycle. It is driven by
 * commands (announce a shutdown, report drain progress, go offline, declare an emergency, come
 * back, retire) and by `tick(now)`, which fires its timers; it never reads a clock. Its outputs are
 * a core `Ready` batch: a snapshot record to persist after every change (restore it with
 * {@link NodeLifecycle.restore}) and typed events — `stateChanged` with from/to/reason/time, and
 * the shutdown, drain and recovery events replication consumes. There are no messages: announcing
 * the node's status to peers is the host's job.
 *
 * Timers:
 * - `SCHEDULED_SHUTDOWN`: at `shutdownTime`, go `OFFLINE` if the drain is complete, otherwise emit
 *   `shutdownOverdue` once and keep waiting (only `goOffline({ force })` leaves with undrained blocks);
 * - `EMERGENCY_SHUTDOWN`: go `OFFLINE` when the grace period ends (at once when it is 0);
 * - `OFFLINE`: become `PERMANENTLY_OFFLINE` at the down-out deadline — `downOutIntervalMs`
 *   (default 600 s, Ceph's `mon_osd_down_out_interval`) after going offline, or, after a scheduled
 *   shutdown, after `max(start, offline time) + expectedDuration`; at once when the shutdown or
 *   emergency was declared permanent.
 * Timer-driven transitions are stamped with the time the timer was due, not the time of the tick
 * that noticed, so coarse ticks do not shift the history.
 */
import { BrightChainError, type GuidV4, isGuidV4, type Ready, ReadyBuilder } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';
import { NodeState, isNodeState } from './node-state';
import { assertLegalTransition } from './node-state-transitions';
import { createNodeStatus, type NodeStatus, type NodeStatusParts, type PlannedDowntime } from './node-status';
import type { ReliabilityPolicy } from './reliability-score';
import { DEFAULT_RELIABILITY_POLICY } from './reliability-score';
import { ShutdownPlan, type DrainProgress } from './shutdown-planner';
import {
  type AffectedBlock,
  type BlockReplicationStatus,
  type ShutdownRequest,
  validateShutdownRequest,
} from './shutdown-request';

/**
 * Ceph's default `mon_osd_down_out_interval`: 600 s.
 *
 * @example
 * ```ts
 * new NodeLifecycle({ nodeId, now, downOutIntervalMs: 2 * DEFAULT_DOWN_OUT_INTERVAL_MS });
 * ```
 */
export const DEFAULT_DOWN_OUT_INTERVAL_MS = 600_000;

const MAX_REASON_LENGTH = 512;

/** Options of a new {@link NodeLifecycle}. */
export interface NodeLifecycleOptions {
  /** The node this lifecycle belongs to. */
  readonly nodeId: GuidV4;
  /** The time (ms) at which the node comes up `ONLINE`. */
  readonly now: number;
  /** How long a node may stay `OFFLINE` before it is `PERMANENTLY_OFFLINE`. Default 600 000 ms. */
  readonly downOutIntervalMs?: number;
}

/** A state change. */
export interface NodeStateChangedEvent {
  readonly type: 'stateChanged';
  readonly nodeId: GuidV4;
  readonly from: NodeState;
  readonly to: NodeState;
  /** Why: the command's reason or the timer that fired. */
  readonly reason: string;
  /** When it happened (ms). */
  readonly at: number;
  /** Present when the node went offline with undrained blocks because the caller forced it. */
  readonly forced?: { readonly reason: string; readonly undrainedBlocks: number };
}

/** Every event a {@link NodeLifecycle} emits. */
export type NodeLifecycleEvent =
  | NodeStateChangedEvent
  /** A shutdown was announced; replication should start draining `request.affectedBlocks`. */
  | {
      readonly type: 'shutdownAnnounced';
      readonly nodeId: GuidV4;
      readonly request: ShutdownRequest;
      readonly at: number;
    }
  /** A scheduled shutdown was called off; the node stays. */
  | {
      readonly type: 'shutdownCancelled';
      readonly nodeId: GuidV4;
      readonly reason: string;
      readonly at: number;
    }
  /** One affected block moved a step. */
  | {
      readonly type: 'blockDrainProgressed';
      readonly nodeId: GuidV4;
      readonly blockId: Uint8Array;
      readonly from: BlockReplicationStatus;
      readonly to: BlockReplicationStatus;
      readonly at: number;
    }
  /** Every affected block is `COMPLETED`. */
  | { readonly type: 'drainCompleted'; readonly nodeId: GuidV4; readonly at: number }
  /** `shutdownTime` passed with blocks still draining; the node waits (or the caller forces). */
  | {
      readonly type: 'shutdownOverdue';
      readonly nodeId: GuidV4;
      readonly progress: DrainProgress;
      readonly at: number;
    }
  /** The node left with these blocks not re-replicated (forced offline, or an emergency mid-drain). */
  | {
      readonly type: 'drainAbandoned';
      readonly nodeId: GuidV4;
      readonly reason: string;
      readonly blocks: readonly AffectedBlock[];
      readonly at: number;
    }
  /** Emergency: the node stops without draining; the network must recover everything it held. */
  | {
      readonly type: 'recoveryRequired';
      readonly nodeId: GuidV4;
      readonly reason: string;
      readonly permanent: boolean;
      readonly at: number;
    };

/** What a {@link NodeLifecycle} persists after each change: everything needed to restore it. */
export interface NodeLifecycleRecord {
  readonly version: 1;
  readonly nodeId: GuidV4;
  readonly state: NodeState;
  /** When the current state was entered. */
  readonly since: number;
  /** The latest time the lifecycle was given. */
  readonly now: number;
  readonly downOutIntervalMs: number;
  readonly plannedDowntime?: {
    readonly start: number;
    readonly expectedDuration: number;
    readonly permanent: boolean;
  };
  /** In `SCHEDULED_SHUTDOWN`: the request with current block statuses. */
  readonly shutdown?: {
    readonly request: ShutdownRequest;
    readonly overdueReported: boolean;
    readonly drainCompletedAt?: number;
  };
  /** In `EMERGENCY_SHUTDOWN`: when the grace ends and whether the node is gone for good. */
  readonly emergency?: { readonly deadline: number; readonly permanent: boolean };
  /** In `OFFLINE`: when the node becomes `PERMANENTLY_OFFLINE`. */
  readonly downOutDeadline?: number;
}

/** Options of {@link NodeLifecycle.goOffline}. */
export interface GoOfflineOptions {
  /** Leave even though blocks are not drained; the reason is recorded in the events. */
  readonly force?: { readonly reason: string };
}

/** Options of {@link NodeLifecycle.emergencyShutdown}. */
export interface EmergencyShutdownOptions {
  readonly reason: string;
  /** Time the node may still serve best-effort before it is `OFFLINE` (ms). Default 0: at once. */
  readonly graceMs?: number;
  /** The node will not come back (destroyed disk, decommissioned machine). Default false. */
  readonly permanent?: boolean;
}

function commandError(message: string, details: Readonly<Record<string, unknown>>): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.NODE_COMMAND_INVALID, message, { details });
}

function checkReason(reason: unknown, field = 'reason'): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON_LENGTH) {
    throw commandError(`${field} must be a non-empty string of at most ${MAX_REASON_LENGTH} characters`, {
      field,
    });
  }
  return reason;
}

function checkInterval(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw commandError(`${field} must be a non-negative safe integer of ms`, { field, value });
  }
  return value;
}

/**
 * The down-out deadline of a node that went offline at `offlineAt`: `offlineAt + downOut`, or,
 * after an announced (non-permanent) downtime, `max(start, offlineAt) + expectedDuration + downOut`.
 *
 * @example
 * ```ts
 * downOutDeadline(1000, 600_000); // 601_000
 * downOutDeadline(1000, 600_000, { start: new Date(5000), expectedDuration: 60_000, permanent: false }); // 665_000
 * ```
 */
export function downOutDeadline(
  offlineAt: number,
  downOutIntervalMs: number,
  planned?: PlannedDowntime,
): number {
  if (planned === undefined || planned.permanent) return offlineAt + downOutIntervalMs;
  return Math.max(planned.start.getTime(), offlineAt) + planned.expectedDuration + downOutIntervalMs;
}

/**
 * One node's lifecycle, sans-I/O.
 *
 * @example
 * ```ts
 * const lifecycle = new NodeLifecycle({ nodeId, now: clock.now() });
 * lifecycle.announceShutdown(request, clock.now());
 * lifecycle.updateBlock(blockId, 'IN_PROGRESS', clock.now());
 * lifecycle.updateBlock(blockId, 'COMPLETED', clock.now());
 * lifecycle.tick(clock.now()); // at shutdownTime: OFFLINE
 * const { persist, events } = lifecycle.ready();
 * await store.write(persist); // then surface events, then:
 * lifecycle.advance();
 * ```
 */
export class NodeLifecycle {
  readonly nodeId: GuidV4;
  readonly downOutIntervalMs: number;
  private current: NodeState = NodeState.ONLINE;
  private stateSince: number;
  private clockNow: number;
  private planned: PlannedDowntime | undefined;
  private plan: ShutdownPlan | undefined;
  private overdueReported = false;
  private drainCompletedAt: number | undefined;
  private emergency: { deadline: number; permanent: boolean } | undefined;
  private offlineDeadline: number | undefined;
  private readonly outbox = new ReadyBuilder<never, NodeLifecycleRecord, NodeLifecycleEvent>();
  private dirty = false;

  /**
   * @throws BrightChainError `BC_NODE_COMMAND_INVALID` for a bad node id or interval;
   * `BC_NODE_TIME_INVALID` for a non-finite `now`
   */
  constructor(options: NodeLifecycleOptions) {
    if (!isGuidV4(options?.nodeId))
      throw commandError('nodeId must be a canonical GuidV4', { field: 'nodeId' });
    if (typeof options.now !== 'number' || !Number.isFinite(options.now)) {
      throw new BrightChainError(NodeStateErrorCode.NODE_TIME_INVALID, 'now must be a finite number of ms', {
        details: { now: options.now },
      });
    }
    this.nodeId = options.nodeId;
    this.downOutIntervalMs = checkInterval(
      options.downOutIntervalMs ?? DEFAULT_DOWN_OUT_INTERVAL_MS,
      'downOutIntervalMs',
    );
    this.clockNow = options.now;
    this.stateSince = options.now;
  }

  /** The current state. */
  get state(): NodeState {
    return this.current;
  }

  /** When the current state was entered (ms). */
  get since(): number {
    return this.stateSince;
  }

  /** The latest time given to the lifecycle (ms). */
  get now(): number {
    return this.clockNow;
  }

  /** The announced downtime, while a shutdown is scheduled or the node is offline after one. */
  get plannedDowntime(): PlannedDowntime | undefined {
    return this.planned;
  }

  /** The shutdown request with current block statuses, while in `SCHEDULED_SHUTDOWN`. */
  get shutdown(): ShutdownRequest | undefined {
    return this.plan?.request;
  }

  /** Drain progress, while in `SCHEDULED_SHUTDOWN`. */
  get drainProgress(): DrainProgress | undefined {
    return this.plan?.progress;
  }

  /** When an `OFFLINE` node becomes `PERMANENTLY_OFFLINE` (ms), while offline. */
  get downOutDeadline(): number | undefined {
    return this.offlineDeadline;
  }

  /**
   * Announces a graceful shutdown: `ONLINE → SCHEDULED_SHUTDOWN`. From now on the node takes no
   * new writes; replication drains `affectedBlocks` (highest priority first).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_TRANSITION_ILLEGAL` unless ONLINE;
   * `BC_NODE_SHUTDOWN_INVALID` for a malformed request or one for another node
   */
  announceShutdown(request: ShutdownRequest, now: number): void {
    this.checkTime(now);
    assertLegalTransition(this.current, NodeState.SCHEDULED_SHUTDOWN, {
      nodeId: this.nodeId,
      command: 'announceShutdown',
    });
    const valid = validateShutdownRequest(request, this.nodeId);
    const plan = new ShutdownPlan(valid);
    this.clockNow = now;
    this.plan = plan;
    this.overdueReported = false;
    this.drainCompletedAt = undefined;
    this.planned = Object.freeze({
      start: new Date(valid.shutdownTime.getTime()),
      expectedDuration: valid.permanent ? 0 : (valid.expectedDuration ?? 0),
      permanent: valid.permanent,
    });
    this.moveTo(
      NodeState.SCHEDULED_SHUTDOWN,
      now,
      valid.permanent ? 'permanent shutdown announced' : 'shutdown announced',
    );
    this.outbox.emit({ type: 'shutdownAnnounced', nodeId: this.nodeId, request: plan.request, at: now });
    if (plan.isComplete) this.drainDone(now);
    this.flush();
  }

  /**
   * Records a step of one affected block's re-replication (`PENDING → IN_PROGRESS → COMPLETED`).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_SHUTDOWN_NOT_ANNOUNCED` outside
   * `SCHEDULED_SHUTDOWN`; `BC_NODE_BLOCK_UNKNOWN`; `BC_NODE_BLOCK_STATUS_INVALID` for anything but
   * the next status
   */
  updateBlock(blockId: Uint8Array, status: BlockReplicationStatus, now: number): void {
    this.checkTime(now);
    const plan = this.requirePlan('updateBlock');
    const from = plan.advance(blockId, status);
    this.clockNow = now;
    this.dirty = true;
    this.outbox.emit({
      type: 'blockDrainProgressed',
      nodeId: this.nodeId,
      blockId: Uint8Array.from(blockId),
      from,
      to: status,
      at: now,
    });
    if (status === 'COMPLETED' && plan.isComplete) this.drainDone(now);
    this.flush();
  }

  /**
   * Calls off a scheduled shutdown: `SCHEDULED_SHUTDOWN → ONLINE`.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_SHUTDOWN_NOT_ANNOUNCED` outside
   * `SCHEDULED_SHUTDOWN`; `BC_NODE_COMMAND_INVALID` for an empty reason
   */
  cancelShutdown(now: number, reason: string): void {
    this.checkTime(now);
    this.requirePlan('cancelShutdown');
    checkReason(reason);
    this.clockNow = now;
    this.leaveShutdown();
    this.planned = undefined;
    this.moveTo(NodeState.ONLINE, now, reason);
    this.outbox.emit({ type: 'shutdownCancelled', nodeId: this.nodeId, reason, at: now });
    this.flush();
  }

  /**
   * Goes offline: from `SCHEDULED_SHUTDOWN` once the drain is complete (or with `force`, which is
   * recorded and abandons the rest), or from `EMERGENCY_SHUTDOWN` to confirm the node stopped
   * before its grace ended. A permanent shutdown continues straight to `PERMANENTLY_OFFLINE`.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_TRANSITION_ILLEGAL` from any other
   * state; `BC_NODE_DRAIN_INCOMPLETE` with undrained blocks and no `force`;
   * `BC_NODE_COMMAND_INVALID` for an empty force reason
   */
  goOffline(now: number, options: GoOfflineOptions = {}): void {
    this.checkTime(now);
    assertLegalTransition(this.current, NodeState.OFFLINE, { nodeId: this.nodeId, command: 'goOffline' });
    const forceReason =
      options.force === undefined ? undefined : checkReason(options.force.reason, 'force.reason');
    const plan = this.plan;
    if (this.current === NodeState.EMERGENCY_SHUTDOWN) {
      this.clockNow = now;
      this.enterOffline(now, 'emergency shutdown: node stopped');
      this.flush();
      return;
    }
    const remaining = plan?.remaining() ?? [];
    if (remaining.length > 0 && forceReason === undefined) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_DRAIN_INCOMPLETE,
        `cannot go offline: ${remaining.length} affected block(s) not yet re-replicated (pass force to override)`,
        { details: { nodeId: this.nodeId, ...plan?.progress } },
      );
    }
    this.clockNow = now;
    this.leaveShutdown();
    if (remaining.length > 0 && forceReason !== undefined) {
      this.outbox.emit({
        type: 'drainAbandoned',
        nodeId: this.nodeId,
        reason: forceReason,
        blocks: remaining,
        at: now,
      });
      this.enterOffline(now, `forced offline: ${forceReason}`, {
        reason: forceReason,
        undrainedBlocks: remaining.length,
      });
    } else {
      this.enterOffline(now, 'scheduled shutdown');
    }
    this.flush();
  }

  /**
   * Emergency shutdown: `ONLINE | SCHEDULED_SHUTDOWN → EMERGENCY_SHUTDOWN`, then `OFFLINE` after
   * `graceMs` (at once by default). Emits `recoveryRequired` (and `drainAbandoned` for blocks of
   * a shutdown in progress); the host should also charge the reliability penalty and credit
   * debit (`recordEmergencyShutdown`, `CreditLedger.debitEmergencyShutdown`).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_TRANSITION_ILLEGAL` from other
   * states; `BC_NODE_COMMAND_INVALID` for an empty reason or a bad grace
   */
  emergencyShutdown(now: number, options: EmergencyShutdownOptions): void {
    this.checkTime(now);
    assertLegalTransition(this.current, NodeState.EMERGENCY_SHUTDOWN, {
      nodeId: this.nodeId,
      command: 'emergencyShutdown',
    });
    const reason = checkReason(options?.reason);
    const graceMs = checkInterval(options.graceMs ?? 0, 'graceMs');
    const permanent = options.permanent ?? false;
    if (typeof permanent !== 'boolean')
      throw commandError('permanent must be a boolean', { field: 'permanent' });
    this.clockNow = now;
    const remaining = this.plan?.remaining() ?? [];
    this.leaveShutdown();
    this.planned = undefined;
    this.emergency = { deadline: now + graceMs, permanent };
    this.moveTo(NodeState.EMERGENCY_SHUTDOWN, now, reason);
    if (remaining.length > 0) {
      this.outbox.emit({ type: 'drainAbandoned', nodeId: this.nodeId, reason, blocks: remaining, at: now });
    }
    this.outbox.emit({ type: 'recoveryRequired', nodeId: this.nodeId, reason, permanent, at: now });
    if (graceMs === 0) this.enterOffline(now, 'emergency shutdown');
    this.flush();
  }

  /**
   * Back to `ONLINE` from `OFFLINE` or `EMERGENCY_SHUTDOWN` (restarted, false alarm), or from
   * `SCHEDULED_SHUTDOWN` (same as {@link cancelShutdown}).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_TRANSITION_ILLEGAL` from `ONLINE` or
   * `PERMANENTLY_OFFLINE`; `BC_NODE_COMMAND_INVALID` for an empty reason
   */
  comeOnline(now: number, reason: string): void {
    this.checkTime(now);
    assertLegalTransition(this.current, NodeState.ONLINE, { nodeId: this.nodeId, command: 'comeOnline' });
    checkReason(reason);
    if (this.current === NodeState.SCHEDULED_SHUTDOWN) {
      this.cancelShutdown(now, reason);
      return;
    }
    this.clockNow = now;
    this.emergency = undefined;
    this.offlineDeadline = undefined;
    this.planned = undefined;
    this.moveTo(NodeState.ONLINE, now, reason);
    this.flush();
  }

  /**
   * Operator decision that an `OFFLINE` node will not return: `OFFLINE → PERMANENTLY_OFFLINE`
   * without waiting for the down-out interval.
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID`; `BC_NODE_TRANSITION_ILLEGAL` unless OFFLINE;
   * `BC_NODE_COMMAND_INVALID` for an empty reason
   */
  retire(now: number, reason: string): void {
    this.checkTime(now);
    assertLegalTransition(this.current, NodeState.PERMANENTLY_OFFLINE, {
      nodeId: this.nodeId,
      command: 'retire',
    });
    checkReason(reason);
    this.clockNow = now;
    this.offlineDeadline = undefined;
    this.moveTo(NodeState.PERMANENTLY_OFFLINE, now, reason);
    this.flush();
  }

  /**
   * Advances time and fires due timers (scheduled shutdown, emergency grace, down-out).
   *
   * @throws BrightChainError `BC_NODE_TIME_INVALID` for a non-finite or earlier time
   */
  tick(now: number): void {
    this.checkTime(now);
    this.clockNow = now;
    for (let guard = 0; guard < 8; guard++) {
      if (!this.fireDueTimer(now)) break;
    }
    this.flush();
  }

  /**
   * The node's own `NodeStatus`: this lifecycle's state, `lastSeen = now` and planned downtime,
   * plus the given storage figures, reliability, capabilities and balance.
   *
   * @throws BrightChainError `BC_NODE_STATUS_INVALID` if the parts are invalid
   * @example
   * ```ts
   * const status = lifecycle.nodeStatus({ storageMetrics, reliability, capabilities, credits: ledger.balance });
   * ```
   */
  nodeStatus(
    parts: Omit<NodeStatusParts, 'state' | 'lastSeen' | 'plannedDowntime'>,
    policy: ReliabilityPolicy = DEFAULT_RELIABILITY_POLICY,
  ): NodeStatus {
    return createNodeStatus(
      {
        ...parts,
        state: this.current,
        lastSeen: this.clockNow,
        ...(this.planned === undefined ? {} : { plannedDowntime: this.planned }),
      },
      policy,
    );
  }

  /** True when `ready()` has anything. */
  hasReady(): boolean {
    return this.outbox.nonEmpty;
  }

  /** The pending batch: records to persist first, then events. Call {@link advance} afterwards. */
  ready(): Ready<never, NodeLifecycleRecord, NodeLifecycleEvent> {
    return this.outbox.take();
  }

  /** Acknowledges the last batch. (The batch was already handed over by `ready()`.) */
  advance(): void {}

  /** The full state as a persistable record. */
  snapshot(): NodeLifecycleRecord {
    const planned = this.planned;
    return Object.freeze({
      version: 1 as const,
      nodeId: this.nodeId,
      state: this.current,
      since: this.stateSince,
      now: this.clockNow,
      downOutIntervalMs: this.downOutIntervalMs,
      ...(planned === undefined
        ? {}
        : {
            plannedDowntime: Object.freeze({
              start: planned.start.getTime(),
              expectedDuration: planned.expectedDuration,
              permanent: planned.permanent,
            }),
          }),
      ...(this.plan === undefined
        ? {}
        : {
            shutdown: Object.freeze({
              request: this.plan.request,
              overdueReported: this.overdueReported,
              ...(this.drainCompletedAt === undefined ? {} : { drainCompletedAt: this.drainCompletedAt }),
            }),
          }),
      ...(this.emergency === undefined ? {} : { emergency: Object.freeze({ ...this.emergency }) }),
      ...(this.offlineDeadline === undefined ? {} : { downOutDeadline: this.offlineDeadline }),
    });
  }

  /**
   * Rebuilds a lifecycle from a persisted {@link NodeLifecycleRecord} (after a restart).
   *
   * @throws BrightChainError `BC_NODE_RECORD_INVALID` when the record is malformed or inconsistent
   * (e.g. a shutdown outside `SCHEDULED_SHUTDOWN`, no down-out deadline while `OFFLINE`)
   * @example
   * ```ts
   * const lifecycle = NodeLifecycle.restore(await store.get(key));
   * lifecycle.tick(clock.now());
   * ```
   */
  static restore(record: NodeLifecycleRecord): NodeLifecycle {
    const bad = (reason: string, cause?: unknown) =>
      new BrightChainError(NodeStateErrorCode.NODE_RECORD_INVALID, `invalid lifecycle record: ${reason}`, {
        details: { reason },
        ...(cause === undefined ? {} : { cause }),
      });
    if (typeof record !== 'object' || record === null) throw bad('not an object');
    if (record.version !== 1) throw bad('unknown version');
    if (!isGuidV4(record.nodeId)) throw bad('nodeId is not a GuidV4');
    if (!isNodeState(record.state)) throw bad('unknown state');
    const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
    if (!finite(record.since) || !finite(record.now) || record.since > record.now) throw bad('since/now');
    if (!Number.isSafeInteger(record.downOutIntervalMs) || record.downOutIntervalMs < 0) {
      throw bad('downOutIntervalMs');
    }
    const state = record.state;
    if ((record.shutdown !== undefined) !== (state === NodeState.SCHEDULED_SHUTDOWN)) {
      throw bad('a shutdown is present exactly in SCHEDULED_SHUTDOWN');
    }
    if ((record.emergency !== undefined) !== (state === NodeState.EMERGENCY_SHUTDOWN)) {
      throw bad('an emergency is present exactly in EMERGENCY_SHUTDOWN');
    }
    if ((record.downOutDeadline !== undefined) !== (state === NodeState.OFFLINE)) {
      throw bad('a down-out deadline is present exactly in OFFLINE');
    }
    if (record.downOutDeadline !== undefined && !finite(record.downOutDeadline)) throw bad('downOutDeadline');
    if (record.emergency !== undefined) {
      if (!finite(record.emergency.deadline) || typeof record.emergency.permanent !== 'boolean')
        throw bad('emergency');
    }
    const planned = record.plannedDowntime;
    if (planned !== undefined) {
      if (
        !finite(planned.start) ||
        !Number.isSafeInteger(planned.expectedDuration) ||
        planned.expectedDuration < 0 ||
        typeof planned.permanent !== 'boolean'
      ) {
        throw bad('plannedDowntime');
      }
    } else if (state === NodeState.SCHEDULED_SHUTDOWN) {
      throw bad('plannedDowntime is required in SCHEDULED_SHUTDOWN');
    }
    let plan: ShutdownPlan | undefined;
    if (record.shutdown !== undefined) {
      try {
        plan = new ShutdownPlan(validateShutdownRequest(record.shutdown.request, record.nodeId));
      } catch (error) {
        throw bad('shutdown request', error);
      }
      if (typeof record.shutdown.overdueReported !== 'boolean') throw bad('shutdown.overdueReported');
      if (record.shutdown.drainCompletedAt !== undefined && !finite(record.shutdown.drainCompletedAt)) {
        throw bad('shutdown.drainCompletedAt');
      }
    }
    const lifecycle = new NodeLifecycle({
      nodeId: record.nodeId,
      now: record.now,
      downOutIntervalMs: record.downOutIntervalMs,
    });
    lifecycle.current = state;
    lifecycle.stateSince = record.since;
    lifecycle.planned =
      planned === undefined
        ? undefined
        : Object.freeze({
            start: new Date(planned.start),
            expectedDuration: planned.expectedDuration,
            permanent: planned.permanent,
          });
    lifecycle.plan = plan;
    lifecycle.overdueReported = record.shutdown?.overdueReported ?? false;
    lifecycle.drainCompletedAt = record.shutdown?.drainCompletedAt;
    lifecycle.emergency = record.emergency === undefined ? undefined : { ...record.emergency };
    lifecycle.offlineDeadline = record.downOutDeadline;
    return lifecycle;
  }

  private checkTime(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now) || now < this.clockNow) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_TIME_INVALID,
        'time must be a finite number of ms, not earlier than the previous one',
        { details: { now, previous: this.clockNow, nodeId: this.nodeId } },
      );
    }
  }

  private requirePlan(command: string): ShutdownPlan {
    if (this.current !== NodeState.SCHEDULED_SHUTDOWN || this.plan === undefined) {
      throw new BrightChainError(
        NodeStateErrorCode.NODE_SHUTDOWN_NOT_ANNOUNCED,
        `${command} needs a scheduled shutdown in progress (state is ${this.current})`,
        { details: { nodeId: this.nodeId, state: this.current, command } },
      );
    }
    return this.plan;
  }

  private moveTo(to: NodeState, at: number, reason: string, forced?: NodeStateChangedEvent['forced']): void {
    const from = this.current;
    assertLegalTransition(from, to, { nodeId: this.nodeId });
    this.current = to;
    this.stateSince = at;
    this.dirty = true;
    this.outbox.emit({
      type: 'stateChanged',
      nodeId: this.nodeId,
      from,
      to,
      reason,
      at,
      ...(forced === undefined ? {} : { forced }),
    });
  }

  private enterOffline(at: number, reason: string, forced?: NodeStateChangedEvent['forced']): void {
    const permanent = this.planned?.permanent === true || this.emergency?.permanent === true;
    this.emergency = undefined;
    this.moveTo(NodeState.OFFLINE, at, reason, forced);
    if (permanent) {
      this.offlineDeadline = undefined;
      this.moveTo(NodeState.PERMANENTLY_OFFLINE, at, 'announced permanent');
    } else {
      this.offlineDeadline = downOutDeadline(at, this.downOutIntervalMs, this.planned);
    }
  }

  private leaveShutdown(): void {
    if (this.plan === undefined) return;
    this.plan = undefined;
    this.overdueReported = false;
    this.drainCompletedAt = undefined;
    if (this.current === NodeState.SCHEDULED_SHUTDOWN) this.dirty = true;
  }

  private drainDone(at: number): void {
    this.drainCompletedAt = at;
    this.dirty = true;
    this.outbox.emit({ type: 'drainCompleted', nodeId: this.nodeId, at });
  }

  /** Fires at most one due timer; true if one fired. */
  private fireDueTimer(now: number): boolean {
    switch (this.current) {
      case NodeState.EMERGENCY_SHUTDOWN: {
        const deadline = this.emergency?.deadline;
        if (deadline === undefined || now < deadline) return false;
        this.enterOffline(deadline, 'emergency grace elapsed');
        return true;
      }
      case NodeState.SCHEDULED_SHUTDOWN: {
        const plan = this.plan;
        const start = this.planned?.start.getTime();
        if (plan === undefined || start === undefined || now < start) return false;
        if (plan.isComplete) {
          const at = Math.max(start, this.drainCompletedAt ?? start);
          this.leaveShutdown();
          this.enterOffline(at, 'scheduled shutdown');
          return true;
        }
        if (!this.overdueReported) {
          this.overdueReported = true;
          this.dirty = true;
          this.outbox.emit({
            type: 'shutdownOverdue',
            nodeId: this.nodeId,
            progress: plan.progress,
            at: start,
          });
        }
        return false;
      }
      case NodeState.OFFLINE: {
        const deadline = this.offlineDeadline;
        if (deadline === undefined || now < deadline) return false;
        this.offlineDeadline = undefined;
        this.moveTo(NodeState.PERMANENTLY_OFFLINE, deadline, 'down-out interval elapsed');
        return true;
      }
      default:
        return false;
    }
  }

  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.outbox.persist(this.snapshot());
  }
}
