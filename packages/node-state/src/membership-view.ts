/**
 * Read-only snapshots of one node's membership view, for applications, dashboards and the
 * simulator's invariant checks.
 */
import type { GuidV4 } from '@brightchain/core';
import type { MemberMetadata } from './membership-metadata';
import type { MemberState } from './membership-messages';
import type { PartitionState } from './partition-detector';

/** Lifecycle of the local membership core. */
export type MembershipStatus = 'active' | 'leaving' | 'left';

/** One member as the local node sees it. */
export interface MemberSnapshot {
  readonly id: GuidV4;
  readonly state: MemberState;
  readonly incarnation: number;
  readonly metadata: MemberMetadata;
  /** When the local node last saw the state or incarnation change (its own clock). */
  readonly stateChangedAt: number;
}

/** The partition detector's reading. */
export interface PartitionReading {
  readonly state: PartitionState;
  /** `reachable / known`. */
  readonly reachableFraction: number;
  /** Alive members, self included. */
  readonly reachable: number;
  /** Members that count: alive, suspect, and dead for less than `partition.deadCountsForMs`; self included. */
  readonly known: number;
}

/** A full snapshot of one node's view. */
export interface MembershipView {
  /** The node holding this view. */
  readonly self: GuidV4;
  /** Time of the node's latest `tick`. */
  readonly at: number;
  readonly status: MembershipStatus;
  /** The node's own incarnation. */
  readonly incarnation: number;
  /** Every member still remembered (self included), sorted by id. */
  readonly members: readonly MemberSnapshot[];
  readonly partition: PartitionReading;
  /** Lifeguard local health score (0 = healthy). */
  readonly localHealth: number;
}
