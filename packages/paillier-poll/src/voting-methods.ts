/**
 * Voting methods as ballot encodings. Each method is a public {@link BallotShape} (what every
 * ballot must encrypt, proved by `encryptBallot`'s validity proofs and checked by every verifier),
 * an encoding of a voter's choice into plaintexts, and a decoding of the decrypted homomorphic
 * totals into a result. Only totals are ever decrypted. Methods that need to see each ballot
 * (IRV, STV, STAR's runoff, Condorcet completions) are not offered: see docs/voting-methods.md.
 */
import { BrightChainError } from '@brightchain/core';
import type { BallotShape } from './ballot-shape';
import { PollErrorCode } from './error-codes';

/** The decoded outcome of a tally. */
export interface TallyResult {
  /** Per option: votes (plurality, approval, yes/no…), points (score, Borda) or weight. */
  readonly totals: readonly bigint[];
  /** Indices of the options with the highest total (several on a tie; empty if all totals are 0). */
  readonly winners: readonly number[];
  /** For threshold methods (supermajority): whether the motion passed. */
  readonly passed?: boolean;
}

/** A voting method: public ballot shape, choice encoding, tally decoding. */
export interface VotingMethod<Choice> {
  /** Method name, hashed into nothing but shown to users. */
  readonly kind: string;
  /** Number of options (candidates, or answers). */
  readonly options: number;
  /** The shape every ballot is proved against. */
  readonly shape: BallotShape;
  /**
   * The plaintexts for a voter's choice.
   * @throws BrightChainError `BC_POLL_CHOICE_INVALID` for a choice the method does not allow
   */
  encode(choice: Choice): bigint[];
  /**
   * The result from decrypted position totals and the number of counted ballots.
   * @throws BrightChainError `BC_POLL_TALLY_INVALID` if the totals cannot come from valid ballots
   */
  decode(totals: readonly bigint[], ballots: number): TallyResult;
}

const BINARY: readonly bigint[] = Object.freeze([0n, 1n]);
const MAX_OPTIONS = 64;

function choiceError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(PollErrorCode.CHOICE_INVALID, message, { details });
}

function tallyError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(PollErrorCode.TALLY_INVALID, message, { details });
}

function checkOptions(options: number, min = 1): void {
  if (!Number.isInteger(options) || options < min || options > MAX_OPTIONS) {
    throw new BrightChainError(
      PollErrorCode.INVALID_ARGUMENT,
      `options must be an integer in ${min}..${MAX_OPTIONS}`,
      {
        details: { options },
      },
    );
  }
}

function range(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let v = from; v <= to; v++) out.push(v);
  return out;
}

function winnersOf(totals: readonly bigint[]): number[] {
  let best = 0n;
  for (const t of totals) if (t > best) best = t;
  if (best === 0n) return [];
  return totals.flatMap((t, i) => (t === best ? [i] : []));
}

function checkTotals(totals: readonly bigint[], length: number, ballots: number, maxPerBallot: bigint): void {
  if (!Number.isInteger(ballots) || ballots < 0)
    throw tallyError('ballot count must be a non-negative integer');
  if (totals.length !== length)
    throw tallyError('wrong number of totals', { expected: length, got: totals.length });
  for (const t of totals) {
    if (typeof t !== 'bigint' || t < 0n || t > maxPerBallot * BigInt(ballots)) {
      throw tallyError('a total is out of range for the number of ballots');
    }
  }
}

function oneHot(options: number, choice: number): bigint[] {
  if (!Number.isInteger(choice) || choice < 0 || choice >= options) {
    throw choiceError('choice must be an option index', { choice, options });
  }
  return Array.from({ length: options }, (_, j) => (j === choice ? 1n : 0n));
}

/**
 * Plurality (first past the post): one `{0,1}` ciphertext per option, their sum exactly 1 — or in
 * `{0,1}` with `allowBlank`, where `null` casts a blank ballot.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for fewer than 2 or more than 64 options
 * @example
 * ```ts
 * const method = plurality(4);
 * const ballot = encryptBallot(encryptor, method.shape, context, method.encode(2));
 * ```
 */
export function plurality(options: number, { allowBlank = false } = {}): VotingMethod<number | null> {
  checkOptions(options, 2);
  return {
    kind: 'plurality',
    options,
    shape: {
      positions: Array.from({ length: options }, () => BINARY),
      sums: [{ weights: Array.from({ length: options }, () => 1n), allowed: allowBlank ? [0n, 1n] : [1n] }],
    },
    encode(choice) {
      if (choice === null) {
        if (!allowBlank) throw choiceError('blank ballots are not allowed in this poll');
        return Array.from({ length: options }, () => 0n);
      }
      return oneHot(options, choice);
    },
    decode(totals, ballots) {
      checkTotals(totals, options, ballots, 1n);
      if (totals.reduce((a, b) => a + b, 0n) > BigInt(ballots)) throw tallyError('more votes than ballots');
      return { totals, winners: winnersOf(totals) };
    },
  };
}

/**
 * Plurality packed into ONE ciphertext: option `j` is encrypted as `M^j` with `M = 2^b > maxVoters`,
 * proved with a single 1-of-L OR proof (the voting application of Damgård–Jurik 2001; Baudron et al. 2001). The total
 * decrypts to `Σ count_j·M^j` and is read digit by digit. One ciphertext per ballot makes
 * proofs, verification, aggregation and decryption about L times cheaper; it needs
 * `M^L < n` (about `L·b ≤ 2000` bits at 2048-bit keys).
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a bad option or voter count
 * @example
 * ```ts
 * const method = packedPlurality(4, 1_000_000);
 * encryptBallot(encryptor, method.shape, context, method.encode(1)); // one ciphertext
 * ```
 */
export function packedPlurality(options: number, maxVoters: number): VotingMethod<number> {
  checkOptions(options, 2);
  if (!Number.isSafeInteger(maxVoters) || maxVoters < 1) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'maxVoters must be a positive safe integer');
  }
  const bits = BigInt((maxVoters + 1).toString(2).length);
  const base = 1n << bits;
  const values = Array.from({ length: options }, (_, j) => base ** BigInt(j));
  return {
    kind: 'packed-plurality',
    options,
    shape: { positions: [values], sums: [] },
    encode(choice) {
      if (!Number.isInteger(choice) || choice < 0 || choice >= options) {
        throw choiceError('choice must be an option index', { choice, options });
      }
      return [values[choice] as bigint];
    },
    decode(totals, ballots) {
      if (totals.length !== 1 || typeof totals[0] !== 'bigint' || totals[0] < 0n)
        throw tallyError('one packed total');
      if (!Number.isInteger(ballots) || ballots < 0 || ballots > maxVoters)
        throw tallyError('ballot count out of range');
      let rest = totals[0];
      const counts: bigint[] = [];
      for (let j = 0; j < options; j++) {
        counts.push(rest % base);
        rest /= base;
      }
      if (rest !== 0n || counts.reduce((a, b) => a + b, 0n) !== BigInt(ballots)) {
        throw tallyError('packed total does not decode to the number of ballots');
      }
      return { totals: counts, winners: winnersOf(counts) };
    },
  };
}

/**
 * Approval voting: `{0,1}` per option, at most `maxApprovals` approvals (sum in `0..k`).
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for bad counts
 * @example
 * ```ts
 * const method = approval(5, 2);
 * method.encode([0, 3]); // approves options 0 and 3
 * ```
 */
export function approval(options: number, maxApprovals = options): VotingMethod<readonly number[]> {
  checkOptions(options, 2);
  if (!Number.isInteger(maxApprovals) || maxApprovals < 1 || maxApprovals > options) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'maxApprovals must be in 1..options');
  }
  return {
    kind: 'approval',
    options,
    shape: {
      positions: Array.from({ length: options }, () => BINARY),
      sums: [
        { weights: Array.from({ length: options }, () => 1n), allowed: range(0n, BigInt(maxApprovals)) },
      ],
    },
    encode(choice) {
      const set = new Set(choice);
      if (set.size !== choice.length || set.size > maxApprovals) {
        throw choiceError('approvals must be distinct and at most maxApprovals', { maxApprovals });
      }
      const out = Array.from({ length: options }, () => 0n);
      for (const j of set) {
        if (!Number.isInteger(j) || j < 0 || j >= options)
          throw choiceError('approval of an unknown option', { j });
        out[j] = 1n;
      }
      return out;
    },
    decode(totals, ballots) {
      checkTotals(totals, options, ballots, 1n);
      return { totals, winners: winnersOf(totals) };
    },
  };
}

/**
 * Yes/no: one `{0,1}` ciphertext (1 = yes). Totals decode to `[yes, no]`.
 *
 * @example
 * ```ts
 * const method = yesNo();
 * method.encode(true); // [1n]
 * ```
 */
export function yesNo(): VotingMethod<boolean> {
  return {
    kind: 'yes-no',
    options: 2,
    shape: { positions: [BINARY], sums: [] },
    encode(choice) {
      if (typeof choice !== 'boolean') throw choiceError('choice must be true or false');
      return [choice ? 1n : 0n];
    },
    decode(totals, ballots) {
      checkTotals(totals, 1, ballots, 1n);
      const yes = totals[0] as bigint;
      const result = [yes, BigInt(ballots) - yes];
      return { totals: result, winners: winnersOf(result) };
    },
  };
}

/** Answers of {@link yesNoAbstain}. */
export type YesNoAbstain = 'yes' | 'no' | 'abstain';
const ANSWERS: readonly YesNoAbstain[] = ['yes', 'no', 'abstain'];

/**
 * Yes/no/abstain: three `{0,1}` ciphertexts with sum exactly 1. Totals `[yes, no, abstain]`.
 *
 * @example
 * ```ts
 * yesNoAbstain().encode('abstain'); // [0n, 0n, 1n]
 * ```
 */
export function yesNoAbstain(): VotingMethod<YesNoAbstain> {
  const inner = plurality(3);
  return {
    kind: 'yes-no-abstain',
    options: 3,
    shape: inner.shape,
    encode(choice) {
      const index = ANSWERS.indexOf(choice);
      if (index < 0) throw choiceError('choice must be yes, no or abstain');
      return inner.encode(index);
    },
    decode: (totals, ballots) => inner.decode(totals, ballots),
  };
}

/**
 * Supermajority on yes/no/abstain: passes when `yes / (yes + no) ≥ numerator / denominator`
 * (abstentions do not count) and at least one yes/no vote was cast.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` unless `0 < numerator ≤ denominator`
 * @example
 * ```ts
 * const twoThirds = supermajority(2, 3);
 * twoThirds.decode([20n, 10n, 5n], 35).passed; // true
 * ```
 */
export function supermajority(numerator: number, denominator: number): VotingMethod<YesNoAbstain> {
  if (
    !Number.isInteger(numerator) ||
    !Number.isInteger(denominator) ||
    numerator < 1 ||
    denominator < numerator
  ) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'need 0 < numerator ≤ denominator');
  }
  const inner = yesNoAbstain();
  return {
    ...inner,
    kind: `supermajority-${numerator}/${denominator}`,
    decode(totals, ballots) {
      const result = inner.decode(totals, ballots);
      const [yes, no] = result.totals as [bigint, bigint];
      const passed = yes + no > 0n && yes * BigInt(denominator) >= BigInt(numerator) * (yes + no);
      return { ...result, passed };
    },
  };
}

/**
 * Weighted plurality with a public weight per voter (e.g. shares held): the voter's positions are
 * `{0, w}` and their sum exactly `w`, so the proofs enforce the weight. The shape depends on the
 * voter: verifiers build it from the published voter roll with `weightedPlurality(L, w).shape`.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for a weight outside `1..2^48`
 * @example
 * ```ts
 * const method = weightedPlurality(3, 25n);
 * method.encode(1); // [0n, 25n, 0n]
 * ```
 */
export function weightedPlurality(options: number, weight: bigint): VotingMethod<number> {
  checkOptions(options, 2);
  if (typeof weight !== 'bigint' || weight < 1n || weight > 1n << 48n) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'weight must be a bigint in 1..2^48');
  }
  return {
    kind: 'weighted-plurality',
    options,
    shape: {
      positions: Array.from({ length: options }, () => [0n, weight]),
      sums: [{ weights: Array.from({ length: options }, () => 1n), allowed: [weight] }],
    },
    encode: (choice) => oneHot(options, choice).map((v) => v * weight),
    decode(totals, ballots) {
      checkTotals(totals, options, ballots, 1n << 48n);
      return { totals, winners: winnersOf(totals) };
    },
  };
}

/**
 * Score (range) voting: each option gets `0..maxScore`, proved by a 1-of-(S+1) OR proof per option.
 * Totals are the summed scores.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for `maxScore` outside 1..100
 * @example
 * ```ts
 * score(3, 5).encode([5, 0, 3]);
 * ```
 */
export function score(options: number, maxScore: number): VotingMethod<readonly number[]> {
  checkOptions(options, 1);
  if (!Number.isInteger(maxScore) || maxScore < 1 || maxScore > 100) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'maxScore must be in 1..100');
  }
  const allowed = range(0n, BigInt(maxScore));
  return {
    kind: 'score',
    options,
    shape: { positions: Array.from({ length: options }, () => allowed), sums: [] },
    encode(choice) {
      if (choice.length !== options || choice.some((s) => !Number.isInteger(s) || s < 0 || s > maxScore)) {
        throw choiceError('one score in 0..maxScore per option', { maxScore });
      }
      return choice.map((s) => BigInt(s));
    },
    decode(totals, ballots) {
      checkTotals(totals, options, ballots, BigInt(maxScore));
      return { totals, winners: winnersOf(totals) };
    },
  };
}

/**
 * Borda count: the voter's ranking as an L×L permutation matrix (cell `(i, r)` = 1 iff candidate
 * `i` is at rank `r`), every cell proved in `{0,1}`, every row sum and every column sum proved
 * exactly 1 — so the matrix is a permutation. Totals per cell are decrypted (never one ballot);
 * candidate `i` scores `Σ_r count(i, r)·(L − 1 − r)`.
 *
 * @throws BrightChainError `BC_POLL_INVALID_ARGUMENT` for fewer than 2 or more than 16 candidates
 * @example
 * ```ts
 * const method = borda(3);
 * method.encode([2, 0, 1]); // candidate 2 first, then 0, then 1
 * ```
 */
export function borda(candidates: number): VotingMethod<readonly number[]> {
  if (!Number.isInteger(candidates) || candidates < 2 || candidates > 16) {
    throw new BrightChainError(PollErrorCode.INVALID_ARGUMENT, 'Borda needs 2..16 candidates');
  }
  const L = candidates;
  const cell = (i: number, r: number) => i * L + r;
  const row = (i: number) => Array.from({ length: L * L }, (_, k) => (Math.floor(k / L) === i ? 1n : 0n));
  const column = (r: number) => Array.from({ length: L * L }, (_, k) => (k % L === r ? 1n : 0n));
  return {
    kind: 'borda',
    options: L,
    shape: {
      positions: Array.from({ length: L * L }, () => BINARY),
      sums: [
        ...Array.from({ length: L }, (_, i) => ({ weights: row(i), allowed: [1n] })),
        ...Array.from({ length: L }, (_, r) => ({ weights: column(r), allowed: [1n] })),
      ],
    },
    encode(ranking) {
      const seen = new Set(ranking);
      if (
        ranking.length !== L ||
        seen.size !== L ||
        ranking.some((i) => !Number.isInteger(i) || i < 0 || i >= L)
      ) {
        throw choiceError('a ranking must list every candidate exactly once', { candidates: L });
      }
      const out = Array.from({ length: L * L }, () => 0n);
      ranking.forEach((candidate, rank) => {
        out[cell(candidate, rank)] = 1n;
      });
      return out;
    },
    decode(totals, ballots) {
      checkTotals(totals, L * L, ballots, 1n);
      const points = Array.from({ length: L }, (_, i) => {
        let sum = 0n;
        for (let r = 0; r < L; r++) sum += (totals[cell(i, r)] as bigint) * BigInt(L - 1 - r);
        return sum;
      });
      return { totals: points, winners: winnersOf(points) };
    },
  };
}
