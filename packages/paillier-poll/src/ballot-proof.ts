/**
 * Encrypted ballots with non-interactive validity proofs.
 *
 * Each statement "`c` encrypts one of `S = {s_0, …, s_{L−1}}`" is proved with the
 * Cramer–Damgård–Schoenmakers OR-composition ("Proofs of Partial Knowledge and Simplified Design of
 * Witness Hiding Protocols", CRYPTO '94) of the Sigma protocol for n-th residuosity: `c` encrypts
 * `s_k` iff `u_k = c·g^(−s_k)` is an n-th residue mod `n²` (Paillier 1999), and knowledge of an
 * n-th root is proved as in Damgård–Jurik (PKC 2001, the 1-out-of-2 proof for n^s-th powers and its 1-out-of-L
 * generalisation) and Baudron–Fouque–Pointcheval–Poupard–Stern ("Practical Multi-Candidate
 * Election System", PODC 2001): commitment `a = ρ^n`, response `z = ρ·r^e mod n`, check
 * `z^n = a·u^e (mod n²)`. The prover answers the true branch and simulates the others; branch
 * challenges add up to the Fiat–Shamir challenge modulo `2^128` (as in Helios' 0/1 proofs, Adida,
 * USENIX Security 2008, there modulo q).
 *
 * A ballot proves every position's statement and every sum statement (the sum ciphertext is
 * derived homomorphically, so its witness is the weighted sum of randomizers) under ONE
 * challenge: `e = H(tag, n, poll id, voter id, voter key, shape, every ciphertext, every derived
 * sum, every commitment with its position index)`, the strong Fiat–Shamir form of
 * Bernhard–Pereira–Warinschi (ASIACRYPT 2012). A proof replayed under another poll, another voter
 * or other ciphertexts fails.
 *
 * With the fixed-base randomizer of `PaillierEncryptor` (nonces `r = h^α`), commitments and
 * responses are also table exponentiations: true branch `a = hₙ^γ`, `z = h^(γ + α·e)`;
 * simulated branch `a = hₙ^β·(1 + n)^((s_k − m)·e_k)`, `z = h^(β + α·e_k)` — both `z` are
 * statistically uniform in `⟨h⟩ = J_n`, so simulated and real branches are indistinguishable.
 * Verification does not depend on any of this: it is the standard check above.
 */
import { BrightChainError, CryptoRandom, guidV4ToBytes, type GuidV4, type Random } from '@brightchain/core';
import { assertBallotShape, type BallotShape, weightedSumCiphertext } from './ballot-shape';
import { PollErrorCode } from './error-codes';
import { CHALLENGE_BITS, CHALLENGE_MODULUS, FiatShamirTranscript, PollDomain } from './fiat-shamir';
import { mod } from './modular-exponentiation';
import type { PaillierEncryptor } from './paillier-encryptor';
import type { PaillierPublicKey } from './paillier-public-key';
import { randomBits } from './random-integers';

/** Who casts a ballot in which poll: bound into every proof. */
export interface BallotContext {
  /** The poll's id. */
  readonly pollId: GuidV4 | string;
  /** The voter's member id. */
  readonly voterId: GuidV4 | string;
  /** The voter's public key (the key that signs the ballot). */
  readonly voterPublicKey: Uint8Array;
}

/** A 1-of-L OR proof: one commitment, challenge and response per allowed value. */
export interface MembershipProof {
  /** `a_k ∈ Z*_{n²}`. */
  readonly commitments: readonly bigint[];
  /** `e_k ∈ [0, 2^128)`, summing to the ballot challenge mod `2^128`. */
  readonly challenges: readonly bigint[];
  /** `z_k ∈ Z*_n`. */
  readonly responses: readonly bigint[];
}

/** All validity proofs of a ballot. */
export interface BallotProof {
  /** The Fiat–Shamir challenge `e`. */
  readonly challenge: bigint;
  /** One proof per position. */
  readonly positions: readonly MembershipProof[];
  /** One proof per sum constraint. */
  readonly sums: readonly MembershipProof[];
}

/** A ballot: ciphertexts only (never the plaintext choice) and their proofs. */
export interface EncryptedBallot {
  /** One ciphertext per position. */
  readonly ciphertexts: readonly bigint[];
  /** Validity proofs. */
  readonly proof: BallotProof;
}

/** One proved statement: a ciphertext and the set it encrypts a member of. */
export interface BallotStatement {
  /** The ciphertext (a position's, or a derived weighted sum). */
  readonly ciphertext: bigint;
  /** For a derived sum: the position ciphertexts and weights it is `∏ c_j^(w_j)` of. */
  readonly derivedFrom?: { readonly ciphertexts: readonly bigint[]; readonly weights: readonly bigint[] };
  /** The allowed set. */
  readonly allowed: readonly bigint[];
  /** Its proof. */
  readonly proof: MembershipProof;
}

/**
 * The Fiat–Shamir transcript of a ballot (exported so verifiers and test vectors can inspect the
 * exact hash input).
 *
 * @throws BrightChainError `BC_GUID_INVALID` for ids that are not GUIDs, `BC_INVALID_ARGUMENT` for
 * a value too wide for its field
 * @example
 * ```ts
 * const t = ballotTranscript(key, shape, context, ciphertexts, derivedSums, positionCommitments, sumCommitments);
 * t.parts; // the exact hash input; t.challenge() is the proof's challenge
 * ```
 */
export function ballotTranscript(
  key: PaillierPublicKey,
  shape: BallotShape,
  context: BallotContext,
  ciphertexts: readonly bigint[],
  derivedSums: readonly bigint[],
  positionCommitments: readonly (readonly bigint[])[],
  sumCommitments: readonly (readonly bigint[])[],
): FiatShamirTranscript {
  const w = key.plaintextWidth;
  const w2 = key.ciphertextWidth;
  const transcript = new FiatShamirTranscript(PollDomain.BALLOT_PROOF)
    .appendNumber(CHALLENGE_BITS)
    .appendBigint(key.n, w)
    .appendBytes(guidV4ToBytes(context.pollId))
    .appendBytes(guidV4ToBytes(context.voterId))
    .appendBytes(context.voterPublicKey)
    .appendNumber(shape.positions.length);
  for (const allowed of shape.positions) transcript.appendBigints(allowed, w);
  transcript.appendNumber(shape.sums.length);
  for (const sum of shape.sums) transcript.appendBigints(sum.weights, 8).appendBigints(sum.allowed, w);
  transcript.appendBigints(ciphertexts, w2).appendBigints(derivedSums, w2);
  positionCommitments.forEach((commitments, j) => {
    transcript.appendNumber(j).appendBigints(commitments, w2);
  });
  sumCommitments.forEach((commitments, s) => {
    transcript.appendNumber(s).appendBigints(commitments, w2);
  });
  return transcript;
}

interface PendingStatement {
  readonly allowed: readonly bigint[];
  readonly plaintext: bigint;
  readonly randomizer: bigint;
  readonly trueIndex: number;
  readonly commitments: bigint[];
  readonly challenges: bigint[];
  readonly exponents: bigint[]; // γ for the true branch, β for simulated ones
}

function startStatement(
  encryptor: PaillierEncryptor,
  allowed: readonly bigint[],
  plaintext: bigint,
  randomizer: bigint,
  random: Random,
): PendingStatement {
  const key = encryptor.publicKey;
  const trueIndex = allowed.indexOf(plaintext);
  if (trueIndex < 0) {
    throw new BrightChainError(PollErrorCode.PLAINTEXT_INVALID, 'a plaintext is not in its allowed set');
  }
  const commitments: bigint[] = [];
  const challenges: bigint[] = [];
  const exponents: bigint[] = [];
  allowed.forEach((value, k) => {
    const exponent = encryptor.sampleRandomizer(random);
    exponents.push(exponent);
    if (k === trueIndex) {
      commitments.push(encryptor.nthResidue(exponent));
      challenges.push(0n);
    } else {
      const e = randomBits(random, CHALLENGE_BITS);
      challenges.push(e);
      commitments.push(
        (encryptor.nthResidue(exponent) * key.encodePlaintext((value - plaintext) * e)) % key.nSquared,
      );
    }
  });
  return { allowed, plaintext, randomizer, trueIndex, commitments, challenges, exponents };
}

function finishStatement(
  encryptor: PaillierEncryptor,
  pending: PendingStatement,
  challenge: bigint,
): MembershipProof {
  const { challenges, exponents, randomizer, trueIndex } = pending;
  let others = 0n;
  challenges.forEach((e, k) => {
    if (k !== trueIndex) others += e;
  });
  const trueChallenge = mod(challenge - others, CHALLENGE_MODULUS);
  const finalChallenges = challenges.map((e, k) => (k === trueIndex ? trueChallenge : e));
  const responses = exponents.map((exponent, k) =>
    encryptor.nthRoot(exponent + randomizer * (finalChallenges[k] as bigint)),
  );
  return { commitments: pending.commitments, challenges: finalChallenges, responses };
}

/**
 * Encrypts a ballot and proves it valid for `shape`. Randomness comes from `random`, which must be
 * a CSPRNG (the default) except in test vectors.
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` for a bad shape or the wrong number of
 * plaintexts, `BC_POLL_PLAINTEXT_INVALID` if a plaintext or a weighted sum is not allowed
 * @example
 * ```ts
 * const shape = { positions: [[0n, 1n], [0n, 1n]], sums: [{ weights: [1n, 1n], allowed: [1n] }] };
 * const ballot = encryptBallot(encryptor, shape, { pollId, voterId, voterPublicKey }, [0n, 1n]);
 * ```
 */
export function encryptBallot(
  encryptor: PaillierEncryptor,
  shape: BallotShape,
  context: BallotContext,
  plaintexts: readonly bigint[],
  random: Random = new CryptoRandom(),
): EncryptedBallot {
  const key = encryptor.publicKey;
  assertBallotShape(shape, key);
  if (!Array.isArray(plaintexts) || plaintexts.length !== shape.positions.length) {
    throw new BrightChainError(PollErrorCode.BALLOT_MALFORMED, 'one plaintext per position', {
      details: { expected: shape.positions.length, got: Array.isArray(plaintexts) ? plaintexts.length : -1 },
    });
  }
  plaintexts.forEach((m, j) => {
    if (!(shape.positions[j] as readonly bigint[]).includes(m)) {
      throw new BrightChainError(
        PollErrorCode.PLAINTEXT_INVALID,
        'a plaintext is not allowed at its position',
        {
          details: { position: j },
        },
      );
    }
  });
  const sumValues = shape.sums.map((sum, s) => {
    let value = 0n;
    sum.weights.forEach((w, j) => {
      value += w * (plaintexts[j] as bigint);
    });
    if (!sum.allowed.includes(value)) {
      throw new BrightChainError(PollErrorCode.PLAINTEXT_INVALID, 'a weighted sum is not allowed', {
        details: { sum: s },
      });
    }
    return value;
  });
  const witnesses = plaintexts.map((m) => encryptor.encrypt(m, random));
  const ciphertexts = witnesses.map((w) => w.ciphertext);
  const derivedSums = shape.sums.map((sum) => weightedSumCiphertext(key, ciphertexts, sum.weights));
  const positionStatements = witnesses.map((w, j) =>
    startStatement(encryptor, shape.positions[j] as readonly bigint[], w.plaintext, w.randomizer, random),
  );
  const sumStatements = shape.sums.map((sum, s) => {
    let randomizer = 0n;
    sum.weights.forEach((weight, j) => {
      randomizer += weight * (witnesses[j] as { randomizer: bigint }).randomizer;
    });
    return startStatement(encryptor, sum.allowed, sumValues[s] as bigint, randomizer, random);
  });
  const challenge = ballotTranscript(
    key,
    shape,
    context,
    ciphertexts,
    derivedSums,
    positionStatements.map((p) => p.commitments),
    sumStatements.map((p) => p.commitments),
  ).challenge();
  return {
    ciphertexts,
    proof: {
      challenge,
      positions: positionStatements.map((p) => finishStatement(encryptor, p, challenge)),
      sums: sumStatements.map((p) => finishStatement(encryptor, p, challenge)),
    },
  };
}
