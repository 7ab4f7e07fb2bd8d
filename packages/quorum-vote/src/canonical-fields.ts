/**
 * Strict field readers for decoded canonical values (internal). Every wire message and log entry
 * of this package is a tuple; these readers check one field each and throw
 * `BC_QUORUM_MESSAGE_INVALID` naming the field, so a malformed input is rejected before it can
 * touch state.
 */
import {
  BrightChainError,
  type CanonicalValue,
  type GuidV4,
  guidV4ToBytes,
  parseGuidV4,
} from '@brightchain/core';
import { QuorumErrorCode } from './error-codes';

/** Longest free-text field accepted (justifications, actions, names). */
export const MAX_TEXT_BYTES = 4096;

/** Throws `BC_QUORUM_MESSAGE_INVALID` for `field`. */
export function malformed(field: string, reason: string): BrightChainError {
  return new BrightChainError(QuorumErrorCode.MESSAGE_INVALID, `malformed ${field}: ${reason}`, {
    details: { field, reason },
  });
}

/** A tuple of exactly `length` items. */
export function readTuple(
  value: CanonicalValue | undefined,
  length: number,
  field: string,
): readonly CanonicalValue[] {
  if (!Array.isArray(value)) throw malformed(field, 'expected a tuple');
  if (value.length !== length) throw malformed(field, `expected ${length} fields, got ${value.length}`);
  return value as readonly CanonicalValue[];
}

/** An array of at most `max` items. */
export function readList(
  value: CanonicalValue | undefined,
  field: string,
  max = 100_000,
): readonly CanonicalValue[] {
  if (!Array.isArray(value)) throw malformed(field, 'expected an array');
  if (value.length > max) throw malformed(field, `more than ${max} items`);
  return value as readonly CanonicalValue[];
}

/** A safe integer in `[min, max]`. */
export function readInt(
  value: CanonicalValue | undefined,
  field: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw malformed(field, `expected an integer in ${min}..${max}`);
  }
  return value;
}

/** A boolean. */
export function readBool(value: CanonicalValue | undefined, field: string): boolean {
  if (typeof value !== 'boolean') throw malformed(field, 'expected a boolean');
  return value;
}

/** A string of at most `maxBytes` UTF-8 bytes. */
export function readText(
  value: CanonicalValue | undefined,
  field: string,
  maxBytes = MAX_TEXT_BYTES,
): string {
  if (typeof value !== 'string') throw malformed(field, 'expected a string');
  if (Buffer.byteLength(value, 'utf8') > maxBytes) throw malformed(field, `longer than ${maxBytes} bytes`);
  return value;
}

/** Bytes, of exactly `length` when given, else at most `maxLength`. */
export function readBytes(
  value: CanonicalValue | undefined,
  field: string,
  length?: number,
  maxLength = 16 * 1024 * 1024,
): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(field, 'expected bytes');
  if (length !== undefined && value.length !== length) throw malformed(field, `expected ${length} bytes`);
  if (value.length > maxLength) throw malformed(field, `longer than ${maxLength} bytes`);
  return value;
}

/** A GuidV4 encoded as its 16 bytes. */
export function readGuid(value: CanonicalValue | undefined, field: string): GuidV4 {
  const bytes = readBytes(value, field, 16);
  try {
    return parseGuidV4(bytes);
  } catch {
    throw malformed(field, 'not a version-4 GUID');
  }
}

/** The 16-byte wire form of a GuidV4. */
export function guidBytes(id: GuidV4): Uint8Array {
  return guidV4ToBytes(id);
}
