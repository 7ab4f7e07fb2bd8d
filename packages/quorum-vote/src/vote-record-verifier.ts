/**
 * Verifying closed votes from the vote log alone: anyone holding a node's log (and, ideally, the
 * expected genesis hash) can check that every closed vote was counted correctly, without trusting
 * the node that wrote it.
 */
import { BrightChainError, type GuidV4, bytesEqual } from '@brightchain/core';
import { QuorumErrorCode } from './error-codes';
import type { GovernanceRules, QuorumVoteType } from './governance-rules';
import type { MemberSet } from './member-set';
import { type SignedProposal, proposalHash, proposalTarget, verifyProposalSignature } from './proposal';
import { type SignedVote, verifyVoteSignature } from './signed-vote';
import { resolveThreshold } from './threshold-rule';
import { countVotes } from './vote-counting';
import { type ClosedStatus, type OutcomeReason, type VoteLogEntry, verifyVoteLogChain } from './vote-log';

/** What {@link verifyVoteRecord} established about one closed vote. */
export interface VoteRecordReport {
  readonly voteId: GuidV4;
  readonly type: QuorumVoteType;
  readonly epoch: number;
  readonly status: ClosedStatus;
  readonly reason: OutcomeReason;
  readonly approvals: number;
  readonly rejections: number;
  readonly threshold: number;
  readonly quorum: number;
  readonly electorate: number;
  /** Sequence numbers of the proposal, its votes and its outcome. */
  readonly sequences: readonly number[];
}

/** Options of {@link verifyVoteRecord}. */
export interface VerifyVoteRecordOptions {
  /** Only report this vote (it must be present and closed). */
  readonly voteId?: GuidV4;
  /** The hash the genesis entry must have (anchors the member set and rules). */
  readonly genesisHash?: Uint8Array;
}

interface Tracked {
  readonly proposal: SignedProposal;
  readonly hash: Uint8Array;
  readonly electorate: MemberSet;
  readonly voters: Set<GuidV4>;
  readonly sequences: number[];
  approvals: number;
  rejections: number;
  outcome: { status: ClosedStatus; reason: OutcomeReason } | undefined;
}

/**
 * Verifies the hash chain and every proposal, vote, outcome and epoch change in `entries`, and
 * returns a report per closed vote:
 * - the chain is intact and starts at a genesis (matching `genesisHash` if given);
 * - each proposal is signed by a member of the current epoch, bound to that epoch's member-set
 *   hash, with the threshold and quorum the genesis rules give for that epoch;
 * - each vote is signed by a member of its proposal's electorate, binds the proposal hash and
 *   epoch, is cast in [openedAt, deadline), is the member's only vote, and arrives while the vote
 *   is still undecided;
 * - each outcome is what the pure counting function says at that point (APPROVED/REJECTED exactly
 *   when decided; EXPIRED only while undecided, at or after the deadline or after an epoch change);
 * - each epoch change follows from an APPROVED membership vote of the previous epoch.
 *
 * @throws BrightChainError `BC_VOTE_RECORD_INVALID` (details: `sequence`, `voteId`, `reason`) at
 * the first entry that does not verify; `BC_VOTE_LOG_CORRUPT` for a broken chain
 * @example
 * ```ts
 * const [report] = verifyVoteRecord(readVoteLog(store), { voteId, genesisHash });
 * report.status; // 'APPROVED'
 * ```
 */
export function verifyVoteRecord(
  entries: readonly VoteLogEntry[],
  options: VerifyVoteRecordOptions = {},
): VoteRecordReport[] {
  verifyVoteLogChain(entries);
  const genesis = entries[0];
  if (genesis === undefined || genesis.body.kind !== 'genesis') {
    throw new BrightChainError(QuorumErrorCode.RECORD_INVALID, 'the log has no genesis', {
      details: { sequence: 0 },
    });
  }
  if (options.genesisHash !== undefined && !bytesEqual(genesis.hash, options.genesisHash)) {
    throw new BrightChainError(QuorumErrorCode.RECORD_INVALID, 'genesis differs from the expected one', {
      details: { sequence: 0, reason: 'genesis' },
    });
  }
  let members: MemberSet = genesis.body.members;
  const rules: GovernanceRules = genesis.body.rules;
  const tracked = new Map<GuidV4, Tracked>();

  for (const entry of entries.slice(1)) {
    const body = entry.body;
    const invalid = (reason: string, voteId?: GuidV4) =>
      new BrightChainError(QuorumErrorCode.RECORD_INVALID, `entry ${entry.sequence}: ${reason}`, {
        details: { sequence: entry.sequence, reason, ...(voteId === undefined ? {} : { voteId }) },
      });
    switch (body.kind) {
      case 'proposal': {
        const p = body.proposal;
        if (tracked.has(p.voteId)) throw invalid('duplicate proposal', p.voteId);
        if (p.epoch !== members.epoch || !bytesEqual(p.memberSetHash, members.hash)) {
          throw invalid('proposal not bound to the current member set', p.voteId);
        }
        const initiator = members.get(p.initiator);
        if (initiator === undefined) throw invalid('initiator is not a member', p.voteId);
        if (!verifyProposalSignature(p, initiator.publicKey))
          throw invalid('initiator signature invalid', p.voteId);
        const resolved = resolveThreshold(rules[p.type], members.size);
        if (p.threshold !== resolved.approvals || p.quorum !== resolved.quorum) {
          throw invalid('threshold or quorum differs from the rules', p.voteId);
        }
        tracked.set(p.voteId, {
          proposal: p,
          hash: proposalHash(p),
          electorate: members,
          voters: new Set(),
          sequences: [entry.sequence],
          approvals: 0,
          rejections: 0,
          outcome: undefined,
        });
        break;
      }
      case 'vote': {
        const v: SignedVote = body.vote;
        const t = tracked.get(v.voteId);
        if (t === undefined) throw invalid('vote for an unknown proposal', v.voteId);
        if (t.outcome !== undefined) throw invalid('vote after the outcome', v.voteId);
        if (t.proposal.epoch !== members.epoch) throw invalid('vote after the epoch changed', v.voteId);
        if (v.epoch !== t.proposal.epoch || !bytesEqual(v.proposalHash, t.hash)) {
          throw invalid('vote not bound to this proposal and epoch', v.voteId);
        }
        const member = t.electorate.get(v.member);
        if (member === undefined) throw invalid('voter is not in the electorate', v.voteId);
        if (t.voters.has(v.member)) throw invalid('second vote by the same member', v.voteId);
        if (v.timestamp < t.proposal.openedAt || v.timestamp >= t.proposal.deadline) {
          throw invalid('vote cast outside [openedAt, deadline)', v.voteId);
        }
        if (!verifyVoteSignature(v, member.publicKey)) throw invalid('vote signature invalid', v.voteId);
        if (tallyOf(t) !== 'OPEN') throw invalid('vote accepted after the outcome was decided', v.voteId);
        t.voters.add(v.member);
        if (v.decision) t.approvals += 1;
        else t.rejections += 1;
        t.sequences.push(entry.sequence);
        break;
      }
      case 'outcome': {
        const t = tracked.get(body.voteId);
        if (t === undefined) throw invalid('outcome for an unknown proposal', body.voteId);
        if (t.outcome !== undefined) throw invalid('second outcome', body.voteId);
        if (body.approvals !== t.approvals || body.rejections !== t.rejections) {
          throw invalid('outcome tallies differ from the recorded votes', body.voteId);
        }
        const counted = tallyOf(t);
        const ok =
          (body.status === 'APPROVED' && body.reason === 'threshold' && counted === 'APPROVED') ||
          (body.status === 'REJECTED' && body.reason === 'impossible' && counted === 'REJECTED') ||
          (body.status === 'EXPIRED' &&
            body.reason === 'deadline' &&
            counted === 'OPEN' &&
            body.at >= t.proposal.deadline &&
            t.proposal.epoch === members.epoch) ||
          (body.status === 'EXPIRED' &&
            body.reason === 'epoch-changed' &&
            counted === 'OPEN' &&
            t.proposal.epoch < members.epoch);
        if (!ok)
          throw invalid(`outcome ${body.status}/${body.reason} does not follow from the votes`, body.voteId);
        t.outcome = { status: body.status, reason: body.reason };
        t.sequences.push(entry.sequence);
        break;
      }
      case 'epoch': {
        const t = tracked.get(body.cause);
        if (t === undefined || t.outcome?.status !== 'APPROVED' || t.proposal.epoch !== members.epoch) {
          throw invalid('epoch change without an approved membership vote of this epoch', body.cause);
        }
        const target = proposalTarget(t.proposal);
        let expected: MemberSet;
        try {
          if (target.type === 'MEMBER_ADDITION') expected = members.withMember(target.member);
          else if (target.type === 'MEMBER_REMOVAL') expected = members.withoutMember(target.memberId);
          else throw new Error('not a membership vote');
        } catch {
          throw invalid('epoch change does not apply its vote', body.cause);
        }
        if (!bytesEqual(expected.hash, body.members.hash))
          throw invalid('epoch member set differs from the vote', body.cause);
        members = body.members;
        break;
      }
      default:
        break; // documents, deals and releases are local custody records: covered by the chain only
    }
  }

  const reports: VoteRecordReport[] = [];
  for (const t of tracked.values()) {
    if (options.voteId !== undefined && t.proposal.voteId !== options.voteId) continue;
    if (t.outcome === undefined) continue;
    reports.push({
      voteId: t.proposal.voteId,
      type: t.proposal.type,
      epoch: t.proposal.epoch,
      status: t.outcome.status,
      reason: t.outcome.reason,
      approvals: t.approvals,
      rejections: t.rejections,
      threshold: t.proposal.threshold,
      quorum: t.proposal.quorum,
      electorate: t.electorate.size,
      sequences: t.sequences,
    });
  }
  if (options.voteId !== undefined && reports.length === 0) {
    throw new BrightChainError(QuorumErrorCode.RECORD_INVALID, 'the vote is not in the log or not closed', {
      details: { voteId: options.voteId, reason: 'not-closed' },
    });
  }
  return reports;
}

function tallyOf(t: Tracked) {
  return countVotes({
    members: t.electorate.size,
    approvals: t.approvals,
    rejections: t.rejections,
    requiredApprovals: t.proposal.threshold,
    requiredQuorum: t.proposal.quorum,
  });
}
