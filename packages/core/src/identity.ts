/**
 * Member identity: secp256k1 key pairs and domain-separated ECDSA signatures (SEC 1 v2, RFC 6979
 * deterministic nonces via @noble/curves), low-S only, 64-byte compact `r ‖ s` signatures.
 *
 * What is signed is `SHA3-256(frameParts(domain, [message]))` — i.e. {@link domainHash} — so a
 * signature made for one purpose (a vote) can never be replayed as another (an envelope).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import type { GuidV4 } from './guid';
import { domainHash } from './hash';
import { CryptoRandom, type Random } from './random';

/** A 64-byte compact (r ‖ s) low-S ECDSA signature. */
export type SignatureBuffer = Uint8Array & { readonly __signature: true };

/** A member's secp256k1 key pair: 32-byte secret key, 33-byte compressed public key. */
export interface MemberKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Roles a member can hold. */
export type MemberRole = 'storage' | 'quorum' | 'observer';

/** A network member: its id and public key, with optional display name and role. */
export interface Member {
  readonly id: GuidV4;
  readonly publicKey: Uint8Array;
  readonly name?: string;
  readonly role?: MemberRole;
}

/**
 * A new key pair. The secret comes from `random`, which must be a CSPRNG ({@link CryptoRandom},
 * the default) for real members; simulations may pass a `SeededRandom` to get reproducible keys.
 *
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateMemberKeyPair();
 * ```
 */
export function generateMemberKeyPair(random: Random = new CryptoRandom()): MemberKeyPair {
  for (;;) {
    const candidate = random.bytes(32);
    if (secp256k1.utils.isValidSecretKey(candidate)) {
      return { secretKey: candidate, publicKey: secp256k1.getPublicKey(candidate, true) };
    }
  }
}

/**
 * The compressed public key of `secretKey`.
 * @throws BrightChainError `BC_KEY_INVALID` if the secret key is not a valid scalar
 */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  return secp256k1.getPublicKey(secretKey, true);
}

/**
 * Signs `message` for `domain` (a versioned tag such as `brightchain/vote/v1`).
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad secret key, `BC_HASH_DOMAIN_INVALID` for a bad domain
 * @example
 * ```ts
 * const keys = generateMemberKeyPair();
 * const sig = signMessage(keys.secretKey, 'brightchain/example/v1', new Uint8Array([1, 2, 3]));
 * verifyMessage(keys.publicKey, 'brightchain/example/v1', new Uint8Array([1, 2, 3]), sig); // true
 * ```
 */
export function signMessage(secretKey: Uint8Array, domain: string, message: Uint8Array): SignatureBuffer {
  checkSecretKey(secretKey);
  const digest = domainHash(domain, message);
  return secp256k1.sign(digest, secretKey, { prehash: false, lowS: true }) as SignatureBuffer;
}

/**
 * True when `signature` is a valid low-S signature by `publicKey` over `message` in `domain`.
 * Malformed keys or signatures return false (use {@link assertSignature} for a typed error).
 */
export function verifyMessage(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array)) return false;
  const digest = domainHash(domain, message);
  try {
    return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

/**
 * Like {@link verifyMessage} but throws.
 * @throws BrightChainError `BC_SIGNATURE_INVALID` when the signature does not verify
 */
export function assertSignature(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): void {
  if (!verifyMessage(publicKey, domain, message, signature)) {
    throw new BrightChainError(CoreErrorCode.SIGNATURE_INVALID, 'signature does not verify', {
      details: { domain },
    });
  }
}

function checkSecretKey(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || !secp256k1.utils.isValidSecretKey(secretKey)) {
    throw new BrightChainError(CoreErrorCode.KEY_INVALID, 'secret key must be a valid 32-byte secp256k1 scalar');
  }
}
