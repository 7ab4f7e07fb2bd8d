/**
 * The pure counting function at the heart of every vote, after etcd raft's `quorum` package: no
 * state, no clock, just "given who has voted what, is the outcome decided?".
 */
import { BrightChainError } from '@brightchain/core';
import { QuorumErrorCode } from './error-codes';

/** Where a count stands. `EXPIRED` is not a counting outcome: only the deadline produces it. */
export type CountOutcome = 'OPEN' | 'APPROVED' | 'REJECTED';

/** The inputs of {@link countVotes}. */
export interface Tally {
  /** Members allowed to vote (the proposal's member set). */
  readonly members: number;
  /** Yes-votes accepted so far. */
  readonly approvals: number;
  /** No-votes accepted so far. */
  readonly rejections: number;
  /** Yes-votes required (1..members). */
  readonly requiredApprovals: number;
  /** Votes of either kind required before an approval counts (0..members). */
  readonly requiredQuorum: number;
}

/**
 * Decides a tally, assuming every member votes at most once and votes are final:
 * - `APPROVED` as soon as `approvals ≥ requiredApprovals` and `approvals + rejections ≥ requiredQuorum`;
 * - `REJECTED` as soon as approval is impossible: even if every member who has not voted approved,
 *   `approvals` would stay below `requiredApprovals` (the quorum can always still be reached because
 *   `requiredQuorum ≤ members`);
 * - `OPEN` otherwise.
 *
 * Because counts only grow, the outcome is monotone: once decided it never changes, and every
 * replica that has seen a superset of the votes reaches the same decision.
 *
 * @throws BrightChainError `BC_QUORUM_THRESHOLD_INVALID` if the numbers are not non-negative
 * integers, `approvals + rejections > members`, or the requirements are out of range
 * @example
 * ```ts
 * countVotes({ members: 5, approvals: 3, rejections: 0, requiredApprovals: 3, requiredQuorum: 0 }); // 'APPROVED'
 * countVotes({ members: 5, approvals: 0, rejections: 3, requiredApprovals: 3, requiredQuorum: 0 }); // 'REJECTED'
 * ```
 */
export function countVotes(tally: Tally): CountOutcome {
  const { members, approvals, rejections, requiredApprovals, requiredQuorum } = tally;
  const ok =
    Number.isSafeInteger(members) &&
    Number.isSafeInteger(approvals) &&
    Number.isSafeInteger(rejections) &&
    Number.isSafeInteger(requiredApprovals) &&
    Number.isSafeInteger(requiredQuorum) &&
    members >= 1 &&
    approvals >= 0 &&
    rejections >= 0 &&
    approvals + rejections <= members &&
    requiredApprovals >= 1 &&
    requiredApprovals <= members &&
    requiredQuorum >= 0 &&
    requiredQuorum <= members;
  if (!ok) {
    throw new BrightChainError(QuorumErrorCode.THRESHOLD_INVALID, 'inconsistent tally', {
      details: { members, approvals, rejections, requiredApprovals, requiredQuorum },
    });
  }
  if (approvals >= requiredApprovals && approvals + rejections >= requiredQuorum) return 'APPROVED';
  const undecided = members - approvals - rejections;
  if (approvals + undecided < requiredApprovals) return 'REJECTED';
  return 'OPEN';
}
