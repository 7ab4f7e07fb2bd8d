import fc from 'fast-check';
import { BrightChainError, SeededRandom } from '@brightchain/core';
import {
  assertBallotShape,
  type BallotContext,
  type BallotShape,
  type EncryptedBallot,
  encryptBallot,
  type MembershipProof,
  PollErrorCode,
  verifyBallot,
  verifyBallots,
  verifyBallotUnbatched,
} from '@brightchain/paillier-poll';
import {
  CONTEXT,
  encryptorFor,
  OTHER_POLL_ID,
  OTHER_VOTER_ID,
  OTHER_VOTER_KEY,
  PINNED_P,
  pinnedKey,
} from './fixtures';

const codeOf = (code: string) => expect.objectContaining({ code }) as unknown as Error;

let ceremony: Awaited<ReturnType<typeof pinnedKey>>;
const key = () => ceremony.publicKey.publicKey;
const encryptor = () => encryptorFor(ceremony);

beforeAll(async () => {
  ceremony = await pinnedKey(1, 1);
});

const BINARY: readonly bigint[] = [0n, 1n];
/** Plurality over 3 options: each 0/1, exactly one chosen. */
const PLURALITY: BallotShape = {
  positions: [BINARY, BINARY, BINARY],
  sums: [{ weights: [1n, 1n, 1n], allowed: [1n] }],
};
/** Score 0..4 per option for 2 options, total ≤ 6, plus a weighted sum. */
const SCORE: BallotShape = {
  positions: [
    [0n, 1n, 2n, 3n, 4n],
    [0n, 1n, 2n, 3n, 4n],
  ],
  sums: [
    { weights: [1n, 1n], allowed: [0n, 1n, 2n, 3n, 4n, 5n, 6n] },
    { weights: [3n, 0n], allowed: [0n, 3n, 6n, 9n, 12n] },
  ],
};

function both(
  shape: BallotShape,
  ballot: EncryptedBallot,
  context: BallotContext = CONTEXT,
): [boolean, boolean] {
  return [verifyBallot(key(), shape, context, ballot), verifyBallotUnbatched(key(), shape, context, ballot)];
}

describe('completeness', () => {
  it('every legal plurality ballot verifies (batched and unbatched)', () => {
    const random = new SeededRandom('plurality');
    for (let choice = 0; choice < 3; choice++) {
      const plaintexts = [0n, 0n, 0n].map((_, j) => (j === choice ? 1n : 0n));
      const ballot = encryptBallot(encryptor(), PLURALITY, CONTEXT, plaintexts, random);
      expect(both(PLURALITY, ballot)).toEqual([true, true]);
      expect(ballot).not.toHaveProperty('plaintexts');
    }
  });

  it('every legal 0..k value verifies (1-of-L OR proofs), with sums', () => {
    const random = new SeededRandom('score');
    for (let a = 0n; a <= 4n; a++) {
      for (let b = 0n; b <= 4n; b++) {
        if (a + b > 6n) {
          expect(() => encryptBallot(encryptor(), SCORE, CONTEXT, [a, b], random)).toThrow(
            codeOf(PollErrorCode.PLAINTEXT_INVALID),
          );
          continue;
        }
        const ballot = encryptBallot(encryptor(), SCORE, CONTEXT, [a, b], random);
        expect(verifyBallot(key(), SCORE, CONTEXT, ballot)).toBe(true);
      }
    }
  });

  it('arbitrary allowed sets and positions (property, batched = unbatched)', () => {
    const random = new SeededRandom('property');
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.bigInt({ min: 0n, max: 1n << 100n }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.nat(),
        (positions, pick) => {
          const plaintexts = positions.map((set, j) => set[(pick + j) % set.length] as bigint);
          const total = plaintexts.reduce((a, b) => a + b, 0n);
          const shape: BallotShape = {
            positions,
            sums: [{ weights: positions.map(() => 1n), allowed: [total, total + 1n] }],
          };
          const ballot = encryptBallot(encryptor(), shape, CONTEXT, plaintexts, random);
          expect(both(shape, ballot)).toEqual([true, true]);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('prover refuses invalid input', () => {
  it('rejects plaintexts outside their sets, bad sums, wrong counts and bad shapes', () => {
    const e = encryptor();
    expect(() => encryptBallot(e, PLURALITY, CONTEXT, [2n, 0n, 0n])).toThrow(
      codeOf(PollErrorCode.PLAINTEXT_INVALID),
    );
    expect(() => encryptBallot(e, PLURALITY, CONTEXT, [1n, 1n, 0n])).toThrow(
      codeOf(PollErrorCode.PLAINTEXT_INVALID),
    );
    expect(() => encryptBallot(e, PLURALITY, CONTEXT, [1n, 0n])).toThrow(
      codeOf(PollErrorCode.BALLOT_MALFORMED),
    );
    const bad: BallotShape[] = [
      { positions: [], sums: [] },
      { positions: [[]], sums: [] },
      { positions: [[0n, 0n]], sums: [] },
      { positions: [[-1n]], sums: [] },
      { positions: [[key().n]], sums: [] },
      { positions: [BINARY], sums: [{ weights: [1n, 1n], allowed: [1n] }] },
      { positions: [BINARY], sums: [{ weights: [-1n], allowed: [1n] }] },
      { positions: [BINARY], sums: [{ weights: [1n << 64n], allowed: [1n] }] },
      { positions: [BINARY], sums: [{ weights: [1n], allowed: [] }] },
    ];
    for (const shape of bad) {
      expect(() => assertBallotShape(shape, key())).toThrow(codeOf(PollErrorCode.BALLOT_MALFORMED));
      expect(() =>
        verifyBallot(key(), shape, CONTEXT, {
          ciphertexts: [],
          proof: { challenge: 0n, positions: [], sums: [] },
        }),
      ).toThrow(BrightChainError);
    }
  });
});

describe('soundness', () => {
  let ballot: EncryptedBallot;
  let other: EncryptedBallot;

  beforeAll(() => {
    const random = new SeededRandom('soundness');
    ballot = encryptBallot(encryptor(), PLURALITY, CONTEXT, [0n, 1n, 0n], random);
    other = encryptBallot(encryptor(), PLURALITY, CONTEXT, [1n, 0n, 0n], random);
  });

  const rejectBoth = (b: EncryptedBallot, shape = PLURALITY, context = CONTEXT) =>
    expect(both(shape, b, context)).toEqual([false, false]);

  it('an option encrypted as 2 (or the same proof over a shifted ciphertext) fails', () => {
    const k = key();
    // multiply by g: the ciphertext now encrypts 2 under the same proof
    const shifted = ballot.ciphertexts.map((c, j) =>
      j === 1 ? (c * k.encodePlaintext(1n)) % k.nSquared : c,
    );
    rejectBoth({ ...ballot, ciphertexts: shifted });
    // an honest prover for {0,1,2} does not yield a {0,1} proof
    const wide: BallotShape = {
      positions: [[0n, 1n, 2n], BINARY, BINARY],
      sums: [{ weights: [1n, 1n, 1n], allowed: [2n] }],
    };
    const two = encryptBallot(encryptor(), wide, CONTEXT, [2n, 0n, 0n]);
    expect(verifyBallot(k, wide, CONTEXT, two)).toBe(true);
    rejectBoth(two);
    // a voter claiming 1000 for one option: a valid proof for {0,1000} does not pass as {0,1}
    const inflated: BallotShape = { positions: [[0n, 1000n], BINARY, BINARY], sums: [] };
    const big = encryptBallot(encryptor(), inflated, CONTEXT, [1000n, 0n, 0n]);
    rejectBoth({ ciphertexts: big.ciphertexts, proof: { ...big.proof, sums: ballot.proof.sums } });
  });

  it('ciphertexts outside Z*_{n²} fail: 0, n², ≥ n², ≡ 0 mod n, sharing a factor with n', () => {
    const k = key();
    for (const bad of [0n, k.nSquared, k.nSquared + 1n, k.n, 2n * k.n, PINNED_P, -1n]) {
      rejectBoth({ ...ballot, ciphertexts: [bad, ...ballot.ciphertexts.slice(1)] });
    }
  });

  it('a flipped bit in each proof component fails', () => {
    const flip = (x: bigint, bit = 5n) => x ^ (1n << bit);
    const p = ballot.proof;
    const mutate = (proofs: readonly MembershipProof[], which: 'positions' | 'sums') =>
      proofs.flatMap((proof, i) =>
        (['commitments', 'challenges', 'responses'] as const).flatMap((field) =>
          proof[field].map((_, k) => {
            const changed = { ...proof, [field]: proof[field].map((x, kk) => (kk === k ? flip(x) : x)) };
            return { ...ballot, proof: { ...p, [which]: proofs.map((q, ii) => (ii === i ? changed : q)) } };
          }),
        ),
      );
    const variants: EncryptedBallot[] = [
      { ...ballot, proof: { ...p, challenge: flip(p.challenge) } },
      ...ballot.ciphertexts.map((_, j) => ({
        ...ballot,
        ciphertexts: ballot.ciphertexts.map((c, jj) => (jj === j ? flip(c) : c)),
      })),
      ...mutate(p.positions, 'positions'),
      ...mutate(p.sums, 'sums'),
    ];
    expect(variants.length).toBe(1 + 3 + 3 * 2 * 3 + 1 * 1 * 3);
    for (const variant of variants) rejectBoth(variant);
  });

  it('a proof replayed under another poll, voter id or voter key fails', () => {
    rejectBoth(ballot, PLURALITY, { ...CONTEXT, pollId: OTHER_POLL_ID });
    rejectBoth(ballot, PLURALITY, { ...CONTEXT, voterId: OTHER_VOTER_ID });
    rejectBoth(ballot, PLURALITY, { ...CONTEXT, voterPublicKey: OTHER_VOTER_KEY });
    rejectBoth(ballot, PLURALITY, { ...CONTEXT, pollId: 'not-a-guid' });
  });

  it('a proof for other ciphertexts fails (swapped between ballots, reordered)', () => {
    rejectBoth({ ciphertexts: other.ciphertexts, proof: ballot.proof });
    rejectBoth({
      ...ballot,
      ciphertexts: [ballot.ciphertexts[1]!, ballot.ciphertexts[0]!, ballot.ciphertexts[2]!],
    });
    rejectBoth({ ...ballot, proof: { ...ballot.proof, positions: [...ballot.proof.positions].reverse() } });
  });

  it('a proof under another shape fails', () => {
    const approval: BallotShape = {
      positions: PLURALITY.positions,
      sums: [{ weights: [1n, 1n, 1n], allowed: [0n, 1n] }],
    };
    expect(both(approval, ballot)).toEqual([false, false]);
  });

  it('malformed ballots are rejected without throwing', () => {
    const p = ballot.proof;
    const malformed = [
      { ...ballot, ciphertexts: ballot.ciphertexts.slice(1) },
      { ...ballot, proof: { ...p, positions: p.positions.slice(1) } },
      { ...ballot, proof: { ...p, sums: [] } },
      { ...ballot, proof: { ...p, challenge: -1n } },
      { ...ballot, proof: { ...p, challenge: 1n << 128n } },
      {
        ...ballot,
        proof: { ...p, positions: p.positions.map((q) => ({ ...q, responses: q.responses.slice(1) })) },
      },
      { ...ballot, proof: { ...p, positions: p.positions.map((q) => ({ ...q, responses: [0n, 1n] })) } },
      { ...ballot, proof: { ...p, positions: p.positions.map((q) => ({ ...q, responses: [key().n, 1n] })) } },
      {
        ...ballot,
        proof: { ...p, positions: p.positions.map((q) => ({ ...q, commitments: [PINNED_P, 1n] })) },
      },
      { ...ballot, proof: null },
    ] as unknown as EncryptedBallot[];
    for (const b of malformed) rejectBoth(b);
  });
});

describe('batch verification', () => {
  it('verifyBallots finds exactly the invalid ballots, like the unbatched verifier', () => {
    const random = new SeededRandom('batch');
    const ballots = Array.from({ length: 10 }, (_, i) =>
      encryptBallot(
        encryptor(),
        PLURALITY,
        CONTEXT,
        [0n, 1n, 2n].map((j) => (Number(j) === i % 3 ? 1n : 0n)),
        random,
      ),
    );
    const k = key();
    const tampered = ballots.map((b, i) => {
      if (i % 4 !== 1) return b;
      const z = b.proof.positions[0]!.responses;
      const positions = [
        { ...b.proof.positions[0]!, responses: [(z[0]! * 2n) % k.n, z[1]!] },
        ...b.proof.positions.slice(1),
      ];
      return { ...b, proof: { ...b.proof, positions } };
    });
    const items = tampered.map((ballot) => ({ context: CONTEXT, ballot }));
    const expected = tampered.map((b) => verifyBallotUnbatched(k, PLURALITY, CONTEXT, b));
    expect(expected).toEqual(tampered.map((_, i) => i % 4 !== 1));
    expect(verifyBallots(k, PLURALITY, items)).toEqual(expected);
    expect(
      verifyBallots(k, PLURALITY, items, { random: new SeededRandom(1), batchSecurityBits: 64 }),
    ).toEqual(expected);
    expect(verifyBallots(k, PLURALITY, [])).toEqual([]);
  });

  it('order-2 factors: batched and unbatched verdicts agree (squared predicate, Boyd–Pavlovski)', () => {
    // Negating every response multiplies each z^n by −1 (order 2). A small-exponent test on the
    // strict equation would accept this with probability 1/2 while the strict unbatched check
    // rejects; with the squared predicate both accept, and the proof is still sound: (n − z) ↦ z
    // turns it back into the strict proof of the same statement.
    const k = key();
    const ballot = encryptBallot(encryptor(), PLURALITY, CONTEXT, [1n, 0n, 0n], new SeededRandom('tau'));
    const negated = {
      ...ballot,
      proof: {
        ...ballot.proof,
        positions: ballot.proof.positions.map((q) => ({ ...q, responses: q.responses.map((z) => k.n - z) })),
      },
    };
    for (let seed = 0; seed < 8; seed++) {
      expect(
        verifyBallots(k, PLURALITY, [{ context: CONTEXT, ballot: negated }], {
          random: new SeededRandom(seed),
        }),
      ).toEqual([true]);
    }
    expect(verifyBallotUnbatched(k, PLURALITY, CONTEXT, negated)).toBe(true);
    // a non-order-2 change is still caught by both
    const doubled = {
      ...ballot,
      proof: {
        ...ballot.proof,
        positions: ballot.proof.positions.map((q) => ({
          ...q,
          responses: q.responses.map((z) => (2n * z) % k.n),
        })),
      },
    };
    expect(both(PLURALITY, doubled)).toEqual([false, false]);
  });
});
