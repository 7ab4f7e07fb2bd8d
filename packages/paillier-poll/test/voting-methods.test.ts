import { SeededRandom } from '@brightchain/core';
import {
  aggregateBallots,
  approval,
  borda,
  combineDecryptionShares,
  createDecryptionShare,
  encryptBallot,
  packedPlurality,
  plurality,
  PollErrorCode,
  score,
  supermajority,
  type VotingMethod,
  verifyBallots,
  weightedPlurality,
  yesNo,
  yesNoAbstain,
} from '@brightchain/paillier-poll';
import { CONTEXT, encryptorFor, pinnedKey } from './fixtures';

const codeOf = (code: string) => expect.objectContaining({ code }) as unknown as Error;
const TALLY_CONTEXT = new TextEncoder().encode('methods/tally');
let ceremony: Awaited<ReturnType<typeof pinnedKey>>;

beforeAll(async () => {
  ceremony = await pinnedKey(3, 2, new SeededRandom('methods'));
});

/** Encrypt, verify, aggregate, threshold-decrypt (trustees 1 and 3), decode. */
function runPoll<C>(method: VotingMethod<C>, choices: readonly C[], seed: string) {
  const random = new SeededRandom(seed);
  const key = ceremony.publicKey.publicKey;
  const ballots = choices.map((c) =>
    encryptBallot(encryptorFor(ceremony), method.shape, CONTEXT, method.encode(c), random),
  );
  expect(
    verifyBallots(
      key,
      method.shape,
      ballots.map((ballot) => ({ context: CONTEXT, ballot })),
    ),
  ).toEqual(ballots.map(() => true));
  const totals = aggregateBallots(key, ballots, method.shape.positions.length);
  const shares = [0, 2].map((i) => createDecryptionShare(ceremony.shares[i]!, totals, TALLY_CONTEXT, random));
  const plain = combineDecryptionShares(ceremony.publicKey, totals, TALLY_CONTEXT, shares);
  return method.decode(plain, ballots.length);
}

describe('voting methods end to end (encrypted, proved, tallied, threshold-decrypted)', () => {
  it('plurality, with and without blank ballots', () => {
    expect(runPoll(plurality(3), [0, 2, 2, 1, 2], 'p')).toEqual({ totals: [1n, 1n, 3n], winners: [2] });
    expect(runPoll(plurality(2, { allowBlank: true }), [null, 1, 0, 1], 'pb')).toEqual({
      totals: [1n, 2n],
      winners: [1],
    });
    expect(() => plurality(2).encode(null)).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    expect(() => plurality(2).encode(2)).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
  });

  it('packed plurality (one ciphertext per ballot)', () => {
    const method = packedPlurality(4, 100);
    expect(method.shape.positions).toHaveLength(1);
    expect(runPoll(method, [3, 1, 3, 0, 3], 'pp')).toEqual({ totals: [1n, 1n, 0n, 3n], winners: [3] });
    expect(() => method.decode([5n], 4)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
    expect(() => method.decode([1n << 100n], 1)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
  });

  it('approval at most k', () => {
    const method = approval(4, 2);
    expect(runPoll(method, [[0, 1], [1], [], [1, 3]], 'a')).toEqual({
      totals: [1n, 3n, 0n, 1n],
      winners: [1],
    });
    expect(() => method.encode([0, 1, 2])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    expect(() => method.encode([1, 1])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    expect(() => method.encode([4])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
  });

  it('yes/no, yes/no/abstain and supermajority', () => {
    expect(runPoll(yesNo(), [true, false, true], 'yn')).toEqual({ totals: [2n, 1n], winners: [0] });
    expect(runPoll(yesNoAbstain(), ['yes', 'abstain', 'no', 'no'], 'yna')).toEqual({
      totals: [1n, 2n, 1n],
      winners: [1],
    });
    const twoThirds = supermajority(2, 3);
    expect(runPoll(twoThirds, ['yes', 'yes', 'no', 'abstain'], 'sm').passed).toBe(true);
    expect(twoThirds.decode([1n, 1n, 0n], 2).passed).toBe(false);
    expect(twoThirds.decode([0n, 0n, 2n], 2).passed).toBe(false);
    expect(() => supermajority(3, 2)).toThrow(codeOf(PollErrorCode.INVALID_ARGUMENT));
    expect(() => yesNoAbstain().encode('maybe' as 'yes')).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
  });

  it('weighted plurality: the proof enforces the public weight', () => {
    const heavy = weightedPlurality(2, 10n);
    expect(heavy.encode(1)).toEqual([0n, 10n]);
    expect(runPoll(heavy, [1, 1, 0], 'w').totals).toEqual([10n, 20n]);
    // a voter of weight 1 cannot pass a weight-10 ballot off as their own
    const light = weightedPlurality(2, 1n);
    const random = new SeededRandom('w2');
    const forged = encryptBallot(encryptorFor(ceremony), heavy.shape, CONTEXT, heavy.encode(0), random);
    expect(
      verifyBallots(ceremony.publicKey.publicKey, light.shape, [{ context: CONTEXT, ballot: forged }]),
    ).toEqual([false]);
  });

  it('score 0..S', () => {
    const method = score(3, 5);
    expect(
      runPoll(
        method,
        [
          [5, 0, 3],
          [1, 1, 1],
        ],
        's',
      ),
    ).toEqual({ totals: [6n, 1n, 4n], winners: [0] });
    expect(() => method.encode([6, 0, 0])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    expect(() => method.encode([1, 1])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
  });

  it('Borda as a proved permutation matrix', () => {
    const method = borda(3);
    expect(method.shape.positions).toHaveLength(9);
    expect(method.shape.sums).toHaveLength(6);
    // points: rank 0 → 2, rank 1 → 1, rank 2 → 0
    expect(
      runPoll(
        method,
        [
          [2, 0, 1],
          [0, 2, 1],
          [2, 1, 0],
        ],
        'b',
      ),
    ).toEqual({ totals: [3n, 1n, 5n], winners: [2] });
    expect(() => method.encode([0, 0, 1])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    expect(() => method.encode([0, 1])).toThrow(codeOf(PollErrorCode.CHOICE_INVALID));
    // a matrix with a doubled first rank is valid cell by cell but not a permutation: rejected
    expect(() =>
      encryptBallot(encryptorFor(ceremony), method.shape, CONTEXT, [1n, 0n, 0n, 1n, 0n, 0n, 0n, 0n, 1n]),
    ).toThrow(codeOf(PollErrorCode.PLAINTEXT_INVALID));
    const loose = { positions: method.shape.positions, sums: [] };
    const forged = encryptBallot(encryptorFor(ceremony), loose, CONTEXT, [
      1n,
      0n,
      0n,
      1n,
      0n,
      0n,
      0n,
      0n,
      1n,
    ]);
    expect(
      verifyBallots(ceremony.publicKey.publicKey, method.shape, [{ context: CONTEXT, ballot: forged }]),
    ).toEqual([false]);
  });

  it('decoders reject impossible totals and methods reject bad parameters', () => {
    expect(() => plurality(3).decode([3n, 0n, 0n], 2)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
    expect(() => plurality(3).decode([1n, 1n, 1n], 2)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
    expect(() => plurality(3).decode([1n, 1n], 2)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
    expect(() => yesNo().decode([1n], -1)).toThrow(codeOf(PollErrorCode.TALLY_INVALID));
    expect(plurality(2).decode([0n, 0n], 0).winners).toEqual([]);
    for (const make of [
      () => plurality(1),
      () => plurality(65),
      () => approval(3, 4),
      () => score(2, 0),
      () => borda(1),
      () => borda(17),
      () => weightedPlurality(2, 0n),
      () => packedPlurality(2, 0),
    ]) {
      expect(make).toThrow(codeOf(PollErrorCode.INVALID_ARGUMENT));
    }
  });
});
