import { BrightChainError } from '@brightchain/core';
import {
  type CountOutcome,
  QuorumErrorCode,
  type Tally,
  countVotes,
  requireCount,
  requireFraction,
  requireMoreThan,
  resolveThreshold,
} from '@brightchain/quorum-vote';
import fc from 'fast-check';

/**
 * Naive reference: enumerate every way the members who have not voted could still vote. APPROVED
 * if the current votes already satisfy the rule; REJECTED if no completion ever does; else OPEN.
 */
function naiveCount(t: Tally): CountOutcome {
  const satisfied = (yes: number, no: number) => yes >= t.requiredApprovals && yes + no >= t.requiredQuorum;
  if (satisfied(t.approvals, t.rejections)) return 'APPROVED';
  const remaining = t.members - t.approvals - t.rejections;
  for (let mask = 0; mask < 2 ** remaining; mask++) {
    for (let voters = 0; voters <= remaining; voters++) {
      // the first `voters` of the remaining members vote, each yes/no from the mask bits
      let yes = 0;
      for (let i = 0; i < voters; i++) if ((mask >> i) & 1) yes++;
      if (satisfied(t.approvals + yes, t.rejections + voters - yes)) return 'OPEN';
    }
  }
  return 'REJECTED';
}

describe('countVotes (table)', () => {
  const table: [string, Tally, CountOutcome][] = [
    [
      'nothing yet',
      { members: 5, approvals: 0, rejections: 0, requiredApprovals: 3, requiredQuorum: 0 },
      'OPEN',
    ],
    [
      'one short',
      { members: 5, approvals: 2, rejections: 0, requiredApprovals: 3, requiredQuorum: 0 },
      'OPEN',
    ],
    [
      'exactly the threshold',
      { members: 5, approvals: 3, rejections: 0, requiredApprovals: 3, requiredQuorum: 0 },
      'APPROVED',
    ],
    [
      'threshold despite rejections',
      { members: 5, approvals: 3, rejections: 2, requiredApprovals: 3, requiredQuorum: 0 },
      'APPROVED',
    ],
    [
      'still reachable',
      { members: 5, approvals: 1, rejections: 2, requiredApprovals: 3, requiredQuorum: 0 },
      'OPEN',
    ],
    [
      'just impossible',
      { members: 5, approvals: 0, rejections: 3, requiredApprovals: 3, requiredQuorum: 0 },
      'REJECTED',
    ],
    [
      'impossible with some yes',
      { members: 5, approvals: 2, rejections: 2, requiredApprovals: 4, requiredQuorum: 0 },
      'REJECTED',
    ],
    [
      'unanimity met',
      { members: 3, approvals: 3, rejections: 0, requiredApprovals: 3, requiredQuorum: 0 },
      'APPROVED',
    ],
    [
      'unanimity broken by one no',
      { members: 3, approvals: 2, rejections: 1, requiredApprovals: 3, requiredQuorum: 0 },
      'REJECTED',
    ],
    [
      'single member yes',
      { members: 1, approvals: 1, rejections: 0, requiredApprovals: 1, requiredQuorum: 0 },
      'APPROVED',
    ],
    [
      'single member no',
      { members: 1, approvals: 0, rejections: 1, requiredApprovals: 1, requiredQuorum: 0 },
      'REJECTED',
    ],
    [
      'approvals met, quorum not',
      { members: 10, approvals: 2, rejections: 1, requiredApprovals: 2, requiredQuorum: 6 },
      'OPEN',
    ],
    [
      'approvals and quorum met',
      { members: 10, approvals: 2, rejections: 4, requiredApprovals: 2, requiredQuorum: 6 },
      'APPROVED',
    ],
    [
      'quorum met by approvals alone',
      { members: 10, approvals: 6, rejections: 0, requiredApprovals: 2, requiredQuorum: 6 },
      'APPROVED',
    ],
    [
      'quorum never blocks rejection',
      { members: 10, approvals: 0, rejections: 9, requiredApprovals: 2, requiredQuorum: 10 },
      'REJECTED',
    ],
    [
      'quorum of everybody, still open',
      { members: 4, approvals: 3, rejections: 0, requiredApprovals: 3, requiredQuorum: 4 },
      'OPEN',
    ],
    [
      '1000 members, supermajority reached',
      { members: 1000, approvals: 667, rejections: 0, requiredApprovals: 667, requiredQuorum: 0 },
      'APPROVED',
    ],
    [
      '1000 members, blocking minority',
      { members: 1000, approvals: 600, rejections: 334, requiredApprovals: 667, requiredQuorum: 0 },
      'REJECTED',
    ],
    [
      '1000 members, one vote from blocked',
      { members: 1000, approvals: 600, rejections: 333, requiredApprovals: 667, requiredQuorum: 0 },
      'OPEN',
    ],
  ];
  it.each(table)('%s', (_name, tally, expected) => {
    expect(countVotes(tally)).toBe(expected);
  });

  const bad: [string, Tally][] = [
    [
      'more votes than members',
      { members: 3, approvals: 2, rejections: 2, requiredApprovals: 2, requiredQuorum: 0 },
    ],
    [
      'negative approvals',
      { members: 3, approvals: -1, rejections: 0, requiredApprovals: 2, requiredQuorum: 0 },
    ],
    [
      'fractional rejections',
      { members: 3, approvals: 0, rejections: 0.5, requiredApprovals: 2, requiredQuorum: 0 },
    ],
    ['zero threshold', { members: 3, approvals: 0, rejections: 0, requiredApprovals: 0, requiredQuorum: 0 }],
    [
      'threshold above members',
      { members: 3, approvals: 0, rejections: 0, requiredApprovals: 4, requiredQuorum: 0 },
    ],
    [
      'quorum above members',
      { members: 3, approvals: 0, rejections: 0, requiredApprovals: 2, requiredQuorum: 4 },
    ],
    ['no members', { members: 0, approvals: 0, rejections: 0, requiredApprovals: 1, requiredQuorum: 0 }],
    ['NaN', { members: Number.NaN, approvals: 0, rejections: 0, requiredApprovals: 1, requiredQuorum: 0 }],
  ];
  it.each(bad)('rejects an inconsistent tally: %s', (_name, tally) => {
    expect(() => countVotes(tally)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.THRESHOLD_INVALID }),
    );
  });
});

describe('countVotes (property against the naive reference)', () => {
  const tallies = fc
    .integer({ min: 1, max: 9 })
    .chain((members) =>
      fc.record({
        members: fc.constant(members),
        approvals: fc.integer({ min: 0, max: members }),
        rejections: fc.integer({ min: 0, max: members }),
        requiredApprovals: fc.integer({ min: 1, max: members }),
        requiredQuorum: fc.integer({ min: 0, max: members }),
      }),
    )
    .filter((t) => t.approvals + t.rejections <= t.members);

  it('agrees with exhaustive enumeration of the remaining votes', () => {
    fc.assert(
      fc.property(tallies, (t) => countVotes(t) === naiveCount(t)),
      { numRuns: 2000 },
    );
  });

  it('is monotone: once decided, any further vote keeps the decision', () => {
    fc.assert(
      fc.property(tallies, fc.boolean(), (t, yes) => {
        const before = countVotes(t);
        if (before === 'OPEN' || t.approvals + t.rejections === t.members) return true;
        const after = countVotes(
          yes ? { ...t, approvals: t.approvals + 1 } : { ...t, rejections: t.rejections + 1 },
        );
        return after === before;
      }),
      { numRuns: 1000 },
    );
  });

  it('never leaves a fully voted tally OPEN', () => {
    fc.assert(
      fc.property(tallies, (t) => {
        const full = { ...t, rejections: t.members - t.approvals };
        return countVotes(full) !== 'OPEN';
      }),
    );
  });
});

describe('resolveThreshold (table)', () => {
  const table: [
    string,
    Parameters<typeof resolveThreshold>[0],
    number,
    { approvals: number; quorum: number; bootstrap: boolean },
  ][] = [
    ['count', { approvals: requireCount(3) }, 5, { approvals: 3, quorum: 0, bootstrap: false }],
    [
      'count capped while bootstrapping',
      { approvals: requireCount(3) },
      2,
      { approvals: 2, quorum: 0, bootstrap: true },
    ],
    ['count, one founder', { approvals: requireCount(3) }, 1, { approvals: 1, quorum: 0, bootstrap: true }],
    [
      'two thirds of 10',
      { approvals: requireFraction(2, 3) },
      10,
      { approvals: 7, quorum: 0, bootstrap: false },
    ],
    [
      'two thirds of 9',
      { approvals: requireFraction(2, 3) },
      9,
      { approvals: 6, quorum: 0, bootstrap: false },
    ],
    [
      'two thirds of 1000',
      { approvals: requireFraction(2, 3) },
      1000,
      { approvals: 667, quorum: 0, bootstrap: false },
    ],
    ['majority of 4', { approvals: requireMoreThan(1, 2) }, 4, { approvals: 3, quorum: 0, bootstrap: false }],
    ['majority of 5', { approvals: requireMoreThan(1, 2) }, 5, { approvals: 3, quorum: 0, bootstrap: false }],
    [
      'half of 4 (not strict)',
      { approvals: requireFraction(1, 2) },
      4,
      { approvals: 2, quorum: 0, bootstrap: false },
    ],
    ['unanimity', { approvals: requireFraction(1, 1) }, 7, { approvals: 7, quorum: 0, bootstrap: false }],
    [
      'three quarters supermajority',
      { approvals: requireFraction(3, 4) },
      10,
      { approvals: 8, quorum: 0, bootstrap: false },
    ],
    [
      'count with a majority quorum',
      { approvals: requireCount(2), quorum: requireMoreThan(1, 2) },
      10,
      { approvals: 2, quorum: 6, bootstrap: false },
    ],
    [
      'quorum capped',
      { approvals: requireCount(1), quorum: requireCount(5) },
      3,
      { approvals: 1, quorum: 3, bootstrap: true },
    ],
    [
      'tiny fraction still needs one',
      { approvals: requireFraction(1, 1000) },
      3,
      { approvals: 1, quorum: 0, bootstrap: false },
    ],
  ];
  it.each(table)('%s', (_name, rule, members, expected) => {
    expect(resolveThreshold(rule, members)).toEqual({ members, ...expected });
  });

  it.each([
    ['zero count', () => requireCount(0)],
    ['fraction above one', () => requireFraction(4, 3)],
    ['zero numerator', () => requireFraction(0, 3)],
    ['strict unanimity', () => requireMoreThan(1, 1)],
    ['non-integer', () => requireCount(1.5)],
    ['no members', () => resolveThreshold({ approvals: requireCount(1) }, 0)],
    ['unknown kind', () => resolveThreshold({ approvals: { kind: 'percent' } as never }, 3)],
  ])('rejects %s', (_name, build) => {
    expect(build).toThrow(BrightChainError);
    try {
      build();
    } catch (error) {
      expect(BrightChainError.isInstance(error, QuorumErrorCode.THRESHOLD_INVALID)).toBe(true);
    }
  });

  it('a fraction resolves to the smallest count that reaches it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        (n, a, b) => {
          const [num, den] = a <= b ? [a, b] : [b, a];
          const { approvals } = resolveThreshold({ approvals: requireFraction(num, den) }, n);
          // approvals/n ≥ num/den, and approvals − 1 would fall short
          return approvals * den >= n * num && (approvals - 1) * den < n * num;
        },
      ),
    );
  });
});
