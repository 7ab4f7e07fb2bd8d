import { SeededRandom } from '@brightchain/core';
import {
  type GovernanceRules,
  countVotes,
  readVoteLog,
  requireCount,
  requireFraction,
  requireMoreThan,
  verifyVoteRecord,
} from '@brightchain/quorum-vote';
import fc from 'fast-check';
import { GovernorHarness, makeMembers } from './support/governor-harness';

const people = makeMembers(5, 'property');
const MINUTE = 60_000;

const rulesArb = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((count) => ({ approvals: requireCount(count) })),
  fc.constant({ approvals: requireFraction(2, 3) }),
  fc.constant({ approvals: requireMoreThan(1, 2) }),
  fc.constant({ approvals: requireFraction(1, 1) }),
  fc
    .integer({ min: 1, max: 3 })
    .map((count) => ({ approvals: requireCount(count), quorum: requireMoreThan(1, 2) })),
);

/** One scenario: who votes what, in which order messages arrive, and whether the deadline passes first. */
const scenarioArb = fc.record({
  members: fc.integer({ min: 3, max: 5 }),
  rule: rulesArb,
  ballots: fc.array(fc.record({ voter: fc.nat(4), decision: fc.boolean() }), { maxLength: 8 }),
  deliverySeed: fc.nat(),
  expireAfter: fc.option(fc.nat(8), { nil: undefined }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario) {
  const members = people.slice(0, s.members);
  const rules: GovernanceRules = {
    DOCUMENT_RECONSTRUCTION: s.rule,
    MEMBER_ADDITION: s.rule,
    MEMBER_REMOVAL: s.rule,
  };
  const net = new GovernorHarness(members, { rules, seed: 'property' });
  const order = new SeededRandom(s.deliverySeed);
  const deadline = net.now + MINUTE;
  const vote = net
    .governor(0)
    .propose({ type: 'MEMBER_REMOVAL', memberId: members.at(-1)!.id, justification: '', deadline });
  net.pumpAll();
  net.deliverAll(order);
  const accepted = new Map<string, boolean>();
  s.ballots.forEach((ballot, step) => {
    if (s.expireAfter === step) {
      net.deliverAll(order);
      net.tickAll(deadline);
    }
    const voter = members[ballot.voter % members.length]!;
    const governor = net.node(voter.id).governor;
    try {
      governor.castVote(vote.voteId, ballot.decision);
      if (!accepted.has(voter.id)) accepted.set(voter.id, ballot.decision);
    } catch {
      // duplicates, closed or expired votes are refused; the property below checks the rest
    }
    net.pumpAll();
    net.deliverSome(order, order.int(6));
  });
  net.deliverAll(order);
  return { net, vote, accepted, deadline, members };
}

describe('governor (property)', () => {
  it('all nodes agree, the outcome equals a recount, every log verifies and restores to the same state', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { net, vote, accepted } = run(scenario);
        const views = [...net.nodes.values()].map((n) => n.governor.vote(vote.voteId)!);
        // Agreement on the outcome. The accepted votes may differ in votes that arrived after a
        // node had already decided (those are refused as BC_VOTE_CLOSED), never in the decision.
        expect(new Set(views.map((v) => v.status)).size).toBe(1);
        const reference = views[0]!;
        for (const view of views) {
          for (const [member, ballot] of view.votes) expect(accepted.get(member)).toBe(ballot.decision);
          // Each node's status is what the pure counting function says about its accepted votes.
          const yes = [...view.votes.values()].filter((b) => b.decision).length;
          const counted = countVotes({
            members: view.electorate.length,
            approvals: yes,
            rejections: view.votes.size - yes,
            requiredApprovals: view.threshold,
            requiredQuorum: view.quorum,
          });
          if (counted === 'OPEN') expect(['OPEN', 'EXPIRED']).toContain(view.status);
          else expect(view.status).toBe(counted);
        }
        if (reference.status === 'EXPIRED') expect(scenario.expireAfter).toBeDefined();
        // Every log verifies and a restart reproduces the state exactly.
        for (const node of net.nodes.values()) {
          const entries = readVoteLog(node.store);
          const reports = verifyVoteRecord(entries);
          if (reference.status !== 'OPEN') {
            expect(reports.find((r) => r.voteId === vote.voteId)?.status).toBe(reference.status);
          }
          const before = node.governor.snapshot();
          expect(net.restart(node.who.id).governor.snapshot()).toEqual(before);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('is deterministic: the same scenario gives the same log on every node', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const first = run(scenario);
        const second = run(scenario);
        for (const member of first.members) {
          expect(second.net.node(member.id).governor.logHead).toEqual(
            first.net.node(member.id).governor.logHead,
          );
        }
      }),
      { numRuns: 4 },
    );
  });
});
