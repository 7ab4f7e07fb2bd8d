/**
 * ECIES on secp256k1, following SEC 1 v2 (Certicom, 2009) §5.1 "Elliptic Curve Integrated
 * Encryption Scheme":
 *
 * - the sender draws an ephemeral key pair (k, R = k·G) (§5.1.3 step 1) and sends R compressed;
 * - the shared secret is Z = x(k·Q_B), the SEC 1 §3.3.1 Diffie–Hellman primitive (x-coordinate only);
 * - KDF: HKDF-SHA256 (RFC 5869) with salt = R ‖ Q_B (SEC 1's SharedInfo1, binding both public
 *   keys so an envelope cannot be re-targeted) and info = the versioned domain tag, producing a
 *   32-byte AES key and a 12-byte nonce;
 * - ENC and MAC: SEC 1's separate symmetric cipher + HMAC are replaced by one AEAD,
 *   AES-256-GCM (NIST SP 800-38D) whose tag plays the MAC's role and whose additional data is the
 *   caller's `context` (SEC 1's SharedInfo2), e.g. "share 3 of document D for epoch 7".
 *
 * HKDF instead of the ANSI X9.63 KDF and GCM instead of CBC+HMAC are the documented deviations;
 * both are the common modern instantiation (e.g. ECIES-KEM/DEM in ISO/IEC 18033-2 style). A fixed
 * nonce derived from the KDF is safe because every envelope uses a fresh ephemeral key, hence a
 * fresh AES key.
 *
 * Envelope layout: `R (33 bytes) ‖ AES-GCM ciphertext ‖ tag (16 bytes)`.
 */
import { BrightChainError, generateMemberKeyPair, utf8Bytes, type Random } from '@brightchain/core';
import { gcm } from '@noble/ciphers/aes.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { QuorumErrorCode } from './error-codes';

const KDF_INFO = utf8Bytes('brightchain/quorum/ecies/v1');
const EPHEMERAL_BYTES = 33;
const TAG_BYTES = 16;

/** Bytes an ECIES envelope adds to its plaintext (ephemeral key + GCM tag). */
export const ECIES_OVERHEAD = EPHEMERAL_BYTES + TAG_BYTES;

function eciesError(message: string, cause?: unknown): BrightChainError {
  return new BrightChainError(QuorumErrorCode.ECIES_INVALID, message, cause === undefined ? {} : { cause });
}

function deriveKeyAndNonce(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array) {
  const salt = new Uint8Array(ephemeral.length + recipient.length);
  salt.set(ephemeral, 0);
  salt.set(recipient, ephemeral.length);
  const okm = hkdf(sha256, shared, salt, KDF_INFO, 44);
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32, 44) };
}

function compressedKey(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || !secp256k1.utils.isValidPublicKey(publicKey)) {
    throw eciesError('recipient public key is not a valid secp256k1 point');
  }
  return secp256k1.Point.fromBytes(publicKey).toBytes(true);
}

/**
 * Encrypts `plaintext` to the holder of `recipientPublicKey`, authenticating `context` as well.
 * The ephemeral key comes from `random`: pass a CSPRNG (`CryptoRandom`) for real secrets.
 *
 * @throws BrightChainError `BC_ECIES_INVALID` if the public key is invalid
 * @example
 * ```ts
 * const keys = generateMemberKeyPair();
 * const box = eciesEncrypt(keys.publicKey, secretBytes, utf8Bytes('share-context'), new CryptoRandom());
 * eciesDecrypt(keys.secretKey, box, utf8Bytes('share-context')); // secretBytes
 * ```
 */
export function eciesEncrypt(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  context: Uint8Array,
  random: Random,
): Uint8Array {
  const recipient = compressedKey(recipientPublicKey);
  if (!(plaintext instanceof Uint8Array) || !(context instanceof Uint8Array)) {
    throw eciesError('plaintext and context must be Uint8Arrays');
  }
  const ephemeral = generateMemberKeyPair(random);
  const shared = secp256k1.getSharedSecret(ephemeral.secretKey, recipient, true).subarray(1);
  const { key, nonce } = deriveKeyAndNonce(shared, ephemeral.publicKey, recipient);
  const sealed = gcm(key, nonce, context).encrypt(plaintext);
  const envelope = new Uint8Array(EPHEMERAL_BYTES + sealed.length);
  envelope.set(ephemeral.publicKey, 0);
  envelope.set(sealed, EPHEMERAL_BYTES);
  return envelope;
}

/**
 * Opens an envelope made by {@link eciesEncrypt} with the recipient's secret key and the same context.
 *
 * @throws BrightChainError `BC_ECIES_INVALID` if the envelope is malformed, was made for another
 * key or context, or was tampered with
 * @example
 * ```ts
 * const plaintext = eciesDecrypt(secretKey, envelope, context);
 * ```
 */
export function eciesDecrypt(
  recipientSecretKey: Uint8Array,
  envelope: Uint8Array,
  context: Uint8Array,
): Uint8Array {
  if (
    !(envelope instanceof Uint8Array) ||
    envelope.length < ECIES_OVERHEAD ||
    !(context instanceof Uint8Array)
  ) {
    throw eciesError('envelope too short or not bytes');
  }
  if (!(recipientSecretKey instanceof Uint8Array) || !secp256k1.utils.isValidSecretKey(recipientSecretKey)) {
    throw eciesError('recipient secret key is invalid');
  }
  const ephemeral = envelope.subarray(0, EPHEMERAL_BYTES);
  let shared: Uint8Array;
  try {
    shared = secp256k1.getSharedSecret(recipientSecretKey, ephemeral, true).subarray(1);
  } catch (cause) {
    throw eciesError('ephemeral key is not a valid curve point', cause);
  }
  const recipient = secp256k1.getPublicKey(recipientSecretKey, true);
  const { key, nonce } = deriveKeyAndNonce(shared, ephemeral, recipient);
  try {
    return gcm(key, nonce, context).decrypt(envelope.subarray(EPHEMERAL_BYTES));
  } catch (cause) {
    throw eciesError('envelope does not authenticate (wrong key, wrong context or tampered)', cause);
  }
}
