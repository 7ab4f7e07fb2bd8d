/**
 * `IndexSyncSession`: sans-I/O anti-entropy between this index and one peer's, after Dynamo's
 * Merkle-tree replica synchronisation (DeCandia et al., SOSP 2007, §4.7).
 *
 * Exchange (each arrow is one {@link SyncMessage}; the host moves the bytes):
 * 1. the initiator sends its root hash;
 * 2. a side receiving hashes compares them with its own; for each differing inner node it answers
 *    with that node's 16 children, for each differing leaf with its complete leaf content;
 * 3. a side receiving leaf content merges it and answers with exactly the entries of that leaf the
 *    other side lacks or has older (the complement), so a differing leaf costs one leaf's content one
 *    way and only the difference the other way;
 * 4. it ends when a message needs no answer: two in-sync indexes exchange one root hash and one empty
 *    reply. Leaves larger than the per-message budget are pushed in full by both sides instead.
 *
 * Merges go through `BlockIndex.merge`, so with a store they are durable before the reply that
 * depends on them is returned. A session assumes messages arrive in order and none is lost (one
 * stream); on a lost message the host drops the session and starts a new one, which is always safe
 * because every step is idempotent.
 */
import { BrightChainError } from '@brightchain/core';
import type { BlockIndex } from './block-index';
import { DIGEST_DEPTH, DIGEST_FANOUT } from './digest-tree';
import { BlockIndexErrorCode } from './error-codes';
import { type CheckedEntryFields, type LocationEntry, compareEntryPrecedence } from './location-entry';
import {
  type DigestNodeHash,
  type LeafContent,
  type SyncMessage,
  checkSyncMessage,
  toSyncMessage,
} from './sync-message';

/** Options of {@link IndexSyncSession}. */
export interface IndexSyncSessionOptions {
  /** Most entries per outgoing message (default 4096); larger leaves are pushed in pieces. */
  readonly maxEntriesPerMessage?: number;
  /** Most digest hashes per outgoing message (default 4096). */
  readonly maxHashesPerMessage?: number;
}

/** Counters of one session, for tests and monitoring. */
export interface IndexSyncStats {
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly hashesSent: number;
  readonly hashesReceived: number;
  /** Entries sent, in `leaves` and `entries` together. */
  readonly entriesSent: number;
  readonly entriesReceived: number;
  /** Received entries that were newer than the local ones and were merged. */
  readonly entriesApplied: number;
}

const DEFAULT_BUDGET = 4096;

function checkBudget(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_BUDGET;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < DIGEST_FANOUT) {
    throw new BrightChainError(
      BlockIndexErrorCode.ARGUMENT_INVALID,
      `${name} must be an integer ≥ ${DIGEST_FANOUT}`,
      {
        details: { [name]: String(value) },
      },
    );
  }
  return value;
}

function fieldsOf(entry: LocationEntry): CheckedEntryFields {
  return {
    stored: entry.stored,
    region: entry.region,
    since: entry.since,
    lastVerified: entry.lastVerified,
    wall: entry.version.wall,
    counter: entry.version.counter,
    writer: entry.version.writer,
  };
}

function keyOf(entry: LocationEntry): string {
  return `${entry.blockId}|${entry.holder}`;
}

/**
 * One side of an anti-entropy exchange with one peer. Both sides create a session over their own
 * index; the initiator calls {@link IndexSyncSession.start}, then each side feeds every message it
 * receives to {@link IndexSyncSession.receive} and sends back the reply it returns, if any.
 *
 * @example
 * ```ts
 * const a = new IndexSyncSession(indexA);
 * const b = new IndexSyncSession(indexB);
 * let toB: SyncMessage | undefined = a.start();
 * while (toB) {
 *   const toA = b.receive(toB);
 *   toB = toA ? a.receive(toA) : undefined;
 * }
 * // indexA.digest() and indexB.digest() are now equal
 * ```
 */
export class IndexSyncSession {
  private readonly maxEntries: number;
  private readonly maxHashes: number;
  private started = false;
  private finished = false;
  private readonly queuedHashes: DigestNodeHash[] = [];
  private readonly queuedLeaves: number[] = [];
  private readonly queuedPulls: number[] = [];
  private readonly queuedEntries: LocationEntry[] = [];
  private counters = {
    messagesSent: 0,
    messagesReceived: 0,
    hashesSent: 0,
    hashesReceived: 0,
    entriesSent: 0,
    entriesReceived: 0,
    entriesApplied: 0,
  };

  /**
   * @param index - the local index (entries are read from and merged into it)
   * @throws BrightChainError `BC_INDEX_ARGUMENT_INVALID` for a budget below 16
   */
  constructor(
    private readonly index: BlockIndex,
    options: IndexSyncSessionOptions = {},
  ) {
    this.maxEntries = checkBudget(options.maxEntriesPerMessage, 'maxEntriesPerMessage');
    this.maxHashes = checkBudget(options.maxHashesPerMessage, 'maxHashesPerMessage');
  }

  /** True once this side has nothing more to send and expects nothing more. */
  get done(): boolean {
    return this.finished;
  }

  /** Counters so far. */
  get stats(): IndexSyncStats {
    return { ...this.counters };
  }

  /**
   * The opening message (the initiator's root hash).
   *
   * @throws BrightChainError `BC_INDEX_SYNC_SESSION_STATE` if the session already started or received
   * @example
   * ```ts
   * transport.send(peer, encodeSyncMessage(session.start()));
   * ```
   */
  start(): SyncMessage {
    if (this.started) {
      throw new BrightChainError(BlockIndexErrorCode.SYNC_SESSION_STATE, 'the session has already started');
    }
    this.started = true;
    this.queuedHashes.push({ depth: 0, position: 0, hash: this.index.digest() });
    return this.send(true);
  }

  /**
   * Processes a message from the peer: merges its entries, compares its hashes, and returns the reply
   * to send back, or `undefined` when none is due.
   *
   * @throws BrightChainError `BC_INDEX_SYNC_MESSAGE_INVALID` for a malformed message, `BC_INDEX_ENTRY_INVALID`
   * / `BC_INDEX_CLOCK_SKEW` from the merge (the index is unchanged then); store errors propagate
   * @example
   * ```ts
   * const reply = session.receive(decodeSyncMessage(bytes));
   * if (reply) transport.send(peer, encodeSyncMessage(reply));
   * ```
   */
  receive(raw: SyncMessage): SyncMessage | undefined {
    const message = toSyncMessage(checkSyncMessage(raw));
    this.started = true;
    this.counters.messagesReceived += 1;
    this.counters.hashesReceived += message.hashes.length;

    const incoming: LocationEntry[] = [...message.entries];
    for (const content of message.leaves) incoming.push(...content.entries);
    this.counters.entriesReceived += incoming.length;
    if (incoming.length > 0) this.counters.entriesApplied += this.index.merge(incoming).applied;

    for (const content of message.leaves) this.queuedEntries.push(...this.complement(content));
    for (const leaf of message.pull) this.queuedEntries.push(...this.index.entriesInLeaves([leaf]));
    for (const node of message.hashes) this.compare(node);

    const answerDue = message.hashes.length + message.leaves.length + message.pull.length > 0 || message.more;
    if (!answerDue && !this.hasQueued()) {
      this.finished = true;
      return undefined;
    }
    return this.send(false);
  }

  private hasQueued(): boolean {
    return (
      this.queuedHashes.length +
        this.queuedLeaves.length +
        this.queuedPulls.length +
        this.queuedEntries.length >
      0
    );
  }

  /** Entries of the peer's leaf that this index has newer, or that the peer lacks. */
  private complement(content: LeafContent): LocationEntry[] {
    const theirs = new Map<string, LocationEntry>();
    for (const entry of content.entries) theirs.set(keyOf(entry), entry);
    return this.index.entriesInLeaves([content.leaf]).filter((mine) => {
      const other = theirs.get(keyOf(mine));
      return other === undefined || compareEntryPrecedence(fieldsOf(mine), fieldsOf(other)) > 0;
    });
  }

  private compare(node: DigestNodeHash): void {
    if (this.index.digestMatches(node, node.hash)) return;
    if (node.depth < DIGEST_DEPTH) {
      const children = this.index.childDigests(node);
      children.forEach((hash, c) => {
        this.queuedHashes.push({ depth: node.depth + 1, position: node.position * DIGEST_FANOUT + c, hash });
      });
      return;
    }
    if (this.index.leafSize(node.position) <= this.maxEntries) {
      this.queuedLeaves.push(node.position);
    } else {
      this.queuedPulls.push(node.position);
      this.queuedEntries.push(...this.index.entriesInLeaves([node.position]));
    }
  }

  /** Builds the next message from the queues, within the budgets. */
  private send(opening: boolean): SyncMessage {
    const hashes = this.queuedHashes.splice(0, this.maxHashes);
    let budget = this.maxEntries;
    const leaves: LeafContent[] = [];
    while (this.queuedLeaves.length > 0) {
      const leaf = this.queuedLeaves[0] as number;
      const size = this.index.leafSize(leaf);
      if (size > budget && leaves.length > 0) break;
      this.queuedLeaves.shift();
      leaves.push({ leaf, entries: this.index.entriesInLeaves([leaf]) });
      budget -= size;
    }
    const pull = this.queuedPulls.splice(0, this.queuedPulls.length);
    const entries = this.queuedEntries.splice(0, Math.max(0, budget));
    const more = this.hasQueued();
    const message: SyncMessage = { hashes, leaves, pull, entries, more };
    const sentEntries = entries.length + leaves.reduce((sum, content) => sum + content.entries.length, 0);
    this.counters.messagesSent += 1;
    this.counters.hashesSent += hashes.length;
    this.counters.entriesSent += sentEntries;
    const awaitingReply = opening || hashes.length + leaves.length + pull.length > 0 || more;
    this.finished = !awaitingReply;
    return message;
  }
}
