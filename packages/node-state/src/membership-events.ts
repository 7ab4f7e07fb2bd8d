/**
 * Typed events the membership core emits in its `Ready` batches, each with its evidence (who,
 * which incarnation, when, how many confirmations) so that applications can act on them and the
 * simulator can measure detection times and check invariants.
 */
import type { GuidV4 } from '@brightchain/core';
import type { LocalHealthCause } from './lifeguard-local-health';
import type { MemberMetadata } from './membership-metadata';
import type { MemberState } from './membership-messages';
import type { MemberSnapshot } from './membership-view';

/** A member's (state, incarnation) pair. */
export interface MemberStatePoint {
  readonly state: MemberState;
  readonly incarnation: number;
}

/** A member was seen for the first time, or came back after having left. */
export interface MemberJoinedEvent {
  readonly type: 'memberJoined';
  readonly member: MemberSnapshot;
  /** Who told us (the sender of the message that carried it). */
  readonly via: GuidV4;
  readonly at: number;
}

/** An alive member advertised new metadata (with a higher incarnation). */
export interface MemberUpdatedEvent {
  readonly type: 'memberUpdated';
  readonly member: MemberSnapshot;
  readonly previousMetadata: MemberMetadata;
  readonly at: number;
}

/** A member became suspect. */
export interface MemberSuspectedEvent {
  readonly type: 'memberSuspected';
  readonly id: GuidV4;
  readonly incarnation: number;
  /** The member that raised the suspicion (this node when its own probe failed). */
  readonly accuser: GuidV4;
  /** The sender of the message that carried it (equals `accuser` for first-hand suspicion). */
  readonly via: GuidV4;
  /** When the member will be declared dead without confirmations (ms since the epoch of `at`). */
  readonly deadline: number;
  /** Lifeguard's k for this suspicion. */
  readonly expectedConfirmations: number;
  readonly at: number;
}

/** A suspect member (or one wrongly declared dead) is alive again at a higher incarnation. */
export interface MemberAliveEvent {
  readonly type: 'memberAlive';
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly previous: MemberStatePoint;
  /** True when the member refuted a suspicion or death (previous state suspect or dead). */
  readonly refuted: boolean;
  readonly via: GuidV4;
  readonly at: number;
}

/** A member was declared dead. */
export interface MemberDeadEvent {
  readonly type: 'memberDead';
  readonly id: GuidV4;
  readonly incarnation: number;
  /** Who declared it: this node (suspicion timed out here) or the gossiped declarer. */
  readonly declaredBy: GuidV4;
  /** `suspicion-timeout` when declared here, `gossip` when learned from another member. */
  readonly reason: 'suspicion-timeout' | 'gossip';
  /** When this node started suspecting it, if it did. */
  readonly suspectedAt: number | undefined;
  /** Independent confirmations counted here before the declaration. */
  readonly confirmations: number;
  readonly at: number;
}

/** A member left gracefully. */
export interface MemberLeftEvent {
  readonly type: 'memberLeft';
  readonly id: GuidV4;
  readonly incarnation: number;
  readonly at: number;
}

/** This node heard it was suspected, declared dead or misdescribed, and refuted it. */
export interface SelfRefutedEvent {
  readonly type: 'selfRefuted';
  /** What was claimed about this node. */
  readonly accusation: MemberState;
  /** The accusing member, when the claim names one. */
  readonly accuser: GuidV4 | undefined;
  readonly accusedIncarnation: number;
  readonly newIncarnation: number;
  readonly at: number;
}

/**
 * Any change of a member's state or incarnation in this view (self included). The simulator checks
 * its invariants on these: incarnations never decrease, and a member is never alive at an
 * incarnation at which this view already had it suspect, dead or left.
 */
export interface MemberStateChangedEvent {
  readonly type: 'stateChanged';
  readonly id: GuidV4;
  /** Undefined when the member was unknown. */
  readonly from: MemberStatePoint | undefined;
  readonly to: MemberStatePoint;
  readonly at: number;
}

/** The partition detector flipped. */
export interface PartitionChangedEvent {
  readonly type: 'partitionChanged';
  readonly partitioned: boolean;
  readonly reachableFraction: number;
  readonly reachable: number;
  readonly known: number;
  /** When the crossing began (the flip is `partition.holdMs` later). */
  readonly since: number;
  readonly at: number;
}

/** Lifeguard's local health score changed. */
export interface LocalHealthChangedEvent {
  readonly type: 'localHealthChanged';
  readonly score: number;
  readonly previous: number;
  readonly cause: LocalHealthCause;
  readonly at: number;
}

/** A seed answered a join: this node merged its view. */
export interface JoinCompletedEvent {
  readonly type: 'joinCompleted';
  readonly via: GuidV4;
  /** Members in the merged view afterwards (self included). */
  readonly members: number;
  readonly at: number;
}

/** No seed answered within `joinMaxAttempts` sends. */
export interface JoinFailedEvent {
  readonly type: 'joinFailed';
  readonly seeds: readonly GuidV4[];
  readonly attempts: number;
  readonly at: number;
}

/** After `leave()`, the departure has been disseminated (or timed out); the core is now stopped. */
export interface LeaveCompletedEvent {
  readonly type: 'leaveCompleted';
  readonly incarnation: number;
  readonly at: number;
}

/** Every event the membership core emits. */
export type MembershipEvent =
  | MemberJoinedEvent
  | MemberUpdatedEvent
  | MemberSuspectedEvent
  | MemberAliveEvent
  | MemberDeadEvent
  | MemberLeftEvent
  | SelfRefutedEvent
  | MemberStateChangedEvent
  | PartitionChangedEvent
  | LocalHealthChangedEvent
  | JoinCompletedEvent
  | JoinFailedEvent
  | LeaveCompletedEvent;
