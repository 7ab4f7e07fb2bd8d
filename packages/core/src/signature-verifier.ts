/**
 * The two interchangeable ECDSA verification backends behind `verifyMessage`. Both take a public key,
 * the framed bytes of `frameParts(domain, [message])` and a 64-byte signature, and compute
 * `ECDSA-verify(publicKey, SHA3-256(framed), signature)` with the same strict key and low-S rules:
 *
 * - {@link verifyFramedWithOpenSsl}: `node:crypto` (OpenSSL). `crypto.verify('sha3-256', framed, …)`
 *   hashes the framed bytes with SHA3-256 itself, which is exactly the digest noble is given, and
 *   `dsaEncoding: 'ieee-p1363'` reads the same `r ‖ s` form. OpenSSL accepts high-S signatures, so the
 *   low-S rule is checked here first. Imported keys are cached per public key (bounded LRU). About
 *   4–5× faster than noble on this machine (see `bench/index.mjs`).
 * - {@link verifyFramedWithNoble}: @noble/curves, the reference; used where OpenSSL lacks secp256k1.
 *
 * `test/identity.test.ts` checks that both accept and reject exactly the same inputs.
 */
import { type KeyObject, createPublicKey, verify as opensslVerify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { decodePublicKeyPoint } from './public-key';
import { signatureFormatProblem } from './signature';

/** A verification backend. Never throws: malformed keys or signatures give false. */
export type FramedVerifier = (publicKey: Uint8Array, framed: Uint8Array, signature: Uint8Array) => boolean;

/** Most imported public keys kept by the OpenSSL backend. */
export const KEY_OBJECT_CACHE_SIZE = 1024;

/** Verification with @noble/curves (the reference). */
export const verifyFramedWithNoble: FramedVerifier = (publicKey, framed, signature) => {
  if (signatureFormatProblem(signature) !== undefined) return false;
  let point: ReturnType<typeof decodePublicKeyPoint>;
  try {
    point = decodePublicKeyPoint(publicKey);
  } catch {
    return false;
  }
  try {
    return secp256k1.verify(signature, sha3_256(framed), point.toBytes(true), { prehash: false, lowS: true });
  } catch {
    return false;
  }
};

/** Imported OpenSSL keys by public key bytes (as a latin1 string); Map order is recency order. */
const keyObjects = new Map<string, KeyObject | null>();

function keyObjectFor(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
  const cached = keyObjects.get(id);
  if (cached !== undefined) {
    keyObjects.delete(id);
    keyObjects.set(id, cached);
    return cached;
  }
  let keyObject: KeyObject | null;
  try {
    const uncompressed = decodePublicKeyPoint(publicKey).toBytes(false);
    keyObject = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'secp256k1',
        x: Buffer.from(uncompressed.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(uncompressed.subarray(33, 65)).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    // Invalid keys are cached too (as null) so a peer repeating a bad key costs one parse.
    keyObject = null;
  }
  if (keyObjects.size >= KEY_OBJECT_CACHE_SIZE) {
    const oldest = keyObjects.keys().next().value;
    if (oldest !== undefined) keyObjects.delete(oldest);
  }
  keyObjects.set(id, keyObject);
  return keyObject;
}

/** Verification with node:crypto (OpenSSL). Requires {@link opensslHasSecp256k1}. */
export const verifyFramedWithOpenSsl: FramedVerifier = (publicKey, framed, signature) => {
  if (signatureFormatProblem(signature) !== undefined) return false;
  if (!(publicKey instanceof Uint8Array)) return false;
  const key = keyObjectFor(publicKey);
  if (key === null) return false;
  try {
    return opensslVerify('sha3-256', framed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
};

let opensslSupport: boolean | undefined;

/** True when this Node's OpenSSL can import secp256k1 keys and verify SHA3-256 ECDSA (checked once). */
export function opensslHasSecp256k1(): boolean {
  if (opensslSupport === undefined) {
    try {
      const secretKey = new Uint8Array(32);
      secretKey[31] = 1;
      const publicKey = secp256k1.getPublicKey(secretKey, true);
      const framed = Uint8Array.of(1, 2, 3);
      const signature = secp256k1.sign(sha3_256(framed), secretKey, { prehash: false, lowS: true });
      opensslSupport = verifyFramedWithOpenSsl(publicKey, framed, signature);
    } catch {
      opensslSupport = false;
    }
    keyObjects.clear();
  }
  return opensslSupport;
}
