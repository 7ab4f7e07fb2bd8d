/**
 * Error codes thrown by `@brightchain/quorum-vote`. Every code is stable once published; the table
 * of all codes lives in `docs/errors.md` (and the package README).
 *
 * @example
 * ```ts
 * governor.step(from, message);
 * for (const event of governor.ready().events) {
 *   if (event.type === 'voteRejected' && event.code === QuorumErrorCode.VOTE_SIGNATURE_INVALID) alarm(event.member);
 * }
 * ```
 */
export const QuorumErrorCode = {
  /** A vote's signature does not verify under the member's key (or is malformed). */
  VOTE_SIGNATURE_INVALID: 'BC_VOTE_SIGNATURE_INVALID',
  /** The voter is not a member of the proposal's member set. */
  VOTE_NOT_MEMBER: 'BC_VOTE_NOT_MEMBER',
  /** The voter was a member once but has been removed by an approved MEMBER_REMOVAL. */
  VOTE_MEMBER_REMOVED: 'BC_VOTE_MEMBER_REMOVED',
  /** The vote (or proposal) was made under a different member-set epoch. */
  VOTE_WRONG_EPOCH: 'BC_VOTE_WRONG_EPOCH',
  /** The member has already voted on this proposal; votes are final. */
  VOTE_DUPLICATE: 'BC_VOTE_DUPLICATE',
  /** The proposal is no longer OPEN (already APPROVED, REJECTED or EXPIRED). */
  VOTE_CLOSED: 'BC_VOTE_CLOSED',
  /** The vote (or proposal) is timestamped at or after its deadline. */
  VOTE_EXPIRED: 'BC_VOTE_EXPIRED',
  /** No proposal with this vote id is known. */
  VOTE_UNKNOWN_PROPOSAL: 'BC_VOTE_UNKNOWN_PROPOSAL',
  /** The vote signs a different proposal hash than the proposal known under its vote id (replay). */
  VOTE_PROPOSAL_MISMATCH: 'BC_VOTE_PROPOSAL_MISMATCH',
  /** The vote's timestamp is before the proposal was opened or too far in the future. */
  VOTE_TIMESTAMP_INVALID: 'BC_VOTE_TIMESTAMP_INVALID',
  /** A proposal is malformed: bad type, parameters, deadline, threshold or target member. */
  PROPOSAL_INVALID: 'BC_QUORUM_PROPOSAL_INVALID',
  /** A proposal's initiator signature does not verify. */
  PROPOSAL_SIGNATURE_INVALID: 'BC_QUORUM_PROPOSAL_SIGNATURE_INVALID',
  /** The proposal's initiator is not a member of the current epoch. */
  INITIATOR_NOT_MEMBER: 'BC_QUORUM_INITIATOR_NOT_MEMBER',
  /** A proposal with this vote id is already known. */
  PROPOSAL_DUPLICATE: 'BC_QUORUM_PROPOSAL_DUPLICATE',
  /** A threshold rule or tally is malformed (non-integer, out of range, inconsistent). */
  THRESHOLD_INVALID: 'BC_QUORUM_THRESHOLD_INVALID',
  /** The change would leave fewer members than a sealed document's share threshold (or none). */
  TOO_FEW_MEMBERS: 'BC_QUORUM_TOO_FEW_MEMBERS',
  /** A governor was configured inconsistently (bad genesis, unknown local member, bad time). */
  CONFIG_INVALID: 'BC_QUORUM_CONFIG_INVALID',
  /** A wire message or log entry is structurally invalid. */
  MESSAGE_INVALID: 'BC_QUORUM_MESSAGE_INVALID',
  /** A Feldman VSS share does not verify against the published commitments. */
  SHARE_INVALID: 'BC_SHARE_INVALID',
  /** Fewer than `threshold` valid shares are available to reconstruct the secret. */
  SHARE_INSUFFICIENT: 'BC_SHARE_INSUFFICIENT',
  /** Feldman VSS parameters are invalid (threshold, indices, commitment points). */
  VSS_INVALID: 'BC_VSS_INVALID',
  /** An ECIES envelope is malformed or does not decrypt and authenticate. */
  ECIES_INVALID: 'BC_ECIES_INVALID',
  /** A sealed document does not decrypt/authenticate under the reconstructed key. */
  DOCUMENT_DECRYPT_FAILED: 'BC_DOCUMENT_DECRYPT_FAILED',
  /** The document is not known to this governor. */
  DOCUMENT_UNKNOWN: 'BC_DOCUMENT_UNKNOWN',
  /** A sealed document or its sharing is malformed or inconsistent. */
  DOCUMENT_INVALID: 'BC_DOCUMENT_INVALID',
  /** A resharing deal is malformed, from a non-designated dealer, or fails verification. */
  RESHARE_DEAL_INVALID: 'BC_RESHARE_DEAL_INVALID',
  /** The vote log's hash chain or sequence is broken before its last entry. */
  LOG_CORRUPT: 'BC_VOTE_LOG_CORRUPT',
  /** A closed vote's record does not verify (signatures, membership, counting or outcome). */
  RECORD_INVALID: 'BC_VOTE_RECORD_INVALID',
} as const;

/** Union of every quorum-vote error code string. */
export type QuorumErrorCode = (typeof QuorumErrorCode)[keyof typeof QuorumErrorCode];
