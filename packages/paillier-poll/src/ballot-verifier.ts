/**
 * Ballot verification.
 *
 * Structure first (cheap): lengths, ranges (`0 < c, a < n²`, `0 < z < n`, `0 ≤ e_k < 2^128`),
 * `gcd(∏ elements, n) = 1` (so every ciphertext, commitment and response is a unit: one gcd for
 * the whole batch, since a product is divisible by `p` iff a factor is), the recomputed
 * Fiat–Shamir challenge and `Σ e_k ≡ e (mod 2^128)` for every statement.
 *
 * Then the equations `z_k^n = a_k·(c·g^(−s_k))^(e_k) (mod n²)`, all at once by the small-exponents
 * batch test of Bellare, Garay and Rabin ("Fast Batch Verification for Modular Exponentiation and
 * Digital Signatures", EUROCRYPT '98, the small exponents test): with fresh random `δ` of `λ` bits per equation the
 * verifier checks
 *
 *     ((∏ z^δ mod n)^n)²  =  (∏ a^δ · ∏_c c^(Σ δ·e) · (1 + n)^(−Σ s·δ·e))²   (mod n²),
 *
 * one full exponentiation for the whole batch plus one multi-exponentiation with short exponents.
 * Soundness in `Z*_{n²}` (order `4·n·p'·q'`): a failing equation survives with probability at most
 * `2^−λ` except for discrepancies of order 2, which a small-exponent test cannot see (Boyd and
 * Pavlovski, "Attacking and Repairing Batch Verification Schemes", ASIACRYPT 2000). Following their
 * repair, the verification predicate — batched AND unbatched — is the squared equation
 * `(z^n)² = (a·u^e)²`, i.e. the equation up to a factor `τ` with `τ² = 1`. That keeps soundness:
 * such a `τ` satisfies `τ = τ^n` (n is odd), so `((τ mod n)·z)^n = a·u^e` holds exactly and the
 * proof converts into a valid proof of the same statement; it proves nothing false. And it makes
 * every verifier reach the same verdict: a test on the strict equation would accept, with
 * probability 1/2, a proof whose responses were negated while the unbatched check rejected it (a
 * test in `ballot.test.ts` pins this). Shoup's threshold protocol squares for the same reason.
 * The `δ` come from a CSPRNG drawn after the ballots are fixed. When a batch fails, it is split in
 * halves until the invalid ballots are found, so the answer per ballot equals the unbatched one
 * (up to the 2^−λ error).
 */
import { CryptoRandom, type Random } from '@brightchain/core';
import type { BallotContext, BallotStatement, EncryptedBallot, MembershipProof } from './ballot-proof';
import { ballotTranscript } from './ballot-proof';
import { assertBallotShape, type BallotShape, weightedSumCiphertext } from './ballot-shape';
import { CHALLENGE_MODULUS } from './fiat-shamir';
import { gcd } from './modular-inverse';
import { type ModularExponentiation, slidingWindow } from './modular-exponentiation';
import { multiExponentiate } from './multi-exponentiation';
import type { PaillierPublicKey } from './paillier-public-key';
import { randomBits } from './random-integers';

/** Options of ballot verification. */
export interface BallotVerificationOptions {
  /** Source of the batch randomizers `δ` (default `CryptoRandom`). */
  readonly random?: Random;
  /** Bits `λ` of each `δ`: a bad batch passes with probability ≤ 2^−λ (default 128, min 64). */
  readonly batchSecurityBits?: number;
}

/** A ballot to verify and the context it was cast in. */
export interface BallotToVerify {
  /** Poll, voter id and voter key the proof must be bound to. */
  readonly context: BallotContext;
  /** The ballot. */
  readonly ballot: EncryptedBallot;
}

function isProofShaped(proof: MembershipProof, size: number): boolean {
  return (
    proof !== null &&
    typeof proof === 'object' &&
    Array.isArray(proof.commitments) &&
    Array.isArray(proof.challenges) &&
    Array.isArray(proof.responses) &&
    proof.commitments.length === size &&
    proof.challenges.length === size &&
    proof.responses.length === size
  );
}

/**
 * The statements of a structurally valid ballot (ranges, lengths, challenge and challenge sums
 * checked), or `null`. Does not check the exponentiation equations nor that elements are units.
 *
 * @throws never: a malformed ballot gives `null`
 * @example
 * ```ts
 * const statements = ballotStatements(key, shape, context, ballot); // null when malformed
 * ```
 */
export function ballotStatements(
  key: PaillierPublicKey,
  shape: BallotShape,
  context: BallotContext,
  ballot: EncryptedBallot,
): BallotStatement[] | null {
  try {
    const { ciphertexts, proof } = ballot;
    if (!Array.isArray(ciphertexts) || ciphertexts.length !== shape.positions.length) return null;
    if (!proof || !Array.isArray(proof.positions) || !Array.isArray(proof.sums)) return null;
    if (proof.positions.length !== shape.positions.length || proof.sums.length !== shape.sums.length)
      return null;
    const n = key.n;
    const n2 = key.nSquared;
    for (const c of ciphertexts) if (typeof c !== 'bigint' || c <= 0n || c >= n2) return null;
    const statements: BallotStatement[] = [];
    const derived = shape.sums.map((sum) => weightedSumCiphertext(key, ciphertexts, sum.weights));
    type Entry = [bigint, readonly bigint[], MembershipProof, readonly bigint[] | undefined];
    const all: Entry[] = [
      ...ciphertexts.map(
        (c, j): Entry => [
          c,
          shape.positions[j] as readonly bigint[],
          proof.positions[j] as MembershipProof,
          undefined,
        ],
      ),
      ...derived.map((c, s): Entry => {
        const sum = shape.sums[s] as { allowed: readonly bigint[]; weights: readonly bigint[] };
        return [c, sum.allowed, proof.sums[s] as MembershipProof, sum.weights];
      }),
    ];
    const e = proof.challenge;
    if (typeof e !== 'bigint' || e < 0n || e >= CHALLENGE_MODULUS) return null;
    for (const [ciphertext, allowed, p, weights] of all) {
      if (!isProofShaped(p, allowed.length)) return null;
      let sum = 0n;
      for (let k = 0; k < allowed.length; k++) {
        const a = p.commitments[k];
        const ek = p.challenges[k];
        const z = p.responses[k];
        if (typeof a !== 'bigint' || a <= 0n || a >= n2) return null;
        if (typeof z !== 'bigint' || z <= 0n || z >= n) return null;
        if (typeof ek !== 'bigint' || ek < 0n || ek >= CHALLENGE_MODULUS) return null;
        sum += ek;
      }
      if (sum % CHALLENGE_MODULUS !== e) return null;
      statements.push(
        weights === undefined
          ? { ciphertext, allowed, proof: p }
          : { ciphertext, allowed, proof: p, derivedFrom: { ciphertexts, weights } },
      );
    }
    const expected = ballotTranscript(
      key,
      shape,
      context,
      ciphertexts,
      derived,
      proof.positions.map((p) => p.commitments),
      proof.sums.map((p) => p.commitments),
    ).challenge();
    return expected === e ? statements : null;
  } catch {
    return null; // e.g. a context whose ids are not GUIDs, or a value too wide to encode
  }
}

/** True when every ciphertext, commitment and response of the statements is a unit mod n. */
function allUnits(key: PaillierPublicKey, statements: readonly BallotStatement[]): boolean {
  let product = 1n;
  for (const { ciphertext, proof } of statements) {
    product = (product * ciphertext) % key.n;
    for (const a of proof.commitments) product = (product * a) % key.n;
    for (const z of proof.responses) product = (product * z) % key.n;
  }
  return gcd(product, key.n) === 1n;
}

/** The Bellare–Garay–Rabin small-exponents test over all equations of `statements`. */
function batchEquationsHold(
  key: PaillierPublicKey,
  statements: readonly BallotStatement[],
  random: Random,
  bits: number,
): boolean {
  const responseBases: bigint[] = [];
  const responseExponents: bigint[] = [];
  const bases: bigint[] = [];
  const exponents: bigint[] = [];
  // A derived sum C = ∏ c_j^(w_j) contributes C^E as ∏ c_j^(w_j·E): one base fewer per sum.
  const ciphertextExponents = new Map<bigint, bigint>();
  const addExponent = (c: bigint, e: bigint) =>
    ciphertextExponents.set(c, (ciphertextExponents.get(c) ?? 0n) + e);
  let plaintextExponent = 0n;
  for (const { ciphertext, allowed, proof, derivedFrom } of statements) {
    let ciphertextExponent = 0n;
    allowed.forEach((s, k) => {
      const delta = randomBits(random, bits);
      const de = delta * (proof.challenges[k] as bigint);
      responseBases.push(proof.responses[k] as bigint);
      responseExponents.push(delta);
      bases.push(proof.commitments[k] as bigint);
      exponents.push(delta);
      ciphertextExponent += de;
      plaintextExponent += s * de;
    });
    if (derivedFrom === undefined) addExponent(ciphertext, ciphertextExponent);
    else {
      derivedFrom.weights.forEach((w, j) => {
        if (w !== 0n) addExponent(derivedFrom.ciphertexts[j] as bigint, w * ciphertextExponent);
      });
    }
  }
  for (const [c, e] of ciphertextExponents) {
    bases.push(c);
    exponents.push(e);
  }
  const z = multiExponentiate(responseBases, responseExponents, key.n); // z^n mod n² depends on z mod n only
  const left = slidingWindow.modPow(z, 2n * key.n, key.nSquared);
  const right =
    (multiExponentiate(bases, exponents, key.nSquared) * key.encodePlaintext(-plaintextExponent)) %
    key.nSquared;
  return left === (right * right) % key.nSquared;
}

function batchBits(options: BallotVerificationOptions): number {
  const bits = options.batchSecurityBits ?? 128;
  return Number.isInteger(bits) && bits >= 64 ? bits : 128;
}

/**
 * Verifies one ballot's proofs (batched equations, see the module comment).
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` if `shape` itself is invalid (a malformed
 * ballot returns false)
 * @example
 * ```ts
 * if (!verifyBallot(publicKey, shape, { pollId, voterId, voterPublicKey }, ballot)) reject();
 * ```
 */
export function verifyBallot(
  key: PaillierPublicKey,
  shape: BallotShape,
  context: BallotContext,
  ballot: EncryptedBallot,
  options: BallotVerificationOptions = {},
): boolean {
  return verifyBallots(key, shape, [{ context, ballot }], options)[0] === true;
}

/**
 * Verifies many ballots with one batch test, splitting on failure to find the invalid ones.
 * Returns one verdict per ballot, identical to {@link verifyBallotUnbatched} except with
 * probability ≤ 2^−λ.
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` if `shape` itself is invalid
 * @example
 * ```ts
 * const verdicts = verifyBallots(publicKey, shape, received.map((r) => ({ context: r.context, ballot: r.ballot })));
 * ```
 */
export function verifyBallots(
  key: PaillierPublicKey,
  shape: BallotShape,
  items: readonly BallotToVerify[],
  options: BallotVerificationOptions = {},
): boolean[] {
  assertBallotShape(shape, key);
  const random = options.random ?? new CryptoRandom();
  const bits = batchBits(options);
  const verdicts = items.map(() => false);
  const candidates: { index: number; statements: BallotStatement[] }[] = [];
  items.forEach((item, index) => {
    const statements = ballotStatements(key, shape, item.context, item.ballot);
    if (statements) candidates.push({ index, statements });
  });
  const locate = (group: typeof candidates): void => {
    if (group.length === 0) return;
    const statements = group.flatMap((g) => g.statements);
    if (allUnits(key, statements) && batchEquationsHold(key, statements, random, bits)) {
      for (const g of group) verdicts[g.index] = true;
      return;
    }
    if (group.length === 1) return;
    const middle = Math.ceil(group.length / 2);
    locate(group.slice(0, middle));
    locate(group.slice(middle));
  };
  locate(candidates);
  return verdicts;
}

/**
 * Reference verifier: every equation checked on its own with full exponentiations (no batching),
 * in the squared form `(z^n)² = (a·u^e)² (mod n²)` of the module comment. Slow; the batched
 * verifiers are tested against it.
 *
 * @throws BrightChainError `BC_POLL_BALLOT_MALFORMED` if `shape` itself is invalid
 * @example
 * ```ts
 * verifyBallotUnbatched(publicKey, shape, context, ballot); // same verdict as verifyBallot
 * ```
 */
export function verifyBallotUnbatched(
  key: PaillierPublicKey,
  shape: BallotShape,
  context: BallotContext,
  ballot: EncryptedBallot,
  engine: ModularExponentiation = slidingWindow,
): boolean {
  assertBallotShape(shape, key);
  const statements = ballotStatements(key, shape, context, ballot);
  if (!statements) return false;
  const n2 = key.nSquared;
  for (const { ciphertext, allowed, proof } of statements) {
    if (!key.isCiphertext(ciphertext)) return false;
    for (let k = 0; k < allowed.length; k++) {
      const a = proof.commitments[k] as bigint;
      const z = proof.responses[k] as bigint;
      if (!key.isCiphertext(a) || gcd(z, key.n) !== 1n) return false;
      const u = (ciphertext * key.encodePlaintext(-(allowed[k] as bigint))) % n2;
      const left = engine.modPow(z, key.n, n2);
      const right = (a * engine.modPow(u, proof.challenges[k] as bigint, n2)) % n2;
      if ((left * left) % n2 !== (right * right) % n2) return false;
    }
  }
  return true;
}
