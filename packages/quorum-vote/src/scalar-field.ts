/**
 * Arithmetic in secp256k1's scalar field Z_n (n = the group order) and the point helpers that
 * Feldman VSS, resharing and ECIES share. Internal to this package.
 */
import { BrightChainError, bigintToBytes, bytesToBigint, type Random } from '@brightchain/core';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { QuorumErrorCode } from './error-codes';

/** The secp256k1 point type. */
export type CurvePoint = InstanceType<typeof secp256k1.Point>;

/** The secp256k1 point constructor. */
export const Point = secp256k1.Point;

/** The prime order n of the secp256k1 group: scalars live in Z_n. */
export const CURVE_ORDER: bigint = secp256k1.Point.Fn.ORDER;

/** Bytes of a scalar (32) and of a compressed point (33). */
export const SCALAR_BYTES = 32;
export const POINT_BYTES = 33;

/** `a mod n` in `[0, n)`. */
export function modN(a: bigint): bigint {
  const r = a % CURVE_ORDER;
  return r < 0n ? r + CURVE_ORDER : r;
}

/** The multiplicative inverse of a non-zero scalar (Fermat: a^(n-2) via noble's field). */
export function invertN(a: bigint): bigint {
  return secp256k1.Point.Fn.inv(modN(a));
}

/**
 * A uniformly random scalar in `[1, n)` by rejection sampling 32 bytes of `random` (the rejection
 * probability is about 2^-128, so this almost never loops).
 */
export function randomScalar(random: Random): bigint {
  for (;;) {
    const candidate = bytesToBigint(random.bytes(SCALAR_BYTES));
    if (candidate > 0n && candidate < CURVE_ORDER) return candidate;
  }
}

/** A scalar as 32 big-endian bytes. */
export function scalarToBytes(scalar: bigint): Uint8Array {
  return bigintToBytes(modN(scalar), SCALAR_BYTES);
}

/**
 * Parses 32 big-endian bytes as a scalar in `[0, n)`.
 * @throws BrightChainError with `code` if the length is wrong or the value is ≥ n
 */
export function scalarFromBytes(bytes: Uint8Array, code: string = QuorumErrorCode.VSS_INVALID): bigint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SCALAR_BYTES) {
    throw new BrightChainError(code, 'a scalar must be 32 bytes');
  }
  const value = bytesToBigint(bytes);
  if (value >= CURVE_ORDER) throw new BrightChainError(code, 'scalar is not reduced modulo the group order');
  return value;
}

/** `scalar·G`, the identity for 0. */
export function baseMultiply(scalar: bigint): CurvePoint {
  const s = modN(scalar);
  return s === 0n ? Point.ZERO : Point.BASE.multiply(s);
}

/**
 * Decodes a compressed point that must be on the curve and not the identity.
 * @throws BrightChainError with `code` otherwise
 */
export function pointFromBytes(bytes: Uint8Array, code: string = QuorumErrorCode.VSS_INVALID): CurvePoint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== POINT_BYTES) {
    throw new BrightChainError(code, 'a point must be 33 compressed bytes');
  }
  try {
    const point = Point.fromBytes(bytes);
    point.assertValidity();
    if (point.is0()) throw new Error('identity');
    return point;
  } catch (cause) {
    throw new BrightChainError(code, 'bytes are not a valid curve point', { cause });
  }
}

/** Compressed encoding of a non-identity point. */
export function pointToBytes(point: CurvePoint): Uint8Array {
  return point.toBytes(true);
}

/**
 * Lagrange coefficients λ_i = Π_{j≠i} x_j / (x_j − x_i) for interpolating at 0 from the distinct,
 * non-zero evaluation points `xs` (all arithmetic mod n).
 */
export function lagrangeAtZero(xs: readonly bigint[]): bigint[] {
  return xs.map((xi, i) => {
    let numerator = 1n;
    let denominator = 1n;
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue;
      const xj = xs[j] as bigint;
      numerator = modN(numerator * xj);
      denominator = modN(denominator * (xj - xi));
    }
    return modN(numerator * invertN(denominator));
  });
}

/** Evaluates Σ coefficients[k]·x^k mod n by Horner's rule. */
export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = modN(acc * x + (coefficients[k] as bigint));
  return acc;
}

/** Evaluates Σ points[k]·x^k (the "exponent" form of a polynomial) by Horner's rule. */
export function evaluateCommitments(points: readonly CurvePoint[], x: bigint): CurvePoint {
  let acc = Point.ZERO;
  for (let k = points.length - 1; k >= 0; k--) {
    acc = acc.multiplyUnsafe(x).add(points[k] as CurvePoint);
  }
  return acc;
}
