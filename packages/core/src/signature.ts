/**
 * The signature format: 64 bytes, `r ‖ s` big-endian (SEC 1 v2 §4.1, "compact"/IEEE P1363 form),
 * with `1 ≤ r < n` and low S (`1 ≤ s ≤ n/2`, as BIP 62 / BIP 146 require). ECDSA signatures are
 * malleable — `(r, n − s)` verifies too — so accepting only low S gives every signature one byte form.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToBigint } from './bigint-bytes';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** A 64-byte compact (r ‖ s) low-S ECDSA signature. */
export type SignatureBuffer = Uint8Array & { readonly __signature: true };

/** Byte length of a {@link SignatureBuffer}. */
export const SIGNATURE_LENGTH = 64;

const N = secp256k1.Point.CURVE().n;
const HALF_N = N >> 1n;

/** Why a signature is malformed, or undefined when it is well-formed. Internal. */
export function signatureFormatProblem(signature: unknown): string | undefined {
  if (!(signature instanceof Uint8Array)) return 'not a Uint8Array';
  if (signature.length !== SIGNATURE_LENGTH) return 'length must be 64 bytes';
  const r = bytesToBigint(signature.subarray(0, 32));
  const s = bytesToBigint(signature.subarray(32, 64));
  if (r === 0n || r >= N) return 'r out of range';
  if (s === 0n || s >= N) return 's out of range';
  if (s > HALF_N) return 'high S';
  return undefined;
}

/**
 * Checks the format of a signature that arrived from outside (length, `r`/`s` ranges, low S) and
 * returns a branded copy. It does not verify the signature: use `verifyMessage` for that.
 *
 * @throws BrightChainError `BC_SIGNATURE_INVALID` (details: `reason`) when malformed or high-S
 * @example
 * ```ts
 * const signature = parseSignature(fieldFromWire); // SignatureBuffer
 * ```
 */
export function parseSignature(signature: Uint8Array): SignatureBuffer {
  const problem = signatureFormatProblem(signature);
  if (problem !== undefined) {
    throw new BrightChainError(CoreErrorCode.SIGNATURE_INVALID, `malformed signature: ${problem}`, {
      details: { reason: problem },
    });
  }
  return Uint8Array.from(signature) as SignatureBuffer;
}
