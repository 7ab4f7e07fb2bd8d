/**
 * Typed events the scheduler surfaces in its `Ready` batches — the seed's "notification system" for
 * replication. Each carries the time it happened (the scheduler's `now`).
 */
import type { GuidV4 } from '@brightchain/core';
import type { BlockReplicationStatus } from '@brightchain/node-state';
import type { ScheduledReplicationJob, TrimJob } from './replication-job';

/** A block needs copies; a PENDING job waits for capacity. */
export interface JobQueuedEvent {
  readonly type: 'jobQueued';
  readonly job: ScheduledReplicationJob;
  readonly at: number;
}

/** Targets chosen, job IN_PROGRESS: the host copies `job.blockId` from `job.source` to each target. */
export interface JobStartedEvent {
  readonly type: 'jobStarted';
  readonly job: ScheduledReplicationJob;
  readonly at: number;
}

/** Every target stored the block. */
export interface JobCompletedEvent {
  readonly type: 'jobCompleted';
  readonly job: ScheduledReplicationJob;
  readonly at: number;
}

/** One failed target of a job. */
export interface FailedTarget {
  readonly node: GuidV4;
  readonly reason: string;
}

/** At least one target failed or missed the deadline. */
export interface JobFailedEvent {
  readonly type: 'jobFailed';
  readonly job: ScheduledReplicationJob;
  readonly failedTargets: readonly FailedTarget[];
  /** When the block is looked at again (backoff, or the park time after the last attempt). */
  readonly retryAt: number;
  /** True when the attempts are used up and the block is parked until `retryAt`. */
  readonly final: boolean;
  readonly at: number;
}

/** A queued job was dropped before it started (no longer needed, another node's job now, partition). */
export interface JobCancelledEvent {
  readonly type: 'jobCancelled';
  readonly job: ScheduledReplicationJob;
  readonly reason: 'satisfied' | 'not-repairer' | 'partitioned' | 'unknown-block';
  readonly at: number;
}

/** Live copies fell below the policy minimum (emitted once per episode, by the block's repairer). */
export interface BlockAtRiskEvent {
  readonly type: 'blockAtRisk';
  readonly blockId: Uint8Array;
  readonly blockHex: string;
  readonly liveCopies: number;
  readonly minimumCopies: number;
  readonly at: number;
}

/**
 * No live copy is left (emitted once per episode by the block's steward: the live node with the
 * smallest rendezvous weight for the block). It may come back if a down holder returns.
 */
export interface BlockLostEvent {
  readonly type: 'blockLost';
  readonly blockId: Uint8Array;
  readonly blockHex: string;
  /** Holders that store it but are down. */
  readonly unavailableHolders: number;
  readonly at: number;
}

/** A block reported at risk or lost is back at its target (emitted by the node that reported it). */
export interface BlockRestoredEvent {
  readonly type: 'blockRestored';
  readonly blockId: Uint8Array;
  readonly blockHex: string;
  readonly liveCopies: number;
  readonly at: number;
}

/** The host should delete the block at each of `trim.nodes` and record the drops in the index. */
export interface TrimStartedEvent {
  readonly type: 'trimStarted';
  readonly trim: TrimJob;
  readonly at: number;
}

/** Every node of a trim dropped its copy. */
export interface TrimCompletedEvent {
  readonly type: 'trimCompleted';
  readonly trim: TrimJob;
  readonly at: number;
}

/** A trim failed or missed its deadline; the block is looked at again after the park time. */
export interface TrimFailedEvent {
  readonly type: 'trimFailed';
  readonly trim: TrimJob;
  readonly reason: string;
  readonly at: number;
}

/**
 * One affected block of the local node's shutdown moved a step; pass it to node-state's
 * `NodeLifecycle.updateBlock(blockId, to, at)`.
 */
export interface DrainProgressedEvent {
  readonly type: 'drainProgressed';
  readonly nodeId: GuidV4;
  readonly blockId: Uint8Array;
  readonly from: BlockReplicationStatus;
  readonly to: BlockReplicationStatus;
  readonly at: number;
}

/** Every affected block of the local shutdown reached its target elsewhere. */
export interface DrainCompletedEvent {
  readonly type: 'drainCompleted';
  readonly nodeId: GuidV4;
  readonly at: number;
}

/** Every event the scheduler emits. */
export type ReplicationEvent =
  | JobQueuedEvent
  | JobStartedEvent
  | JobCompletedEvent
  | JobFailedEvent
  | JobCancelledEvent
  | BlockAtRiskEvent
  | BlockLostEvent
  | BlockRestoredEvent
  | TrimStartedEvent
  | TrimCompletedEvent
  | TrimFailedEvent
  | DrainProgressedEvent
  | DrainCompletedEvent;
