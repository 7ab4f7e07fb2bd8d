/**
 * The anti-entropy sync message between two block indexes, and its wire form.
 *
 * One message type carries every step of the exchange (see `IndexSyncSession`):
 * - `hashes`: digest-tree nodes for the receiver to compare with its own;
 * - `leaves`: the sender's complete content of digest leaves that differ; the receiver merges it and
 *   answers with the entries of those leaves the sender lacks (the complement);
 * - `pull`: leaves too large for one message; the receiver pushes its whole content of them;
 * - `entries`: entries to merge (complements and pushes);
 * - `more`: the sender has more queued; the receiver must answer (even with an empty message).
 *
 * Wire form: the canonical encoding (core `encodeCanonical`) of the tuple
 * `[1, [[depth, position, hash(32)], …], [[leaf, [entry, …]], …], [leaf, …], [entry, …], more]`
 * where each entry is the entry tuple of `location-entry.ts`. Decoding enforces size limits first,
 * then the version (an integer other than 1 is `BC_INDEX_SYNC_VERSION_UNSUPPORTED`), then the shape
 * and every field (`BC_INDEX_SYNC_MESSAGE_INVALID`).
 */
import {
  BrightChainError,
  type CanonicalValue,
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  decodeStrict,
  encodeCanonical,
} from '@brightchain/core';
import { DIGEST_BYTES, DIGEST_DEPTH, checkDigestNode } from './digest-tree';
import { BlockIndexErrorCode } from './error-codes';
import {
  type CheckedEntry,
  type LocationEntry,
  checkLocationEntry,
  entryFromTuple,
  entryTuple,
  toLocationEntry,
} from './location-entry';

/**
 * The sync protocol version this code speaks (the first field of every encoded message).
 *
 * @example
 * ```ts
 * decodeStrict(encodeSyncMessage(message))[0] === SYNC_PROTOCOL_VERSION; // true
 * ```
 */
export const SYNC_PROTOCOL_VERSION = 1;

/**
 * Suggested core envelope `type` for sync messages.
 *
 * @example
 * ```ts
 * encodeEnvelope({ version: 1, type: SYNC_MESSAGE_TYPE, sender: me, payload: encodeSyncMessage(reply) });
 * ```
 */
export const SYNC_MESSAGE_TYPE = 'block-index/sync';

/** One digest-tree node's hash, for the receiver to compare. */
export interface DigestNodeHash {
  /** 0 (root) … 4 (leaf). */
  readonly depth: number;
  /** Position at that depth, in `[0, 16^depth)`. */
  readonly position: number;
  /** The sender's 32-byte hash of the node. */
  readonly hash: Uint8Array;
}

/** The sender's complete content of one digest leaf. */
export interface LeafContent {
  /** Leaf number 0–65535 (the 2-byte block id prefix). */
  readonly leaf: number;
  /** Every entry the sender has in that leaf. */
  readonly entries: readonly LocationEntry[];
}

/** One step of an index sync exchange. */
export interface SyncMessage {
  /** Nodes to compare; differing inner nodes are answered with their children, differing leaves with content. */
  readonly hashes: readonly DigestNodeHash[];
  /** Leaves whose complete content is enclosed; answer with the entries the sender lacks. */
  readonly leaves: readonly LeafContent[];
  /** Leaves to push in full (too large for the complement exchange). */
  readonly pull: readonly number[];
  /** Entries to merge. */
  readonly entries: readonly LocationEntry[];
  /** The sender has more queued: answer even if there is nothing else to say. */
  readonly more: boolean;
}

/** A validated message with entries checked. @internal */
export interface CheckedSyncMessage {
  readonly hashes: readonly DigestNodeHash[];
  readonly leaves: readonly { readonly leaf: number; readonly entries: readonly CheckedEntry[] }[];
  readonly pull: readonly number[];
  readonly entries: readonly CheckedEntry[];
  readonly more: boolean;
}

const LEAF_DEPTH = DIGEST_DEPTH;

function invalid(reason: string, cause?: unknown): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.SYNC_MESSAGE_INVALID, `invalid sync message: ${reason}`, {
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

function asInvalid<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (BrightChainError.isInstance(error, BlockIndexErrorCode.SYNC_MESSAGE_INVALID)) throw error;
    throw invalid(`${what}: ${BrightChainError.isInstance(error) ? error.message : 'malformed'}`, error);
  }
}

function leafOfEntry(entry: CheckedEntry): number {
  return ((entry.blockBytes[0] as number) << 8) | (entry.blockBytes[1] as number);
}

function checkHashes(hashes: readonly unknown[]): DigestNodeHash[] {
  const seen = new Set<string>();
  return hashes.map((raw) => {
    const item = raw as Partial<DigestNodeHash> | null;
    const node = asInvalid('hash node', () =>
      checkDigestNode(item, BlockIndexErrorCode.SYNC_MESSAGE_INVALID),
    );
    const hash = item?.hash;
    if (!(hash instanceof Uint8Array) || hash.length !== DIGEST_BYTES) throw invalid('hash must be 32 bytes');
    const key = `${node.depth}:${node.position}`;
    if (seen.has(key)) throw invalid('a digest node appears twice');
    seen.add(key);
    return { depth: node.depth, position: node.position, hash: Uint8Array.from(hash) };
  });
}

function checkLeafNumber(leaf: unknown): number {
  return asInvalid('leaf', () =>
    checkDigestNode({ depth: LEAF_DEPTH, position: leaf }, BlockIndexErrorCode.SYNC_MESSAGE_INVALID),
  ).position;
}

function checkLeafEntries(leaf: number, entries: readonly CheckedEntry[]): void {
  const keys = new Set<string>();
  for (const entry of entries) {
    if (leafOfEntry(entry) !== leaf) throw invalid('a leaf carries an entry of another leaf');
    const key = `${Buffer.from(entry.blockBytes).toString('hex')}|${entry.holder}`;
    if (keys.has(key)) throw invalid('a leaf carries two entries for one (block, holder)');
    keys.add(key);
  }
}

function distinctLeaves(leaves: readonly number[], what: string): void {
  if (new Set(leaves).size !== leaves.length) throw invalid(`${what} names a leaf twice`);
}

/**
 * Validates a sync message given as an object (for example one built by hand or by another codec).
 *
 * @throws BrightChainError `BC_INDEX_SYNC_MESSAGE_INVALID`
 * @internal
 */
export function checkSyncMessage(raw: unknown): CheckedSyncMessage {
  if (typeof raw !== 'object' || raw === null) throw invalid('message must be an object');
  const message = raw as Partial<Record<keyof SyncMessage, unknown>>;
  const { hashes, leaves, pull, entries, more } = message;
  if (!Array.isArray(hashes) || !Array.isArray(leaves) || !Array.isArray(pull) || !Array.isArray(entries)) {
    throw invalid('hashes, leaves, pull and entries must be arrays');
  }
  if (typeof more !== 'boolean') throw invalid('more must be a boolean');
  const checkedLeaves = leaves.map((item: unknown) => {
    const content = item as Partial<LeafContent> | null;
    const leaf = checkLeafNumber(content?.leaf);
    if (!Array.isArray(content?.entries)) throw invalid('leaf entries must be an array');
    const leafEntries = content.entries.map((entry: unknown) =>
      asInvalid('entry', () => checkLocationEntry(entry, BlockIndexErrorCode.SYNC_MESSAGE_INVALID)),
    );
    checkLeafEntries(leaf, leafEntries);
    return { leaf, entries: leafEntries };
  });
  distinctLeaves(
    checkedLeaves.map((content) => content.leaf),
    'leaves',
  );
  const pullLeaves = pull.map(checkLeafNumber);
  distinctLeaves(pullLeaves, 'pull');
  return {
    hashes: checkHashes(hashes),
    leaves: checkedLeaves,
    pull: pullLeaves,
    entries: entries.map((entry: unknown) =>
      asInvalid('entry', () => checkLocationEntry(entry, BlockIndexErrorCode.SYNC_MESSAGE_INVALID)),
    ),
    more,
  };
}

/** The public form of a checked message. @internal */
export function toSyncMessage(message: CheckedSyncMessage): SyncMessage {
  return {
    hashes: message.hashes,
    leaves: message.leaves.map((content) => ({
      leaf: content.leaf,
      entries: content.entries.map(toLocationEntry),
    })),
    pull: message.pull,
    entries: message.entries.map(toLocationEntry),
    more: message.more,
  };
}

/**
 * The canonical bytes of a sync message (validated first).
 *
 * @throws BrightChainError `BC_INDEX_SYNC_MESSAGE_INVALID` for a malformed message
 * @example
 * ```ts
 * const reply = session.receive(decodeSyncMessage(bytes));
 * if (reply) transport.send(peer, encodeSyncMessage(reply));
 * ```
 */
export function encodeSyncMessage(message: SyncMessage): Uint8Array {
  const checked = checkSyncMessage(message);
  return encodeCanonical([
    SYNC_PROTOCOL_VERSION,
    checked.hashes.map((node) => [node.depth, node.position, node.hash]),
    checked.leaves.map((content) => [content.leaf, content.entries.map(entryTuple)]),
    [...checked.pull],
    checked.entries.map(entryTuple),
    checked.more,
  ]);
}

/**
 * Decodes and validates untrusted sync message bytes.
 *
 * @param limits - decode limits (default core's: 16 MiB, 1,048,576 elements)
 * @throws BrightChainError `BC_INDEX_SYNC_VERSION_UNSUPPORTED` for another protocol version;
 * `BC_INDEX_SYNC_MESSAGE_INVALID` for anything malformed, non-canonical or over the limits
 * (the core decode error is the `cause`)
 * @example
 * ```ts
 * const message = decodeSyncMessage(bytes, { maxBytes: 8 * 1024 * 1024 });
 * ```
 */
export function decodeSyncMessage(
  bytes: Uint8Array,
  limits: Partial<DecodeLimits> = DEFAULT_DECODE_LIMITS,
): SyncMessage {
  let value: CanonicalValue;
  try {
    value = decodeStrict(bytes, limits);
  } catch (error) {
    throw invalid(
      BrightChainError.isInstance(error) ? `${error.code}: ${error.message}` : 'undecodable',
      error,
    );
  }
  if (!Array.isArray(value) || value.length === 0) throw invalid('message must be a tuple');
  const version = value[0];
  if (version !== SYNC_PROTOCOL_VERSION) {
    if (typeof version === 'number' && Number.isSafeInteger(version)) {
      throw new BrightChainError(
        BlockIndexErrorCode.SYNC_VERSION_UNSUPPORTED,
        `sync protocol version ${version} is not supported`,
        { details: { version, supported: SYNC_PROTOCOL_VERSION } },
      );
    }
    throw invalid('version must be an integer');
  }
  if (value.length !== 6) throw invalid('message must be a tuple of 6 fields');
  const [, hashes, leaves, pull, entries, more] = value as readonly CanonicalValue[];
  if (!Array.isArray(hashes) || !Array.isArray(leaves) || !Array.isArray(pull) || !Array.isArray(entries)) {
    throw invalid('hashes, leaves, pull and entries must be arrays');
  }
  const code = BlockIndexErrorCode.SYNC_MESSAGE_INVALID;
  const fromTuple = (tuple: CanonicalValue): LocationEntry =>
    asInvalid('entry', () => toLocationEntry(entryFromTuple(tuple, code)));
  const message: SyncMessage = {
    hashes: (hashes as readonly CanonicalValue[]).map((item) => {
      if (!Array.isArray(item) || item.length !== 3) throw invalid('a hash must be [depth, position, hash]');
      const [depth, position, hash] = item as readonly CanonicalValue[];
      return { depth, position, hash } as unknown as DigestNodeHash;
    }),
    leaves: (leaves as readonly CanonicalValue[]).map((item) => {
      if (!Array.isArray(item) || item.length !== 2 || !Array.isArray(item[1])) {
        throw invalid('a leaf must be [leaf, [entry, …]]');
      }
      return { leaf: item[0] as number, entries: (item[1] as readonly CanonicalValue[]).map(fromTuple) };
    }),
    pull: pull as unknown as number[],
    entries: (entries as readonly CanonicalValue[]).map(fromTuple),
    more: more as boolean,
  };
  return toSyncMessage(checkSyncMessage(message));
}
