import { type GuidV4, SeededRandom, utf8Bytes } from '@brightchain/core';
import {
  type GovernorEvent,
  type GovernorMessage,
  QuorumErrorCode,
  QuorumGovernor,
  createShareRelease,
  openEncryptedShare,
  requireCount,
  requireFraction,
  requireMoreThan,
  verifyVoteRecord,
  readVoteLog,
} from '@brightchain/quorum-vote';
import { GovernorHarness, type TestMember, makeMembers } from './support/governor-harness';

const people = makeMembers(8, 'lifecycle');
const five = people.slice(0, 5);
const MINUTE = 60_000;

function types(events: readonly GovernorEvent[]): string[] {
  return events.map((e) => e.type);
}

describe('vote lifecycle', () => {
  it('synchronous voting: APPROVED exactly when approvals reach the threshold (4 of 5 under two thirds)', () => {
    const net = new GovernorHarness(five);
    const g = net.governor(0);
    const vote = g.propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: 'gone',
      deadline: new Date(net.now + MINUTE),
    });
    expect(vote).toMatchObject({ status: 'OPEN', threshold: 4, quorum: 0, epoch: 0 });
    expect(vote.deadline).toEqual(new Date(net.now + MINUTE));
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 3; i++) {
      net.governor(i).castVote(vote.voteId, true);
      net.pumpAll();
      net.deliverAll();
      for (const node of net.nodes.values()) expect(node.governor.vote(vote.voteId)?.status).toBe('OPEN');
    }
    net.governor(3).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    for (const node of net.nodes.values()) {
      const seen = node.governor.vote(vote.voteId);
      expect(seen).toMatchObject({
        status: 'APPROVED',
        approvals: 4,
        rejections: 0,
        closeReason: 'threshold',
      });
      expect([...(seen?.votes.keys() ?? [])].sort()).toEqual(
        five
          .slice(0, 4)
          .map((p) => p.id)
          .sort(),
      );
    }
    // Events on the initiator, in order.
    expect(types(net.node(five[0]!.id).events)).toEqual([
      'proposalOpened',
      'voteAccepted',
      'voteAccepted',
      'voteAccepted',
      'voteAccepted',
      'proposalApproved',
      'memberRemoved',
      'epochChanged',
    ]);
    // The fifth member, now removed, can no longer vote.
    expect(() => net.governor(4).castVote(vote.voteId, true)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.VOTE_CLOSED }),
    );
  });

  it('REJECTED as soon as approval becomes impossible', () => {
    const net = new GovernorHarness(five);
    const g = net.governor(0);
    const vote = g.propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: 'gone',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    net.governor(1).castVote(vote.voteId, false);
    net.pumpAll();
    net.deliverAll();
    expect(g.vote(vote.voteId)?.status).toBe('OPEN');
    net.governor(2).castVote(vote.voteId, false);
    net.pumpAll();
    net.deliverAll();
    for (const node of net.nodes.values()) {
      expect(node.governor.vote(vote.voteId)).toMatchObject({
        status: 'REJECTED',
        closeReason: 'impossible',
        rejections: 2,
      });
    }
    expect(g.memberSet.size).toBe(5);
  });

  it('EXPIRED at the deadline via tick, never lazily', () => {
    const net = new GovernorHarness(five);
    const g = net.governor(0);
    const deadline = net.now + MINUTE;
    const vote = g.propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: 'gone',
      deadline,
    });
    net.pumpAll();
    net.deliverAll();
    net.tickAll(deadline - 1);
    expect(g.vote(vote.voteId)?.status).toBe('OPEN');
    net.tickAll(deadline);
    for (const node of net.nodes.values()) {
      expect(node.governor.vote(vote.voteId)).toMatchObject({
        status: 'EXPIRED',
        closeReason: 'deadline',
        closedAt: new Date(deadline),
      });
      expect(node.events.at(-1)).toMatchObject({ type: 'proposalExpired', voteId: vote.voteId });
    }
    // Time never runs backwards.
    g.tick(deadline - 5);
    expect(g.currentTime).toBe(deadline);
    expect(() => g.tick(Number.NaN)).toThrow(expect.objectContaining({ code: 'BC_CLOCK_INVALID' }));
  });

  it('an expiry grace keeps a vote open for votes cast before the deadline but still in flight', () => {
    const [x, y, z] = five as [TestMember, TestMember, TestMember];
    const now = 1_700_000_000_000;
    const make = (who: TestMember) =>
      new QuorumGovernor({
        self: { id: who.id, secretKey: who.keys.secretKey },
        genesis: { members: [x.member, y.member, z.member] },
        random: new SeededRandom(who.id),
        now,
        expiryGraceMs: 5_000,
      });
    const gx = make(x);
    const gy = make(y);
    const vote = gx.propose({
      type: 'MEMBER_REMOVAL',
      memberId: z.id,
      justification: '',
      deadline: now + MINUTE,
    });
    const proposal = gx.ready().messages.find((m) => m.to === y.id)!.message;
    gx.advance();
    gx.castVote(vote.voteId, true);
    gx.ready();
    gx.advance();
    gy.step(x.id, proposal);
    gy.castVote(vote.voteId, true); // cast at `now`, before the deadline…
    const late = gy.ready().messages.find((m) => m.to === x.id)!.message;
    gy.advance();
    gx.tick(now + MINUTE); // …but x reaches the deadline before the vote arrives
    expect(gx.vote(vote.voteId)?.status).toBe('OPEN');
    gx.step(y.id, late);
    expect(gx.vote(vote.voteId)).toMatchObject({ status: 'APPROVED', approvals: 2 });
    // Nobody can cast a vote after the deadline, grace or not; the grace only ends in EXPIRED.
    const gz = make(z);
    gz.step(x.id, proposal);
    gz.tick(now + MINUTE);
    expect(() => gz.castVote(vote.voteId, true)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.VOTE_EXPIRED }),
    );
    gz.tick(now + MINUTE + 4_999);
    expect(gz.vote(vote.voteId)?.status).toBe('OPEN');
    gz.tick(now + MINUTE + 5_000);
    expect(gz.vote(vote.voteId)?.status).toBe('EXPIRED');
  });

  it('asynchronous voting: any delivery order, every node reaches the same outcome', () => {
    for (const seed of [1, 2, 3, 4]) {
      const net = new GovernorHarness(five, { seed: `async-${seed}` });
      const order = new SeededRandom(seed);
      const vote = net.governor(2).propose({
        type: 'MEMBER_REMOVAL',
        memberId: five[0]!.id,
        justification: '',
        deadline: net.now + MINUTE,
      });
      net.pumpAll();
      const decisions = [true, false, true, true, true];
      const pending = new Set([0, 1, 2, 3, 4]);
      // Members vote whenever they have heard of the proposal (directly or through someone's vote),
      // while messages trickle through in a random order.
      for (let round = 0; pending.size > 0 && round < 100; round++) {
        for (const i of [...pending]) {
          const seen = net.governor(i).vote(vote.voteId);
          if (seen === undefined || order.int(3) === 0) continue;
          if (seen.status === 'OPEN') net.governor(i).castVote(vote.voteId, decisions[i] as boolean);
          pending.delete(i);
        }
        net.pumpAll();
        net.deliverSome(order, 1 + order.int(4));
      }
      net.deliverAll(order);
      const statuses = new Set([...net.nodes.values()].map((n) => n.governor.vote(vote.voteId)?.status));
      expect(statuses).toEqual(new Set(['APPROVED']));
      const tallies = new Set([...net.nodes.values()].map((n) => n.governor.vote(vote.voteId)?.approvals));
      expect(tallies).toEqual(new Set([4]));
    }
  });

  it('a lost proposal message is recovered from the votes that carry it', () => {
    const net = new GovernorHarness(five);
    const late = five[4]!.id;
    net.drop = (_from, to, message) => to === late && message.kind === 'proposal';
    const vote = net.governor(0).propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[1]!.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    expect(net.node(late).governor.vote(vote.voteId)).toBeUndefined();
    net.governor(0).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    expect(net.node(late).governor.vote(vote.voteId)).toMatchObject({ status: 'OPEN', approvals: 1 });
  });

  it('a quorum-of-members requirement: 2 approvals suffice only once a majority has voted', () => {
    const net = new GovernorHarness(five, {
      rules: {
        DOCUMENT_RECONSTRUCTION: { approvals: requireCount(2), quorum: requireMoreThan(1, 2) },
        MEMBER_ADDITION: { approvals: requireCount(2), quorum: requireMoreThan(1, 2) },
        MEMBER_REMOVAL: { approvals: requireCount(2), quorum: requireMoreThan(1, 2) },
      },
    });
    const vote = net.governor(0).propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    expect(vote).toMatchObject({ threshold: 2, quorum: 3 });
    net.pumpAll();
    net.deliverAll();
    net.governor(0).castVote(vote.voteId, true);
    net.governor(1).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    expect(net.governor(2).vote(vote.voteId)?.status).toBe('OPEN');
    net.governor(2).castVote(vote.voteId, false);
    net.pumpAll();
    net.deliverAll();
    expect(net.governor(3).vote(vote.voteId)).toMatchObject({
      status: 'APPROVED',
      approvals: 2,
      rejections: 1,
    });
  });

  it('a supermajority rule with an epoch-dependent threshold', () => {
    const net = new GovernorHarness(people.slice(0, 7), {
      rules: {
        DOCUMENT_RECONSTRUCTION: { approvals: requireFraction(3, 4) },
        MEMBER_ADDITION: { approvals: requireFraction(3, 4) },
        MEMBER_REMOVAL: { approvals: requireFraction(3, 4) },
      },
    });
    const vote = net.governor(0).propose({
      type: 'MEMBER_ADDITION',
      member: people[7]!.member,
      justification: '',
      deadline: net.now + MINUTE,
    });
    expect(vote.threshold).toBe(6); // ceil(7 · 3/4)
  });
});

describe('member epochs', () => {
  it('an approved addition changes the member set, bumps the epoch, and expires votes opened under the old epoch', () => {
    const net = new GovernorHarness(five);
    const g = net.governor(0);
    const newcomer = people[5]!;
    const addition = g.propose({
      type: 'MEMBER_ADDITION',
      member: newcomer.member,
      justification: 'capacity',
      deadline: net.now + MINUTE,
    });
    const other = net.governor(1).propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(addition.voteId, true);
    net.governor(2).castVote(other.voteId, true);
    net.pumpAll();
    net.deliverAll();
    for (const node of net.nodes.values()) {
      expect(node.governor.epoch).toBe(1);
      expect(node.governor.memberSet.has(newcomer.id)).toBe(true);
      expect(node.governor.vote(other.voteId)).toMatchObject({
        status: 'EXPIRED',
        closeReason: 'epoch-changed',
      });
    }
    expect(
      net.node(five[3]!.id).events.filter((e) => e.type === 'memberAdded' || e.type === 'epochChanged'),
    ).toEqual([
      { type: 'memberAdded', member: newcomer.member, epoch: 1, voteId: addition.voteId },
      { type: 'epochChanged', previousEpoch: 0, epoch: 1, members: g.memberSet.ids() },
    ]);
    // The newcomer joins from the checkpoint and takes part in the next vote.
    net.addNode(newcomer, g.checkpoint());
    net.deliverAll();
    const next = net.node(newcomer.id).governor.propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    expect(next.threshold).toBe(4); // two thirds of 6
    net.pumpAll();
    net.deliverAll();
    expect(g.vote(next.voteId)?.electorate).toContain(newcomer.id);
  });

  it('bootstrap: a single founder grows the network; the threshold is capped at unanimity until it can be met', () => {
    const founder = people[0]!;
    const net = new GovernorHarness([founder], {
      rules: {
        DOCUMENT_RECONSTRUCTION: { approvals: requireCount(3) },
        MEMBER_ADDITION: { approvals: requireCount(3) },
        MEMBER_REMOVAL: { approvals: requireCount(3) },
      },
    });
    const g = net.governor(0);
    expect(() => g.sealDocument({ plaintext: utf8Bytes('too early') })).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.TOO_FEW_MEMBERS }),
    );
    let expectedThreshold = 1;
    for (const joiner of people.slice(1, 4)) {
      const vote = g.propose({
        type: 'MEMBER_ADDITION',
        member: joiner.member,
        justification: 'bootstrap',
        deadline: net.now + MINUTE,
      });
      expect(vote.threshold).toBe(expectedThreshold);
      net.pumpAll();
      net.deliverAll();
      for (const node of [...net.nodes.values()]) node.governor.castVote(vote.voteId, true);
      net.pumpAll();
      net.deliverAll();
      expect(g.vote(vote.voteId)?.status).toBe('APPROVED');
      net.addNode(joiner, g.checkpoint());
      net.deliverAll();
      expectedThreshold = Math.min(3, g.memberSet.size);
    }
    expect(g.memberSet.size).toBe(4);
    expect(g.epoch).toBe(3);
    const sealed = g.sealDocument({ plaintext: utf8Bytes('now it works') });
    expect(sealed.sharing.threshold).toBe(3);
  });
});

describe('document reconstruction through votes', () => {
  function sealedNetwork() {
    const net = new GovernorHarness(five);
    const { documentId } = net.governor(1).sealDocument({ plaintext: utf8Bytes('master key material') });
    net.pumpAll();
    net.deliverAll();
    for (const node of net.nodes.values())
      expect(node.governor.documentSharing(documentId)?.threshold).toBe(4);
    return { net, documentId };
  }

  it('an approved reconstruction releases shares to the requester, who decrypts the document', () => {
    const { net, documentId } = sealedNetwork();
    const requester = five[0]!.id;
    const vote = net.governor(0).propose({
      type: 'DOCUMENT_RECONSTRUCTION',
      documentId,
      justification: 'audit',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll(new SeededRandom(5));
    const done = net.eventsOf(requester, 'documentReconstructed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      voteId: vote.voteId,
      documentId,
      plaintext: utf8Bytes('master key material'),
    });
    expect(net.eventsOf(requester, 'shareRejected')).toEqual([]);
    // Nobody else learns the document.
    for (const other of five.slice(1)) expect(net.eventsOf(other.id, 'documentReconstructed')).toEqual([]);
  });

  it('a bad share is identified by member and reconstruction still succeeds from good ones', () => {
    const { net, documentId } = sealedNetwork();
    const requester = five[0]!;
    const cheater = five[2]!;
    net.tamper = (from, to, message: GovernorMessage) => {
      if (message.kind !== 'release' || from !== cheater.id) return message;
      const bogus = createShareRelease({
        voteId: message.release.voteId,
        documentId: message.release.documentId,
        epoch: message.release.epoch,
        member: cheater.id,
        share: { index: message.release.index, value: 42n },
        requesterPublicKey: requester.keys.publicKey,
        holderSecretKey: cheater.keys.secretKey,
        random: new SeededRandom(7),
      });
      return to === requester.id ? { kind: 'release', release: bogus } : message;
    };
    const vote = net.governor(0).propose({
      type: 'DOCUMENT_RECONSTRUCTION',
      documentId,
      justification: 'audit',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 5; i++)
      if (net.governor(i).vote(vote.voteId)?.status === 'OPEN') net.governor(i).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    // All five voted before hearing of the approval, so all five holders release; one is bad.
    const rejected = net.eventsOf(requester.id, 'shareRejected');
    expect(rejected).toEqual([
      expect.objectContaining({
        member: cheater.id,
        code: QuorumErrorCode.SHARE_INVALID,
        voteId: vote.voteId,
      }),
    ]);
    expect(net.eventsOf(requester.id, 'documentReconstructed')).toEqual([
      expect.objectContaining({ plaintext: utf8Bytes('master key material') }),
    ]);
  });

  it('fewer than threshold good shares: no reconstruction', () => {
    const { net, documentId } = sealedNetwork();
    const requester = five[0]!;
    net.drop = (from, _to, message) =>
      message.kind === 'release' && (from === five[1]!.id || from === five[2]!.id);
    const vote = net.governor(0).propose({
      type: 'DOCUMENT_RECONSTRUCTION',
      documentId,
      justification: 'audit',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    expect(net.eventsOf(requester.id, 'documentReconstructed')).toEqual([]);
    expect(net.eventsOf(five[3]!.id, 'shareReleased')).toHaveLength(1);
  });

  it('after an addition the document is re-shared (no one rebuilds the key) and the newcomer’s share works', () => {
    const { net, documentId } = sealedNetwork();
    const g = net.governor(0);
    const before = g.documentSharing(documentId)!;
    const newcomer = people[5]!;
    const addition = g.propose({
      type: 'MEMBER_ADDITION',
      member: newcomer.member,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(addition.voteId, true);
    net.pumpAll();
    net.deliverAll();
    net.addNode(newcomer, g.checkpoint());
    net.deliverAll();
    for (const node of net.nodes.values()) {
      const sharing = node.governor.documentSharing(documentId)!;
      expect(sharing.epoch).toBe(1);
      expect(sharing.commitments[0]).toEqual(before.commitments[0]);
      expect(sharing.holders).toContain(newcomer.id);
      expect(node.governor.encryptedShare(documentId)?.epoch).toBe(1);
    }
    // No event anywhere reveals the document during resharing.
    for (const node of net.nodes.values())
      expect(node.events.some((e) => e.type === 'documentReconstructed')).toBe(false);
    // The newcomer requests reconstruction; it and three others approve and release (threshold stays 4).
    const vote = net.node(newcomer.id).governor.propose({
      type: 'DOCUMENT_RECONSTRUCTION',
      documentId,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    const voters: GuidV4[] = [newcomer.id, five[1]!.id, five[2]!.id, five[3]!.id];
    for (const id of voters) net.node(id).governor.castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    expect(net.eventsOf(newcomer.id, 'documentReconstructed')).toEqual([
      expect.objectContaining({ plaintext: utf8Bytes('master key material') }),
    ]);
  });

  it('after a removal the removed member’s share no longer fits, and its release is refused', () => {
    const { net, documentId } = sealedNetwork();
    const g = net.governor(0);
    const leaver = five[4]!;
    const removal = g.propose({
      type: 'MEMBER_REMOVAL',
      memberId: leaver.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(removal.voteId, true);
    net.pumpAll();
    net.deliverAll();
    const sharing = g.documentSharing(documentId)!;
    expect(sharing.epoch).toBe(1);
    expect(sharing.holders).not.toContain(leaver.id);
    expect(net.node(leaver.id).governor.documentSharing(documentId)?.epoch).toBe(0);
    // A reconstruction by the remaining members; the leaver pushes its old share anyway.
    const vote = g.propose({
      type: 'DOCUMENT_RECONSTRUCTION',
      documentId,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 3; i++) net.governor(i).castVote(vote.voteId, true);
    net.pumpAll();
    // The leaver's governor forgot its share; a dishonest leaver digs it out of its own log.
    expect(net.node(leaver.id).governor.encryptedShare(documentId)).toBeUndefined();
    const sealed = readVoteLog(net.node(leaver.id).store).find((entry) => entry.body.kind === 'document')!;
    if (sealed.body.kind !== 'document') throw new Error('expected the document entry');
    const kept = sealed.body.seal.shares.find((share) => share.member === leaver.id)!;
    const oldShare = openEncryptedShare(kept, leaver.keys.secretKey);
    const release = createShareRelease({
      voteId: vote.voteId,
      documentId,
      epoch: 0,
      member: leaver.id,
      share: oldShare,
      requesterPublicKey: five[0]!.keys.publicKey,
      holderSecretKey: leaver.keys.secretKey,
      random: new SeededRandom(3),
    });
    g.step(leaver.id, { kind: 'release', release });
    net.pumpAll();
    expect(net.node(five[0]!.id).events.at(-1)).toMatchObject({
      type: 'messageRejected',
      code: QuorumErrorCode.VOTE_NOT_MEMBER,
    });
    net.deliverAll();
    expect(net.eventsOf(five[0]!.id, 'documentReconstructed')).toEqual([
      expect.objectContaining({ plaintext: utf8Bytes('master key material') }),
    ]);
  });
});

describe('records', () => {
  it('every node’s log verifies, and a restarted node resumes with the same state', () => {
    const net = new GovernorHarness(five);
    const vote = net.governor(0).propose({
      type: 'MEMBER_REMOVAL',
      memberId: five[4]!.id,
      justification: '',
      deadline: net.now + MINUTE,
    });
    net.pumpAll();
    net.deliverAll();
    for (let i = 0; i < 4; i++) net.governor(i).castVote(vote.voteId, true);
    net.pumpAll();
    net.deliverAll();
    for (const node of net.nodes.values()) {
      const entries = readVoteLog(node.store);
      const reports = verifyVoteRecord(entries, { voteId: vote.voteId });
      expect(reports[0]).toMatchObject({ status: 'APPROVED', approvals: 4, threshold: 4 });
      const before = node.governor.snapshot();
      const restarted = net.restart(node.who.id);
      expect(restarted.governor.snapshot()).toEqual(before);
    }
  });

  it('a governor refuses a log that belongs to another key', () => {
    const net = new GovernorHarness(five);
    const entries = readVoteLog(net.node(five[0]!.id).store);
    expect(() =>
      QuorumGovernor.restore(
        {
          self: { id: five[0]!.id, secretKey: five[1]!.keys.secretKey },
          random: new SeededRandom(1),
          now: net.now,
        },
        entries,
      ),
    ).toThrow(expect.objectContaining({ code: QuorumErrorCode.CONFIG_INVALID }));
  });
});
