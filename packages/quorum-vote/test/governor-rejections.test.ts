import { type GuidV4, SeededRandom, utf8Bytes } from '@brightchain/core';
import {
  type GovernorMessage,
  QuorumErrorCode,
  QuorumGovernor,
  type SignedProposal,
  createShareRelease,
  decodeGovernorMessage,
  encodeGovernorMessage,
} from '@brightchain/quorum-vote';
import { GovernorHarness, type TestMember, makeMembers } from './support/governor-harness';
import { craftProposal, craftVote, flipSignature, otherId } from './support/proposal-factory';

const people = makeMembers(6, 'rejections');
const [a, b, c, d, e, outsider] = people as [
  TestMember,
  TestMember,
  TestMember,
  TestMember,
  TestMember,
  TestMember,
];

/** Four members A–D (threshold 3 under the default two-thirds rule); A's governor is under test. */
function fixture() {
  const net = new GovernorHarness([a, b, c, d]);
  const governor = net.governor(0);
  const proposal = craftProposal(governor, b, { target: new Map([['memberId', d.id]]) });
  governor.step(b.id, { kind: 'proposal', proposal });
  net.pumpAll();
  return { net, governor, proposal };
}

/** Steps `message` into `governor` and checks: one rejection event with `code`, and nothing else changed. */
function expectRejected(
  governor: QuorumGovernor,
  message: GovernorMessage,
  code: string,
  from: GuidV4 = b.id,
): void {
  expect(governor.hasReady()).toBe(false);
  const before = governor.snapshot();
  // Through the wire encoding, as a host would deliver it.
  governor.step(from, decodeGovernorMessage(encodeGovernorMessage(message)));
  const ready = governor.ready();
  governor.advance();
  expect(ready.persist).toEqual([]);
  expect(ready.messages).toEqual([]);
  expect(ready.events).toHaveLength(1);
  expect(ready.events[0]).toMatchObject({ code });
  expect(governor.snapshot()).toEqual(before);
}

function expectCommandRejected(governor: QuorumGovernor, command: () => unknown, code: string): void {
  expect(governor.hasReady()).toBe(false);
  const before = governor.snapshot();
  expect(command).toThrow(expect.objectContaining({ code }));
  expect(governor.hasReady()).toBe(false);
  expect(governor.snapshot()).toEqual(before);
}

const voteMessage = (proposal: SignedProposal, vote: ReturnType<typeof craftVote>): GovernorMessage => ({
  kind: 'vote',
  proposal,
  vote,
});

describe('every vote rejection leaves the state unchanged', () => {
  it('bad signature', () => {
    const { governor, proposal } = fixture();
    expectRejected(
      governor,
      voteMessage(proposal, flipSignature(craftVote(proposal, c))),
      QuorumErrorCode.VOTE_SIGNATURE_INVALID,
    );
  });

  it('signed with another member’s key (impersonation)', () => {
    const { governor, proposal } = fixture();
    const vote = craftVote(proposal, c, { signer: d.keys.secretKey });
    expectRejected(governor, voteMessage(proposal, vote), QuorumErrorCode.VOTE_SIGNATURE_INVALID);
  });

  it('non-member', () => {
    const { governor, proposal } = fixture();
    expectRejected(
      governor,
      voteMessage(proposal, craftVote(proposal, outsider)),
      QuorumErrorCode.VOTE_NOT_MEMBER,
    );
  });

  it('wrong epoch', () => {
    const { governor, proposal } = fixture();
    const vote = craftVote(proposal, c, { epoch: proposal.epoch + 1 });
    expectRejected(governor, voteMessage(proposal, vote), QuorumErrorCode.VOTE_WRONG_EPOCH);
  });

  it('a vote replayed from another proposal', () => {
    const { governor, proposal } = fixture();
    const other = craftProposal(governor, c, { target: new Map([['memberId', c.id]]) });
    governor.step(c.id, { kind: 'proposal', proposal: other });
    governor.ready();
    governor.advance();
    const original = craftVote(other, d);
    // Same signature, re-addressed to the first proposal.
    expectRejected(
      governor,
      voteMessage(proposal, { ...original, voteId: proposal.voteId }),
      QuorumErrorCode.VOTE_PROPOSAL_MISMATCH,
    );
    // Re-signed by the member for the first vote id but still naming the other proposal's hash.
    const crossed = craftVote(proposal, d, { proposalHash: original.proposalHash });
    expectRejected(governor, voteMessage(proposal, crossed), QuorumErrorCode.VOTE_PROPOSAL_MISMATCH);
  });

  it('a second vote by the same member (votes are final), and an exact re-delivery', () => {
    const { governor, proposal } = fixture();
    const first = craftVote(proposal, c, { decision: true });
    governor.step(c.id, voteMessage(proposal, first));
    governor.ready();
    governor.advance();
    expectRejected(
      governor,
      voteMessage(proposal, craftVote(proposal, c, { decision: false, timestamp: first.timestamp + 5 })),
      QuorumErrorCode.VOTE_DUPLICATE,
    );
    expectRejected(governor, voteMessage(proposal, first), QuorumErrorCode.VOTE_DUPLICATE);
  });

  it('a vote cast at or after the deadline', () => {
    const { governor, proposal } = fixture();
    governor.tick(proposal.deadline - 1);
    const late = craftVote(proposal, c, { timestamp: proposal.deadline });
    expectRejected(governor, voteMessage(proposal, late), QuorumErrorCode.VOTE_EXPIRED);
  });

  it('a vote arriving after the vote expired', () => {
    const { governor, proposal } = fixture();
    governor.tick(proposal.deadline);
    governor.ready();
    governor.advance();
    expect(governor.vote(proposal.voteId)?.status).toBe('EXPIRED');
    expectRejected(governor, voteMessage(proposal, craftVote(proposal, c)), QuorumErrorCode.VOTE_EXPIRED);
  });

  it('a vote after the outcome is decided', () => {
    const { governor, proposal } = fixture();
    for (const voter of [a, b, c]) governor.step(voter.id, voteMessage(proposal, craftVote(proposal, voter)));
    governor.ready();
    governor.advance();
    expect(governor.vote(proposal.voteId)?.status).toBe('APPROVED');
    // The approval removed D: its vote is now from a removed member of a closed vote.
    expectRejected(governor, voteMessage(proposal, craftVote(proposal, d)), QuorumErrorCode.VOTE_CLOSED);
  });

  it('timestamps before the proposal opened or beyond the allowed clock skew', () => {
    const { governor } = fixture();
    const proposal = craftProposal(governor, b, {
      deadline: governor.currentTime + 600_000,
      target: new Map([['memberId', c.id]]),
    });
    governor.step(b.id, { kind: 'proposal', proposal });
    governor.ready();
    governor.advance();
    expectRejected(
      governor,
      voteMessage(proposal, craftVote(proposal, c, { timestamp: proposal.openedAt - 1 })),
      QuorumErrorCode.VOTE_TIMESTAMP_INVALID,
    );
    expectRejected(
      governor,
      voteMessage(proposal, craftVote(proposal, c, { timestamp: governor.currentTime + 60_001 })),
      QuorumErrorCode.VOTE_TIMESTAMP_INVALID,
    );
  });

  it('a vote for an unknown proposal', () => {
    const { governor, proposal } = fixture();
    const unknown = craftVote({ ...proposal, voteId: otherId() }, c);
    expectRejected(governor, voteMessage(proposal, unknown), QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL);
  });

  it('a removed member', () => {
    const { net, governor, proposal } = fixture();
    for (const voter of [b, c, d]) net.node(voter.id).governor.step(b.id, { kind: 'proposal', proposal });
    for (const voter of [a, b, c]) net.node(voter.id).governor.castVote(proposal.voteId, true);
    net.pumpAll();
    net.deliverAll();
    expect(governor.memberSet.has(d.id)).toBe(false);
    const next = craftProposal(governor, a, {
      type: 'MEMBER_ADDITION',
      target: new Map<string, Uint8Array | string>([
        ['memberId', e.id],
        ['publicKey', e.keys.publicKey],
      ]),
    });
    governor.step(a.id, { kind: 'proposal', proposal: next });
    governor.ready();
    governor.advance();
    expectRejected(governor, voteMessage(next, craftVote(next, d)), QuorumErrorCode.VOTE_MEMBER_REMOVED);
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, d, {
          type: 'MEMBER_REMOVAL',
          target: new Map([['memberId', a.id]]),
        }),
      },
      QuorumErrorCode.VOTE_MEMBER_REMOVED,
    );
  });
});

describe('every proposal rejection leaves the state unchanged', () => {
  it('bad initiator signature', () => {
    const { governor } = fixture();
    const p = craftProposal(governor, c, { target: new Map([['memberId', b.id]]) });
    expectRejected(
      governor,
      { kind: 'proposal', proposal: { ...p, signature: flipSignature(craftVote(p, c)).signature } },
      QuorumErrorCode.PROPOSAL_SIGNATURE_INVALID,
    );
  });

  it('initiator not a member', () => {
    const { governor } = fixture();
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, outsider, { target: new Map([['memberId', b.id]]) }),
      },
      QuorumErrorCode.INITIATOR_NOT_MEMBER,
    );
  });

  it('threshold that differs from the rules', () => {
    const { governor } = fixture();
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, { threshold: 1, target: new Map([['memberId', b.id]]) }),
      },
      QuorumErrorCode.PROPOSAL_INVALID,
    );
  });

  it('deadline already passed, or voting period too long', () => {
    const { governor } = fixture();
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, {
          openedAt: governor.currentTime - 10,
          deadline: governor.currentTime,
          target: new Map([['memberId', b.id]]),
        }),
      },
      QuorumErrorCode.VOTE_EXPIRED,
    );
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, {
          deadline: governor.currentTime + 31 * 86_400_000,
          target: new Map([['memberId', b.id]]),
        }),
      },
      QuorumErrorCode.PROPOSAL_INVALID,
    );
  });

  it('duplicate vote id', () => {
    const { governor, proposal } = fixture();
    expectRejected(governor, { kind: 'proposal', proposal }, QuorumErrorCode.PROPOSAL_DUPLICATE);
  });

  it('wrong epoch or another member set', () => {
    const { governor } = fixture();
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, { epoch: 1, target: new Map([['memberId', b.id]]) }),
      },
      QuorumErrorCode.VOTE_WRONG_EPOCH,
    );
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, {
          memberSetHash: new Uint8Array(32),
          target: new Map([['memberId', b.id]]),
        }),
      },
      QuorumErrorCode.VOTE_WRONG_EPOCH,
    );
  });

  it('adding an existing member or removing a stranger', () => {
    const { governor } = fixture();
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, {
          type: 'MEMBER_ADDITION',
          target: new Map<string, string | Uint8Array>([
            ['memberId', b.id],
            ['publicKey', b.keys.publicKey],
          ]),
        }),
      },
      QuorumErrorCode.PROPOSAL_INVALID,
    );
    expectRejected(
      governor,
      {
        kind: 'proposal',
        proposal: craftProposal(governor, c, { target: new Map([['memberId', outsider.id]]) }),
      },
      QuorumErrorCode.PROPOSAL_INVALID,
    );
  });

  it('a removal that would leave fewer members than a sealed document needs', () => {
    const { governor, proposal } = fixture();
    governor.tick(proposal.deadline); // no removal pending any more
    governor.sealDocument({ plaintext: utf8Bytes('doc'), threshold: 4 });
    governor.ready();
    governor.advance();
    expectRejected(
      governor,
      { kind: 'proposal', proposal: craftProposal(governor, c, { target: new Map([['memberId', b.id]]) }) },
      QuorumErrorCode.TOO_FEW_MEMBERS,
    );
  });
});

describe('other messages', () => {
  it('a document whose seal signature does not verify', () => {
    const { net } = fixture();
    const sealer = net.governor(1);
    sealer.sealDocument({ plaintext: utf8Bytes('doc') });
    const message = sealer.ready().messages.find((m) => m.to === a.id)?.message as GovernorMessage;
    sealer.advance();
    if (message.kind !== 'document') throw new Error('expected a document');
    const forged = {
      ...message,
      signature: flipSignature(craftVote(craftProposal(net.governor(0), b), b)).signature,
    };
    expectRejected(net.governor(0), forged, QuorumErrorCode.DOCUMENT_INVALID);
  });

  it('a share release for a vote this member did not request', () => {
    const { governor, proposal } = fixture();
    const release = createShareRelease({
      voteId: proposal.voteId,
      documentId: otherId(),
      epoch: 0,
      member: c.id,
      share: { index: 1, value: 5n },
      requesterPublicKey: a.keys.publicKey,
      holderSecretKey: c.keys.secretKey,
      random: new SeededRandom(1),
    });
    expectRejected(governor, { kind: 'release', release }, QuorumErrorCode.PROPOSAL_INVALID);
  });
});

describe('every command rejection throws and leaves the state unchanged', () => {
  it('castVote: unknown, twice, after the deadline, after the outcome', () => {
    const { governor, proposal } = fixture();
    expectCommandRejected(
      governor,
      () => governor.castVote(otherId(), true),
      QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL,
    );
    governor.castVote(proposal.voteId, false);
    governor.ready();
    governor.advance();
    expectCommandRejected(
      governor,
      () => governor.castVote(proposal.voteId, true),
      QuorumErrorCode.VOTE_DUPLICATE,
    );
    const second = craftProposal(governor, b, { target: new Map([['memberId', c.id]]) });
    governor.step(b.id, { kind: 'proposal', proposal: second });
    governor.tick(second.deadline);
    governor.ready();
    governor.advance();
    expectCommandRejected(
      governor,
      () => governor.castVote(second.voteId, true),
      QuorumErrorCode.VOTE_EXPIRED,
    );
  });

  it('castVote by a governor whose member is not in the electorate', () => {
    const { governor, proposal } = fixture();
    const observer = new QuorumGovernor({
      self: { id: outsider.id, secretKey: outsider.keys.secretKey },
      genesis: governor.checkpoint(),
      random: new SeededRandom(9),
      now: governor.currentTime,
    });
    observer.step(b.id, { kind: 'proposal', proposal });
    observer.ready();
    observer.advance();
    expectCommandRejected(
      observer,
      () => observer.castVote(proposal.voteId, true),
      QuorumErrorCode.VOTE_NOT_MEMBER,
    );
    expectCommandRejected(
      observer,
      () =>
        observer.propose({
          type: 'MEMBER_REMOVAL',
          memberId: b.id,
          justification: '',
          deadline: observer.currentTime + 1000,
        }),
      QuorumErrorCode.INITIATOR_NOT_MEMBER,
    );
  });

  it('propose: deadline in the past, unknown document, existing member, bad parameters', () => {
    const { governor } = fixture();
    const deadline = governor.currentTime + 1000;
    expectCommandRejected(
      governor,
      () =>
        governor.propose({
          type: 'MEMBER_REMOVAL',
          memberId: b.id,
          justification: '',
          deadline: governor.currentTime,
        }),
      QuorumErrorCode.VOTE_EXPIRED,
    );
    expectCommandRejected(
      governor,
      () =>
        governor.propose({
          type: 'DOCUMENT_RECONSTRUCTION',
          documentId: otherId(),
          justification: '',
          deadline,
        }),
      QuorumErrorCode.DOCUMENT_UNKNOWN,
    );
    expectCommandRejected(
      governor,
      () => governor.propose({ type: 'MEMBER_ADDITION', member: b.member, justification: '', deadline }),
      QuorumErrorCode.PROPOSAL_INVALID,
    );
    expectCommandRejected(
      governor,
      () =>
        governor.propose({
          type: 'MEMBER_REMOVAL',
          memberId: b.id,
          justification: '',
          deadline,
          parameters: new Map([['memberId', 'x']]),
        }),
      QuorumErrorCode.PROPOSAL_INVALID,
    );
    expectCommandRejected(
      governor,
      () =>
        governor.propose({
          type: 'MEMBER_REMOVAL',
          memberId: b.id,
          justification: '',
          deadline,
          parameters: new Map([['Bad Key', 1]]),
        }),
      QuorumErrorCode.PROPOSAL_INVALID,
    );
    expectCommandRejected(
      governor,
      () =>
        governor.propose({
          type: 'MEMBER_REMOVAL',
          memberId: b.id,
          justification: '',
          deadline,
          parameters: new Map([['ratio', 0.5]]),
        }),
      QuorumErrorCode.PROPOSAL_INVALID,
    );
  });

  it('sealDocument: threshold above the members', () => {
    const { governor } = fixture();
    expectCommandRejected(
      governor,
      () => governor.sealDocument({ plaintext: utf8Bytes('x'), threshold: 5 }),
      QuorumErrorCode.TOO_FEW_MEMBERS,
    );
  });
});
