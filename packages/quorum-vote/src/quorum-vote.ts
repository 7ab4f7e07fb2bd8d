/**
 * The seed's `QuorumVote`, as a read-only view of a governor's state (every seed field, plus the
 * epoch, quorum and tallies the rules need).
 */
import type { GuidV4, SignatureBuffer } from '@brightchain/core';
import type { QuorumVoteType } from './governance-rules';
import type { Proposal } from './proposal';
import type { OutcomeReason } from './vote-log';

/** Lifecycle of a vote: OPEN until approved, rejected (approval impossible) or expired. */
export type QuorumVoteStatus = 'OPEN' | 'APPROVED' | 'REJECTED' | 'EXPIRED';

/** One member's recorded vote. */
export interface QuorumVoteBallot {
  readonly decision: boolean;
  readonly signature: SignatureBuffer;
  readonly timestamp: Date;
}

/** A quorum vote (seed fields first). */
export interface QuorumVote {
  readonly voteId: GuidV4;
  readonly type: QuorumVoteType;
  readonly initiator: GuidV4;
  readonly proposal: Proposal;
  /** Absolute deadline (UTC instant). */
  readonly deadline: Date;
  /** Accepted votes by member. */
  readonly votes: ReadonlyMap<GuidV4, QuorumVoteBallot>;
  /** Approvals required (resolved for the vote's epoch). */
  readonly threshold: number;
  readonly status: QuorumVoteStatus;
  /** Member-set epoch the vote runs in. */
  readonly epoch: number;
  /** Votes of either kind required before an approval counts. */
  readonly quorum: number;
  /** Members allowed to vote. */
  readonly electorate: readonly GuidV4[];
  readonly openedAt: Date;
  /** The hash every vote signs. */
  readonly proposalHash: Uint8Array;
  readonly approvals: number;
  readonly rejections: number;
  /** When and why it closed (absent while OPEN). */
  readonly closedAt?: Date;
  readonly closeReason?: OutcomeReason;
}
