/**
 * Signed votes. A member signs, with its secp256k1 member key (core `signMessage`), the canonical
 * tuple
 *
 *     [1, voteId, proposalHash, epoch, member, decision, timestamp]
 *
 * under the domain tag `brightchain/quorum/vote/v1`. The proposal hash itself binds the vote id,
 * type, parameters, deadline, threshold, epoch and member-set hash, so a signature is valid for
 * exactly one decision by one member on one proposal in one epoch.
 */
import {
  type CanonicalValue,
  type GuidV4,
  type SignatureBuffer,
  encodeCanonical,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import { guidBytes, readBool, readBytes, readGuid, readInt, readTuple } from './canonical-fields';

/** Domain tag of vote signatures. */
export const VOTE_DOMAIN = 'brightchain/quorum/vote/v1';

/** One member's vote on one proposal. */
export interface SignedVote {
  /** The proposal voted on. */
  readonly voteId: GuidV4;
  /** Hash of that proposal (see `proposalHash`). */
  readonly proposalHash: Uint8Array;
  /** Member-set epoch of the proposal. */
  readonly epoch: number;
  /** The voter. */
  readonly member: GuidV4;
  /** true = approve, false = reject. */
  readonly decision: boolean;
  /** When the vote was cast (ms since the Unix epoch, UTC). */
  readonly timestamp: number;
  /** 64-byte low-S ECDSA signature by the member's key. */
  readonly signature: SignatureBuffer;
}

/** A vote before signing. */
export type UnsignedVote = Omit<SignedVote, 'signature'>;

/**
 * The canonical bytes a member signs for `vote`.
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` for a non-integer epoch or timestamp, `BC_GUID_INVALID` for bad ids
 * @example
 * ```ts
 * const payload = votePayload(vote);
 * ```
 */
export function votePayload(vote: UnsignedVote): Uint8Array {
  return encodeCanonical([
    1,
    guidBytes(vote.voteId),
    vote.proposalHash,
    vote.epoch,
    guidBytes(vote.member),
    vote.decision,
    vote.timestamp,
  ]);
}

/**
 * Signs a vote with the member's secret key.
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad key, `BC_ENCODE_UNSUPPORTED` for a
 * non-integer timestamp or epoch
 * @example
 * ```ts
 * const vote = signVote({ voteId, proposalHash, epoch, member: me.id, decision: true, timestamp: now }, me.secretKey);
 * ```
 */
export function signVote(vote: UnsignedVote, secretKey: Uint8Array): SignedVote {
  return { ...vote, signature: signMessage(secretKey, VOTE_DOMAIN, votePayload(vote)) };
}

/**
 * True when `vote.signature` verifies under `publicKey`. Malformed votes give false.
 *
 * @example
 * ```ts
 * if (!verifyVoteSignature(vote, member.publicKey)) reject(vote);
 * ```
 */
export function verifyVoteSignature(vote: SignedVote, publicKey: Uint8Array): boolean {
  try {
    return verifyMessage(publicKey, VOTE_DOMAIN, votePayload(vote), vote.signature);
  } catch {
    return false;
  }
}

/** Canonical form `[voteId, proposalHash, epoch, member, decision, timestamp, signature]`. */
export function signedVoteToCanonical(vote: SignedVote): CanonicalValue {
  return [
    guidBytes(vote.voteId),
    vote.proposalHash,
    vote.epoch,
    guidBytes(vote.member),
    vote.decision,
    vote.timestamp,
    vote.signature,
  ];
}

/**
 * Parses {@link signedVoteToCanonical} output (shape only, not the signature).
 * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID`
 */
export function signedVoteFromCanonical(value: CanonicalValue | undefined, field = 'vote'): SignedVote {
  const [voteId, hash, epoch, member, decision, timestamp, signature] = readTuple(value, 7, field);
  return {
    voteId: readGuid(voteId, `${field}.voteId`),
    proposalHash: readBytes(hash, `${field}.proposalHash`, 32),
    epoch: readInt(epoch, `${field}.epoch`),
    member: readGuid(member, `${field}.member`),
    decision: readBool(decision, `${field}.decision`),
    timestamp: readInt(timestamp, `${field}.timestamp`),
    signature: readBytes(signature, `${field}.signature`, 64) as SignatureBuffer,
  };
}
