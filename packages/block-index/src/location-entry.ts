/**
 * Location entries: the replicated state of the index. There is one entry per (block, holder); it
 * says whether that holder stores that block (`stored`) or has dropped it (a tombstone), with the
 * holder's region, when it started holding the block, when a copy was last verified, and the
 * version that orders it against other writes of the same (block, holder).
 *
 * Each (block, holder) entry is a last-writer-wins register (Shapiro, Preguiça, Baquero, Zawirski,
 * "Conflict-free Replicated Data Types", SSS 2011, §3.2 LWW-Register). Merge keeps the entry with the
 * greater version; equal versions with different contents (only possible if a writer reuses a
 * version) are ordered by content, a tombstone first, so merge is a join on a total order and
 * replicas converge whatever order entries arrive in.
 */
import {
  BrightChainError,
  type CanonicalValue,
  type GuidV4,
  guidV4ToBytes,
  isGuidV4,
  parseGuidV4,
} from '@brightchain/core';
import { type BlockIdHex, blockIdBytes, blockIdHex } from './block-id';
import { type EntryVersion, MAX_VERSION_COUNTER } from './entry-version';
import { BlockIndexErrorCode } from './error-codes';
import { parseNodeId } from './node-id';
import { parseRegion } from './region';

/**
 * One (block, holder) location as replicated between indexes.
 * A tombstone (`stored: false`) has `region: ''`, `since: 0` and `lastVerified: 0`.
 */
export interface LocationEntry {
  /** The block (128 lower-case hex characters). */
  readonly blockId: BlockIdHex;
  /** The node that holds (or held) the block. */
  readonly holder: GuidV4;
  /** True while the holder stores the block; false once it dropped it (tombstone). */
  readonly stored: boolean;
  /** Region of the holder's copy ('' for a tombstone). */
  readonly region: string;
  /** When the holder started holding the block, ms since the epoch (0 for a tombstone). */
  readonly since: number;
  /** When a copy was last verified, ms since the epoch (0 for a tombstone). */
  readonly lastVerified: number;
  /** Orders this write against others of the same (block, holder). */
  readonly version: EntryVersion;
}

/** A validated entry with the block id as bytes. @internal */
export interface CheckedEntry {
  readonly blockBytes: Uint8Array;
  readonly holder: GuidV4;
  readonly stored: boolean;
  readonly region: string;
  readonly since: number;
  readonly lastVerified: number;
  readonly wall: number;
  readonly counter: number;
  readonly writer: GuidV4;
}

/**
 * Checks a time: a non-negative safe integer of milliseconds.
 * @internal
 */
export function checkTime(
  value: unknown,
  field: string,
  code: string = BlockIndexErrorCode.TIME_INVALID,
): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new BrightChainError(code, `${field} must be a non-negative integer number of milliseconds`, {
    details: { field, value: typeof value === 'number' ? value : typeof value },
  });
}

function entryError(code: string, reason: string, cause?: unknown): BrightChainError {
  return new BrightChainError(code, `invalid location entry: ${reason}`, {
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

function rewrap<T>(code: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (BrightChainError.isInstance(error) && error.code === code) throw error;
    const reason = BrightChainError.isInstance(error) ? `${what}: ${error.message}` : what;
    throw entryError(code, reason, error);
  }
}

function checkTombstoneShape(entry: CheckedEntry, code: string): CheckedEntry {
  if (!entry.stored && (entry.region !== '' || entry.since !== 0 || entry.lastVerified !== 0)) {
    throw entryError(code, 'a tombstone must have region "", since 0 and lastVerified 0');
  }
  return entry;
}

/**
 * Validates a {@link LocationEntry} given to `merge`.
 *
 * @throws BrightChainError with `code` (default `BC_INDEX_ENTRY_INVALID`) for any malformed field
 * @internal
 */
export function checkLocationEntry(
  raw: unknown,
  code: string = BlockIndexErrorCode.ENTRY_INVALID,
): CheckedEntry {
  if (typeof raw !== 'object' || raw === null) throw entryError(code, 'entry must be an object');
  const entry = raw as Partial<Record<keyof LocationEntry, unknown>>;
  const version = entry.version as Partial<Record<keyof EntryVersion, unknown>> | undefined;
  if (typeof version !== 'object' || version === null) throw entryError(code, 'version must be an object');
  if (typeof entry.stored !== 'boolean') throw entryError(code, 'stored must be a boolean');
  const stored = entry.stored;
  const blockBytes = rewrap(code, 'blockId', () => blockIdBytes(entry.blockId));
  const holder = rewrap(code, 'holder', () => parseNodeId(entry.holder, 'holder'));
  const writer = rewrap(code, 'version.writer', () => parseNodeId(version.writer, 'writer'));
  const region = stored ? rewrap(code, 'region', () => parseRegion(entry.region)) : entry.region;
  if (typeof region !== 'string') throw entryError(code, 'region must be a string');
  const since = rewrap(code, 'since', () => checkTime(entry.since, 'since'));
  const lastVerified = rewrap(code, 'lastVerified', () => checkTime(entry.lastVerified, 'lastVerified'));
  const wall = rewrap(code, 'version.wall', () => checkTime(version.wall, 'version.wall'));
  const counter = version.counter;
  if (
    typeof counter !== 'number' ||
    !Number.isInteger(counter) ||
    counter < 0 ||
    counter > MAX_VERSION_COUNTER
  ) {
    throw entryError(code, 'version.counter must be an integer in 0..2^32-1');
  }
  return checkTombstoneShape(
    { blockBytes, holder, stored, region, since, lastVerified, wall, counter, writer },
    code,
  );
}

/** The public form of a checked entry. @internal */
export function toLocationEntry(entry: CheckedEntry): LocationEntry {
  return {
    blockId: blockIdHex(entry.blockBytes),
    holder: entry.holder,
    stored: entry.stored,
    region: entry.region,
    since: entry.since,
    lastVerified: entry.lastVerified,
    version: { wall: entry.wall, counter: entry.counter, writer: entry.writer },
  };
}

/**
 * The canonical tuple of an entry, for `encodeCanonical` (hashing, store records, sync messages):
 * `[blockId(64 bytes), holder(16), stored, region, since, lastVerified, wall, counter, writer(16)]`.
 * @internal
 */
export function entryTuple(entry: CheckedEntry): CanonicalValue {
  return buildEntryTuple(
    entry.blockBytes,
    guidV4ToBytes(entry.holder),
    entry.stored,
    entry.region,
    entry.since,
    entry.lastVerified,
    entry.wall,
    entry.counter,
    guidV4ToBytes(entry.writer),
  );
}

/** The entry tuple from its fields, node ids already as bytes (the one place the field order lives). @internal */
export function buildEntryTuple(
  blockBytes: Uint8Array,
  holderBytes: Uint8Array,
  stored: boolean,
  region: string,
  since: number,
  lastVerified: number,
  wall: number,
  counter: number,
  writerBytes: Uint8Array,
): CanonicalValue {
  return [blockBytes, holderBytes, stored, region, since, lastVerified, wall, counter, writerBytes];
}

const TUPLE_LENGTH = 9;

/**
 * Parses an entry tuple decoded from untrusted bytes.
 *
 * @throws BrightChainError with `code` when the tuple is malformed
 * @internal
 */
export function entryFromTuple(value: CanonicalValue, code: string): CheckedEntry {
  if (!Array.isArray(value) || value.length !== TUPLE_LENGTH) {
    throw entryError(code, `entry must be a ${TUPLE_LENGTH}-item array`);
  }
  const [block, holderBytes, stored, region, since, lastVerified, wall, counter, writerBytes] =
    value as readonly CanonicalValue[];
  if (!(holderBytes instanceof Uint8Array) || !(writerBytes instanceof Uint8Array)) {
    throw entryError(code, 'holder and writer must be 16-byte GuidV4s');
  }
  const holder = rewrap(code, 'holder', () => parseGuidV4(holderBytes));
  const writer = rewrap(code, 'writer', () => parseGuidV4(writerBytes));
  if (!isGuidV4(holder) || !isGuidV4(writer)) throw entryError(code, 'holder and writer must be GuidV4s');
  return checkLocationEntry(
    { blockId: block, holder, stored, region, since, lastVerified, version: { wall, counter, writer } },
    code,
  );
}

/**
 * Which of two entries for the same (block, holder) wins a merge: positive if `a`, negative if `b`,
 * 0 if they are identical. Greater version wins; identical versions fall back to content (tombstone
 * first, then region, since, lastVerified), a total order, so the merge is a semilattice join.
 * @internal
 */
export function compareEntryPrecedence(a: CheckedEntryFields, b: CheckedEntryFields): number {
  if (a.wall !== b.wall) return a.wall > b.wall ? 1 : -1;
  if (a.counter !== b.counter) return a.counter > b.counter ? 1 : -1;
  if (a.writer !== b.writer) return a.writer > b.writer ? 1 : -1;
  if (a.stored !== b.stored) return a.stored ? -1 : 1;
  if (a.region !== b.region) return a.region > b.region ? 1 : -1;
  if (a.since !== b.since) return a.since > b.since ? 1 : -1;
  if (a.lastVerified !== b.lastVerified) return a.lastVerified > b.lastVerified ? 1 : -1;
  return 0;
}

/** The fields {@link compareEntryPrecedence} looks at. @internal */
export type CheckedEntryFields = Pick<
  CheckedEntry,
  'stored' | 'region' | 'since' | 'lastVerified' | 'wall' | 'counter' | 'writer'
>;
