/**
 * Strict parsing of secp256k1 public keys (SEC 1 v2 §2.3.4): a 33-byte compressed point (prefix
 * 0x02/0x03) or a 65-byte uncompressed point (prefix 0x04) that lies on the curve. Hybrid encodings
 * (0x06/0x07), the point at infinity and coordinates ≥ p are rejected.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** A validated curve point (noble's representation). Internal. */
export type PublicKeyPoint = ReturnType<typeof secp256k1.Point.fromBytes>;

function keyInvalid(reason: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(CoreErrorCode.KEY_INVALID, `invalid secp256k1 public key: ${reason}`, {
    details: { reason, ...details },
  });
}

/**
 * The curve point of a public key, after every check. Internal: use {@link parsePublicKey}.
 *
 * @throws BrightChainError `BC_KEY_INVALID` (details: `reason`, `length`)
 */
export function decodePublicKeyPoint(publicKey: Uint8Array): PublicKeyPoint {
  if (!(publicKey instanceof Uint8Array)) throw keyInvalid('not a Uint8Array');
  const length = publicKey.length;
  const prefix = publicKey[0];
  if (length === 33) {
    if (prefix !== 0x02 && prefix !== 0x03)
      throw keyInvalid('compressed key must start with 0x02 or 0x03', { length, prefix });
  } else if (length === 65) {
    if (prefix !== 0x04) throw keyInvalid('uncompressed key must start with 0x04', { length, prefix });
  } else {
    throw keyInvalid('length must be 33 (compressed) or 65 (uncompressed) bytes', { length });
  }
  let point: PublicKeyPoint;
  try {
    point = secp256k1.Point.fromBytes(publicKey);
    point.assertValidity();
  } catch (error) {
    throw new BrightChainError(
      CoreErrorCode.KEY_INVALID,
      'invalid secp256k1 public key: not a point on the curve',
      {
        details: { reason: 'not on curve', length },
        cause: error,
      },
    );
  }
  if (point.is0()) throw keyInvalid('point at infinity', { length });
  return point;
}

/**
 * Validates a public key and returns its 33-byte compressed form (a fresh copy). Use it on every key
 * that arrives from outside (membership records, votes) before storing it.
 *
 * @param publicKey - 33-byte compressed or 65-byte uncompressed SEC 1 point
 * @throws BrightChainError `BC_KEY_INVALID` (details: `reason`, `length`) for a wrong length or prefix,
 * a point not on the curve, or a coordinate out of range
 * @example
 * ```ts
 * const { publicKey } = generateMemberKeyPair();
 * parsePublicKey(publicKey); // the same 33 bytes
 * parsePublicKey(new Uint8Array(33)); // throws BC_KEY_INVALID
 * ```
 */
export function parsePublicKey(publicKey: Uint8Array): Uint8Array {
  return decodePublicKeyPoint(publicKey).toBytes(true);
}
