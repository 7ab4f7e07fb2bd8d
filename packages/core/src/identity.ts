/**
 * Member identity: secp256k1 key pairs and domain-separated ECDSA signatures (SEC 1 v2; RFC 6979
 * deterministic nonces via @noble/curves), low-S only, 64-byte compact `r ‖ s` signatures.
 *
 * What is signed is `SHA3-256(frameParts(domain, [message]))` — i.e. {@link domainHash} — so a
 * signature made for one purpose (a vote) can never be replayed as another (an envelope).
 * Signing uses noble (deterministic nonces); verification uses OpenSSL through `node:crypto` when it
 * supports secp256k1 (several times faster, cross-tested against noble), else noble.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import type { GuidV4 } from './guid';
import { domainHash, frameParts } from './hash';
import { CryptoRandom, type Random } from './random';
import type { SignatureBuffer } from './signature';
import { opensslHasSecp256k1, verifyFramedWithNoble, verifyFramedWithOpenSsl } from './signature-verifier';

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
 * Candidates outside `[1, n)` (probability about 2^-128) are redrawn.
 *
 * @throws whatever `random.bytes` throws (never, for the built-in generators)
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateMemberKeyPair();
 * ```
 */
export function generateMemberKeyPair(random: Random = new CryptoRandom()): MemberKeyPair {
  for (;;) {
    const candidate = random.bytes(32);
    if (candidate instanceof Uint8Array && secp256k1.utils.isValidSecretKey(candidate)) {
      return { secretKey: candidate, publicKey: secp256k1.getPublicKey(candidate, true) };
    }
  }
}

/**
 * The compressed public key of `secretKey`.
 *
 * @throws BrightChainError `BC_KEY_INVALID` if the secret key is not 32 bytes encoding `1 ≤ k < n`
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateMemberKeyPair();
 * publicKeyOf(secretKey); // equal to publicKey
 * ```
 */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  return secp256k1.getPublicKey(secretKey, true);
}

/**
 * Signs `message` for `domain` (a versioned tag such as `brightchain/vote/v1`). Deterministic
 * (RFC 6979): the same key, domain and message always give the same low-S signature.
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad secret key, `BC_HASH_DOMAIN_INVALID` for a bad
 * domain, `BC_INVALID_ARGUMENT` if `message` is not a Uint8Array
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
 * A malformed public key (see `parsePublicKey`), a malformed or high-S signature, or a wrong key,
 * domain or message gives false.
 *
 * @throws BrightChainError `BC_HASH_DOMAIN_INVALID` for a bad domain tag (a programming error, not
 * bad input), `BC_INVALID_ARGUMENT` if `message` is not a Uint8Array
 * @example
 * ```ts
 * if (!verifyMessage(member.publicKey, 'brightchain/vote/v1', voteBytes, signature)) reject();
 * ```
 */
export function verifyMessage(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const framed = frameParts(domain, [message]);
  return opensslHasSecp256k1()
    ? verifyFramedWithOpenSsl(publicKey, framed, signature)
    : verifyFramedWithNoble(publicKey, framed, signature);
}

/**
 * Like {@link verifyMessage} but throws.
 *
 * @throws BrightChainError `BC_SIGNATURE_INVALID` when the signature does not verify (details: `domain`)
 * @example
 * ```ts
 * assertSignature(member.publicKey, 'brightchain/vote/v1', voteBytes, signature);
 * ```
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
    throw new BrightChainError(
      CoreErrorCode.KEY_INVALID,
      'secret key must be a valid 32-byte secp256k1 scalar',
      {
        details: { length: secretKey instanceof Uint8Array ? secretKey.length : typeof secretKey },
      },
    );
  }
}
