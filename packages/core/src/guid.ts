/**
 * GuidV4: RFC 4122 (RFC 9562 §5.4) version-4 identifiers for nodes, members, votes and polls.
 */
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import type { Random } from './random';

/** A canonical lower-case `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx` string. */
export type GuidV4 = string & { readonly __guidV4: true };

const PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * True when `value` is a canonical (lower-case) GuidV4 string.
 *
 * @throws nothing
 * @example
 * ```ts
 * isGuidV4('6f1c6b1e-0c2b-4e5a-9d1b-2a3b4c5d6e7f'); // true
 * isGuidV4('6F1C6B1E-0C2B-4E5A-9D1B-2A3B4C5D6E7F'); // false: parse it first
 * ```
 */
export function isGuidV4(value: unknown): value is GuidV4 {
  return typeof value === 'string' && PATTERN.test(value);
}

function invalid(reason: string, input: unknown): BrightChainError {
  return new BrightChainError(CoreErrorCode.GUID_INVALID, `not a GuidV4: ${reason}`, {
    details: { input: typeof input === 'string' ? input.slice(0, 64) : String(input) },
  });
}

/**
 * Parses a GUID from its 36-character string (any case, normalised to lower case) or 16 bytes,
 * checking the version (4) and variant (RFC 4122) bits.
 *
 * @throws BrightChainError `BC_GUID_INVALID` for anything that is not a version-4 GUID
 * @example
 * ```ts
 * const id = parseGuidV4('6F1C6B1E-0C2B-4E5A-9D1B-2A3B4C5D6E7F'); // '6f1c6b1e-0c2b-4e5a-…'
 * ```
 */
export function parseGuidV4(input: string | Uint8Array): GuidV4 {
  if (input instanceof Uint8Array) {
    if (input.length !== 16)
      throw invalid(`expected 16 bytes, got ${input.length}`, `bytes(${input.length})`);
    return parseGuidV4(formatBytes(input));
  }
  if (typeof input !== 'string') throw invalid('expected a string or 16 bytes', typeof input);
  const lower = input.toLowerCase();
  if (lower.length !== 36 || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(lower)) {
    throw invalid('malformed', input);
  }
  if (lower[14] !== '4') throw invalid('version nibble is not 4', input);
  if (!'89ab'.includes(lower[19] as string)) throw invalid('variant bits are not RFC 4122', input);
  return lower as GuidV4;
}

/**
 * The 16 bytes of a GuidV4 (any case accepted).
 *
 * @throws BrightChainError `BC_GUID_INVALID` for anything that is not a version-4 GUID
 * @example
 * ```ts
 * guidV4ToBytes('6f1c6b1e-0c2b-4e5a-9d1b-2a3b4c5d6e7f').length; // 16
 * ```
 */
export function guidV4ToBytes(guid: GuidV4 | string): Uint8Array {
  const canonical = parseGuidV4(guid);
  return Uint8Array.from(Buffer.from(canonical.replace(/-/g, ''), 'hex'));
}

/**
 * A new GuidV4 from 16 bytes of `random` with the version and variant bits set.
 * Pass a `CryptoRandom` for identifiers that must be unguessable, a `SeededRandom` in simulations.
 *
 * @example
 * ```ts
 * const id = newGuidV4(new SeededRandom(1));
 * ```
 */
export function newGuidV4(random: Random): GuidV4 {
  const bytes = random.bytes(16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return formatBytes(bytes) as GuidV4;
}

function formatBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
