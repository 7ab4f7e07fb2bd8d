/** Builders for hand-made (possibly malicious) proposals and votes in tests. */
import { type GuidV4, type SignatureBuffer, SeededRandom, newGuidV4 } from '@brightchain/core';
import {
  DEFAULT_GOVERNANCE_RULES,
  PROPOSAL_ACTIONS,
  type ParameterValue,
  type QuorumGovernor,
  type QuorumVoteType,
  type SignedProposal,
  type SignedVote,
  type UnsignedProposal,
  proposalHash,
  resolveThreshold,
  signProposal,
  signVote,
} from '@brightchain/quorum-vote';
import type { TestMember } from './governor-harness';

const ids = new SeededRandom('proposal-factory');

export function craftProposal(
  governor: QuorumGovernor,
  initiator: TestMember,
  overrides: Partial<UnsignedProposal> & { readonly target?: ReadonlyMap<string, ParameterValue> } = {},
): SignedProposal {
  const type: QuorumVoteType = overrides.type ?? 'MEMBER_REMOVAL';
  const resolved = resolveThreshold(DEFAULT_GOVERNANCE_RULES[type], governor.memberSet.size);
  const parameters =
    overrides.target ??
    new Map<string, ParameterValue>([['memberId', governor.memberSet.ids().at(-1) as string]]);
  const { target: _target, ...rest } = overrides;
  const unsigned: UnsignedProposal = {
    voteId: newGuidV4(ids),
    type,
    initiator: initiator.id,
    proposal: { action: PROPOSAL_ACTIONS[type], parameters, justification: 'test' },
    epoch: governor.epoch,
    memberSetHash: governor.memberSet.hash,
    openedAt: governor.currentTime,
    deadline: governor.currentTime + 60_000,
    threshold: resolved.approvals,
    quorum: resolved.quorum,
    ...rest,
  };
  return signProposal(unsigned, initiator.keys.secretKey);
}

export function craftVote(
  proposal: SignedProposal,
  voter: TestMember,
  overrides: Partial<Omit<SignedVote, 'signature'>> & { readonly signer?: Uint8Array } = {},
): SignedVote {
  const { signer, ...rest } = overrides;
  return signVote(
    {
      voteId: proposal.voteId,
      proposalHash: proposalHash(proposal),
      epoch: proposal.epoch,
      member: voter.id,
      decision: true,
      timestamp: proposal.openedAt + 1,
      ...rest,
    },
    signer ?? voter.keys.secretKey,
  );
}

export function flipSignature(vote: SignedVote): SignedVote {
  const signature = Uint8Array.from(vote.signature) as SignatureBuffer;
  signature[10] = (signature[10] as number) ^ 0x40;
  return { ...vote, signature };
}

export function otherId(): GuidV4 {
  return newGuidV4(ids);
}
