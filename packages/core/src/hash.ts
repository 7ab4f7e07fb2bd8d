/**
 * Hashing: SHA3-512 checksums for blocks and documents (FIPS 202, as BrightChain uses), and
 * domain-separated SHA3-256 / SHAKE256 with unambiguous length-prefixed framing for everything
 * that is signed, hashed into a Fiat–Shamir challenge, or compared across nodes.
 *
 * `node:crypto` (OpenSSL) computes SHA3 several times faster than pure JS on large inputs and is
 * byte-identical (cross-tested in `test/hash.test.ts`); small inputs use @noble/hashes, which avoids
 * OpenSSL's per-call overhead.
 */
import { createHash } from 'node:crypto';
import { sha3_256, sha3_512, shake256 } from '@noble/hashes/sha3.js';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** A 64-byte SHA3-512 digest identifying a block or document. */
export type ChecksumBuffer = Uint8Array & { readonly __checksum: true };

/** Byte length of a {@link ChecksumBuffer}. */
export const CHECKSUM_LENGTH = 64;

const NODE_CRYPTO_THRESHOLD = 1024;
/** From this many framed bytes on, OpenSSL's SHA3-256 beats noble's despite its per-call overhead. */
const DOMAIN_HASH_NATIVE_THRESHOLD = 256;
const utf8 = new TextEncoder();
const DOMAIN_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * SHA3-512 of `data`, the checksum that names a block.
 *
 * @example
 * ```ts
 * const id = checksum(new TextEncoder().encode('hello'));
 * checksumToHex(id).slice(0, 16);
 * ```
 */
export function checksum(data: Uint8Array): ChecksumBuffer {
  if (!(data instanceof Uint8Array)) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'checksum() needs a Uint8Array');
  }
  if (data.length >= NODE_CRYPTO_THRESHOLD) {
    const digest = createHash('sha3-512').update(data).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength) as ChecksumBuffer;
  }
  return sha3_512(data) as ChecksumBuffer;
}

/**
 * Checks that `value` is a 64-byte checksum (bytes or 128 hex characters) and returns it as bytes.
 *
 * @throws BrightChainError `BC_CHECKSUM_INVALID` for anything else
 * @example
 * ```ts
 * const id = parseChecksum('ab'.repeat(64));
 * ```
 */
export function parseChecksum(value: Uint8Array | string): ChecksumBuffer {
  if (typeof value === 'string') {
    if (!/^[0-9a-fA-F]{128}$/.test(value)) {
      throw new BrightChainError(CoreErrorCode.CHECKSUM_INVALID, 'checksum must be 128 hex characters', {
        details: { length: value.length },
      });
    }
    return Uint8Array.from(Buffer.from(value, 'hex')) as ChecksumBuffer;
  }
  if (!(value instanceof Uint8Array) || value.length !== CHECKSUM_LENGTH) {
    throw new BrightChainError(CoreErrorCode.CHECKSUM_INVALID, 'checksum must be 64 bytes', {
      details: { length: value instanceof Uint8Array ? value.length : typeof value },
    });
  }
  return Uint8Array.from(value) as ChecksumBuffer;
}

/** Lower-case hex of a checksum (or any bytes). */
export function checksumToHex(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

/**
 * The framed bytes that {@link domainHash} and {@link domainXof} hash:
 * `u16be(len(domain)) ‖ domain ‖ u32be(count) ‖ (u32be(len(part)) ‖ part)*`.
 * Every field is length-prefixed, so no two (domain, parts) inputs share a framing.
 *
 * @throws BrightChainError `BC_HASH_DOMAIN_INVALID` if the domain is empty, longer than 255
 * bytes or not printable ASCII
 */
export function frameParts(domain: string, parts: readonly Uint8Array[]): Uint8Array {
  if (typeof domain !== 'string' || !DOMAIN_PATTERN.test(domain)) {
    throw new BrightChainError(
      CoreErrorCode.HASH_DOMAIN_INVALID,
      'hash domain must be 1–255 printable ASCII characters without spaces',
      { details: { domain: String(domain).slice(0, 64) } },
    );
  }
  const domainBytes = utf8.encode(domain);
  let total = 2 + domainBytes.length + 4;
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'hash parts must be Uint8Arrays');
    }
    total += 4 + part.length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, domainBytes.length);
  out.set(domainBytes, 2);
  let offset = 2 + domainBytes.length;
  view.setUint32(offset, parts.length);
  offset += 4;
  for (const part of parts) {
    view.setUint32(offset, part.length);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

/**
 * Domain-separated SHA3-256 over length-prefixed parts (see {@link frameParts}).
 *
 * @param domain - a tag naming the purpose and version, e.g. `brightchain/vote/v1`
 * @throws BrightChainError `BC_HASH_DOMAIN_INVALID` for a bad domain tag
 * @example
 * ```ts
 * const digest = domainHash('brightchain/example/v1', new Uint8Array([1, 2]), new Uint8Array([3]));
 * digest.length; // 32
 * ```
 */
export function domainHash(domain: string, ...parts: Uint8Array[]): Uint8Array {
  const framed = frameParts(domain, parts);
  if (framed.length >= DOMAIN_HASH_NATIVE_THRESHOLD) {
    const digest = createHash('sha3-256').update(framed).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }
  return sha3_256(framed);
}

/**
 * Domain-separated SHAKE256 extendable output of `length` bytes (FIPS 202), used to derive
 * Fiat–Shamir challenges and other values longer than 32 bytes.
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` if `length` is not a positive integer ≤ 65536
 */
export function domainXof(domain: string, length: number, ...parts: Uint8Array[]): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 65536) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'XOF length must be an integer in 1..65536', {
      details: { length },
    });
  }
  return shake256(frameParts(domain, parts), { dkLen: length });
}

/** UTF-8 bytes of a string; a convenience for building hash parts. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}
