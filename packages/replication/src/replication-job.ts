/**
 * `ReplicationJob` (the seed's interface) and the richer records the scheduler reports: a copy job
 * with its trigger, level, source, attempt and per-target outcomes, and a trim job.
 *
 * The seed types `blockId` as a Node `Buffer`; here it is a `Uint8Array` (a `Buffer` is one), the
 * block's 64-byte SHA3-512 checksum.
 */
import type { GuidV4 } from '@brightchain/core';
import type { ReplicationTrigger } from './job-priority';
import type { PriorityLevel } from './replication-policy';

/** Where a job stands. */
export type ReplicationJobStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** The seed's replication job. */
export interface ReplicationJob {
  readonly blockId: Uint8Array;
  /** The policy's number for the job's level (higher runs first). */
  readonly priority: number;
  /** Live copies when the job was last assessed. */
  readonly currentCopies: number;
  /** Nodes receiving a copy (empty while PENDING). */
  readonly targetNodes: readonly GuidV4[];
  /** When the job must be done (for a queued job: the drain deadline or a nominal one). */
  readonly deadline: Date;
  readonly status: ReplicationJobStatus;
}

/** Outcome of one target of a copy job. */
export type TargetOutcome = 'PENDING' | 'STORED' | 'FAILED';

/** A copy job as the scheduler reports it. */
export interface ScheduledReplicationJob extends ReplicationJob {
  /** Unique within one scheduler. */
  readonly jobId: number;
  /** Lower-case hex of `blockId`. */
  readonly blockHex: string;
  readonly trigger: ReplicationTrigger;
  readonly level: PriorityLevel;
  /** Copies expected to remain (live, not leaving, not suspected) when assessed. */
  readonly remainingCopies: number;
  /** The node that sends the bytes: the repairer, this scheduler's node. */
  readonly source: GuidV4;
  /** 1 for the first attempt of an episode, then 2, 3, … after failures. */
  readonly attempt: number;
  readonly sizeBytes: number;
  /** When it was queued and started (ms). */
  readonly queuedAt: number;
  readonly startedAt: number | undefined;
  /** Per-target outcome. */
  readonly outcomes: Readonly<Record<string, TargetOutcome>>;
}

/** Outcome of one node of a trim job. */
export type TrimOutcome = 'PENDING' | 'DROPPED' | 'FAILED';

/** A trim (drop surplus copies) job. */
export interface TrimJob {
  /** Unique within one scheduler (shares the counter with copy jobs). */
  readonly trimId: number;
  readonly blockId: Uint8Array;
  readonly blockHex: string;
  /** Nodes asked to drop their copy. */
  readonly nodes: readonly GuidV4[];
  /** Live copies when planned. */
  readonly currentCopies: number;
  readonly deadline: Date;
  readonly status: ReplicationJobStatus;
  readonly outcomes: Readonly<Record<string, TrimOutcome>>;
}
