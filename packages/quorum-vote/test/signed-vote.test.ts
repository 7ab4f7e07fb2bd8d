import { type SignatureBuffer, SeededRandom, newGuidV4 } from '@brightchain/core';
import {
  MemberSet,
  type SignedProposal,
  type SignedVote,
  proposalHash,
  signVote,
  verifyProposalSignature,
  verifyVoteSignature,
} from '@brightchain/quorum-vote';
import { GovernorHarness, makeMembers } from './support/governor-harness';
import { craftProposal } from './support/proposal-factory';

const people = makeMembers(3, 'signed');
const random = new SeededRandom('signed');
const net = new GovernorHarness(people);
const proposal = craftProposal(net.governor(0), people[0]!, {
  target: new Map([['memberId', people[2]!.id]]),
});
const vote = signVote(
  {
    voteId: proposal.voteId,
    proposalHash: proposalHash(proposal),
    epoch: 0,
    member: people[1]!.id,
    decision: true,
    timestamp: proposal.openedAt + 5,
  },
  people[1]!.keys.secretKey,
);

describe('vote signatures bind every field', () => {
  it('verifies as made', () => {
    expect(verifyVoteSignature(vote, people[1]!.keys.publicKey)).toBe(true);
  });

  const changes: [string, Partial<SignedVote>][] = [
    ['vote id', { voteId: newGuidV4(random) }],
    ['proposal hash', { proposalHash: new Uint8Array(32).fill(7) }],
    ['epoch', { epoch: 1 }],
    ['member', { member: people[2]!.id }],
    ['decision', { decision: false }],
    ['timestamp', { timestamp: vote.timestamp + 1 }],
    ['signature', { signature: new Uint8Array(64) as SignatureBuffer }],
  ];
  it.each(changes)('changing the %s invalidates it', (_name, change) => {
    expect(verifyVoteSignature({ ...vote, ...change }, people[1]!.keys.publicKey)).toBe(false);
  });

  it('another member’s key does not verify it, nor does a malformed key', () => {
    expect(verifyVoteSignature(vote, people[0]!.keys.publicKey)).toBe(false);
    expect(verifyVoteSignature(vote, new Uint8Array(33))).toBe(false);
  });
});

describe('proposal signatures and hashes bind every field', () => {
  it('verifies as made', () => {
    expect(verifyProposalSignature(proposal, people[0]!.keys.publicKey)).toBe(true);
  });

  const changes: [string, (p: SignedProposal) => SignedProposal][] = [
    ['vote id', (p) => ({ ...p, voteId: newGuidV4(random) })],
    ['type', (p) => ({ ...p, type: 'DOCUMENT_RECONSTRUCTION' })],
    ['initiator', (p) => ({ ...p, initiator: people[1]!.id })],
    ['action', (p) => ({ ...p, proposal: { ...p.proposal, action: 'add-member' } })],
    [
      'parameters',
      (p) => ({ ...p, proposal: { ...p.proposal, parameters: new Map([['memberId', people[1]!.id]]) } }),
    ],
    ['justification', (p) => ({ ...p, proposal: { ...p.proposal, justification: 'other' } })],
    ['epoch', (p) => ({ ...p, epoch: 9 })],
    [
      'member-set hash',
      (p) => ({
        ...p,
        memberSetHash: MemberSet.create(
          0,
          people.slice(0, 2).map((m) => m.member),
        ).hash,
      }),
    ],
    ['opening time', (p) => ({ ...p, openedAt: p.openedAt + 1 })],
    ['deadline', (p) => ({ ...p, deadline: p.deadline + 1 })],
    ['threshold', (p) => ({ ...p, threshold: p.threshold + 1 })],
    ['quorum', (p) => ({ ...p, quorum: p.quorum + 1 })],
  ];
  it.each(changes)('changing the %s changes the hash and invalidates the signature', (_name, change) => {
    const changed = change(proposal);
    expect(proposalHash(changed)).not.toEqual(proposalHash(proposal));
    expect(verifyProposalSignature(changed, people[0]!.keys.publicKey)).toBe(false);
  });

  it('parameter insertion order does not matter (canonical map)', () => {
    const a = {
      ...proposal,
      proposal: {
        ...proposal.proposal,
        parameters: new Map<string, string | number>([
          ['memberId', people[2]!.id],
          ['note', 1],
        ]),
      },
    };
    const b = {
      ...proposal,
      proposal: {
        ...proposal.proposal,
        parameters: new Map<string, string | number>([
          ['note', 1],
          ['memberId', people[2]!.id],
        ]),
      },
    };
    expect(proposalHash(a)).toEqual(proposalHash(b));
  });
});
