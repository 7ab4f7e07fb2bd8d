/**
 * What every member advertises about itself: where to reach it, what kind of node it is, where it
 * is and what it can do. Gossiped with every `alive` update, so it is small and strictly bounded.
 */
import { BrightChainError } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';

/** The two BrightChain node types of the seed design. */
export type MemberNodeType = 'storage' | 'quorum';

/** A capability value: a short string, a finite number or a flag. */
export type CapabilityValue = string | number | boolean;

/** Advertised member metadata. */
export interface MemberMetadata {
  /** Opaque transport address (libp2p multiaddr, host:port, …); 1–256 UTF-8 bytes. */
  readonly address: string;
  /** Storage or quorum node. */
  readonly type: MemberNodeType;
  /** Region label used for geographic spread, 0–64 printable ASCII characters (empty = unknown). */
  readonly region: string;
  /**
   * Small typed capability map (`read`, `write`, `bandwidthMbps`, …): at most 32 entries, keys of
   * 1–64 characters `[A-Za-z0-9._-]`, string values of at most 256 UTF-8 bytes, finite numbers
   * (integers within ±(2^53 − 1); −0 is stored as 0).
   */
  readonly capabilities: Readonly<Record<string, CapabilityValue>>;
}

/** The bounds {@link validateMemberMetadata} enforces. */
export const MEMBER_METADATA_LIMITS = Object.freeze({
  maxAddressBytes: 256,
  maxRegionLength: 64,
  maxCapabilities: 32,
  maxCapabilityKeyLength: 64,
  maxCapabilityStringBytes: 256,
  /** Bound on {@link metadataSize} of the whole record. */
  maxEncodedBytes: 2048,
});

const KEY_PATTERN = /^[A-Za-z0-9._-]+$/;
const REGION_PATTERN = /^[\x20-\x7e]*$/;

/** Results of {@link validateMemberMetadata}: deeply frozen, so seeing one again needs no re-check. */
const validated = new WeakSet<object>();

/** UTF-8 byte length of `value` without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function invalid(reason: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(
    NodeStateErrorCode.MEMBERSHIP_METADATA_INVALID,
    `invalid member metadata: ${reason}`,
    {
      details,
    },
  );
}

/** Bytes a msgpack string header plus UTF-8 body takes. */
export function encodedStringSize(value: string): number {
  const n = utf8Length(value);
  return n + (n < 32 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 5);
}

/** Bytes a canonical msgpack number takes (shortest integer format; other numbers as float64). */
export function encodedNumberSize(value: number): number {
  if (!Number.isSafeInteger(value)) return 9;
  if (value >= 0) {
    if (value < 128) return 1;
    if (value < 256) return 2;
    if (value < 65_536) return 3;
    if (value < 4_294_967_296) return 5;
    return 9;
  }
  if (value >= -32) return 1;
  if (value >= -128) return 2;
  if (value >= -32_768) return 3;
  if (value >= -2_147_483_648) return 5;
  return 9;
}

/**
 * Estimated encoded size in bytes (msgpack-like: address, type, region, capability map).
 *
 * @example
 * ```ts
 * metadataSize({ address: 'n1', type: 'storage', region: 'eu', capabilities: {} }); // 9
 * ```
 */
export function metadataSize(metadata: MemberMetadata): number {
  let size = 1 + encodedStringSize(metadata.address) + 1 + encodedStringSize(metadata.region);
  const entries = Object.entries(metadata.capabilities);
  size += entries.length < 16 ? 1 : 3;
  for (const [key, value] of entries) {
    size += encodedStringSize(key);
    size +=
      typeof value === 'string'
        ? encodedStringSize(value)
        : typeof value === 'number'
          ? encodedNumberSize(value)
          : 1;
  }
  return size;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks `value` is well-formed {@link MemberMetadata} within {@link MEMBER_METADATA_LIMITS} and
 * returns a frozen copy with capability keys in sorted order (so equal metadata is equal field by field).
 *
 * @throws BrightChainError `BC_MEMBERSHIP_METADATA_INVALID` for a missing or extra field, a wrong
 * type, an empty or oversized address, a bad region, a bad capability key or value, or too many capabilities
 * @example
 * ```ts
 * const metadata = validateMemberMetadata({
 *   address: '/ip4/10.0.0.7/tcp/4001',
 *   type: 'storage',
 *   region: 'eu-west',
 *   capabilities: { read: true, write: true, bandwidthMbps: 100 },
 * });
 * ```
 */
export function validateMemberMetadata(value: unknown): MemberMetadata {
  if (typeof value === 'object' && value !== null && validated.has(value)) return value as MemberMetadata;
  if (!isPlainObject(value)) throw invalid('expected an object');
  for (const key of Object.keys(value)) {
    if (key !== 'address' && key !== 'type' && key !== 'region' && key !== 'capabilities') {
      throw invalid('unknown field', { field: key.slice(0, 64) });
    }
  }
  const { address, type, region, capabilities } = value;
  if (typeof address !== 'string' || address.length === 0)
    throw invalid('address must be a non-empty string');
  const addressBytes = utf8Length(address);
  if (addressBytes > MEMBER_METADATA_LIMITS.maxAddressBytes) {
    throw invalid('address too long', { bytes: addressBytes, max: MEMBER_METADATA_LIMITS.maxAddressBytes });
  }
  if (type !== 'storage' && type !== 'quorum')
    throw invalid('type must be "storage" or "quorum"', { type: String(type) });
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) {
    throw invalid('region must be printable ASCII');
  }
  if (region.length > MEMBER_METADATA_LIMITS.maxRegionLength) {
    throw invalid('region too long', { length: region.length, max: MEMBER_METADATA_LIMITS.maxRegionLength });
  }
  if (!isPlainObject(capabilities)) throw invalid('capabilities must be an object');
  const keys = Object.keys(capabilities).sort();
  if (keys.length > MEMBER_METADATA_LIMITS.maxCapabilities) {
    throw invalid('too many capabilities', {
      count: keys.length,
      max: MEMBER_METADATA_LIMITS.maxCapabilities,
    });
  }
  const copy: Record<string, CapabilityValue> = {};
  for (const key of keys) {
    if (key.length > MEMBER_METADATA_LIMITS.maxCapabilityKeyLength || !KEY_PATTERN.test(key)) {
      throw invalid('bad capability key', { key: key.slice(0, 80) });
    }
    const entry = capabilities[key];
    if (typeof entry === 'string') {
      const bytes = utf8Length(entry);
      if (bytes > MEMBER_METADATA_LIMITS.maxCapabilityStringBytes) {
        throw invalid('capability string too long', { key, bytes });
      }
    } else if (typeof entry === 'number') {
      if (!Number.isFinite(entry)) throw invalid('capability number must be finite', { key });
      if (Number.isInteger(entry) && !Number.isSafeInteger(entry)) {
        throw invalid('capability integer must be within ±(2^53 − 1)', { key });
      }
      if (Object.is(entry, -0)) {
        copy[key] = 0; // one encoding per value: canonical encoding has no −0
        continue;
      }
    } else if (typeof entry !== 'boolean') {
      throw invalid('capability value must be a string, number or boolean', { key });
    }
    copy[key] = entry;
  }
  const result: MemberMetadata = Object.freeze({ address, type, region, capabilities: Object.freeze(copy) });
  const size = metadataSize(result);
  if (size > MEMBER_METADATA_LIMITS.maxEncodedBytes) {
    throw invalid('metadata too large', { bytes: size, max: MEMBER_METADATA_LIMITS.maxEncodedBytes });
  }
  validated.add(result);
  return result;
}

/**
 * True when `a` and `b` advertise the same address, type, region and capabilities.
 *
 * @example
 * ```ts
 * metadataEquals(a, validateMemberMetadata({ ...a })); // true
 * ```
 */
export function metadataEquals(a: MemberMetadata, b: MemberMetadata): boolean {
  if (a === b) return true;
  if (a.address !== b.address || a.type !== b.type || a.region !== b.region) return false;
  const ak = Object.keys(a.capabilities);
  const bk = Object.keys(b.capabilities);
  if (ak.length !== bk.length) return false;
  for (const key of ak) {
    if (!Object.hasOwn(b.capabilities, key) || a.capabilities[key] !== b.capabilities[key]) return false;
  }
  return true;
}
