/**
 * The durable vote log: an append-only, hash-chained sequence of everything a governor decided or
 * accepted (genesis, proposals, votes, outcomes, epoch changes, document shares and releases).
 *
 * Each entry is one record of a core `Store` log, encoded canonically as
 *
 *     [1, sequence, previousHash, kind, body]
 *
 * and identified by `hash = domainHash('brightchain/quorum/log-entry/v1', record bytes)`. The first
 * entry is the genesis (previousHash = 32 zero bytes); every later entry names its predecessor's
 * hash, so removing, reordering or editing an entry anywhere breaks the chain.
 *
 * Torn writes: the store frames each record with a length and CRC (core `MemoryDisk`, LMDB
 * transactions), so a crash mid-append leaves at most one incomplete frame, which the store drops
 * on reopen. {@link readVoteLog} then decodes and re-verifies the chain; since entries are only
 * acknowledged after `flush()`, every acknowledged entry survives and only the torn tail is lost.
 */
import {
  BrightChainError,
  bytesEqual,
  type CanonicalValue,
  type GuidV4,
  type Store,
  decodeStrict,
  domainHash,
  encodeCanonical,
} from '@brightchain/core';
import {
  guidBytes,
  malformed,
  readGuid,
  readInt,
  readList,
  readText,
  readTuple,
  readBytes,
} from './canonical-fields';
import { QuorumErrorCode } from './error-codes';
import {
  type GovernanceRules,
  governanceRulesFromCanonical,
  governanceRulesToCanonical,
} from './governance-rules';
import { MemberSet } from './member-set';
import { type SignedProposal, signedProposalFromCanonical, signedProposalToCanonical } from './proposal';
import { type ReshareDeal, reshareDealFromCanonical, reshareDealToCanonical } from './resharing';
import {
  type DocumentSeal,
  type DocumentSharing,
  type EncryptedShare,
  encryptedShareFromCanonical,
  encryptedShareToCanonical,
  sealedDocumentFromCanonical,
  sealedDocumentToCanonical,
  sharingFromCanonical,
  sharingToCanonical,
} from './sealed-document';
import { type SignedVote, signedVoteFromCanonical, signedVoteToCanonical } from './signed-vote';

/** Domain tag of log entry hashes. */
export const LOG_ENTRY_DOMAIN = 'brightchain/quorum/log-entry/v1';

/** Default name of the store log holding the vote log. */
export const VOTE_LOG_NAME = 'quorum-votes';

/** previousHash of the first entry. */
export const GENESIS_PREVIOUS_HASH: Uint8Array = new Uint8Array(32);

/** Terminal statuses. */
export type ClosedStatus = 'APPROVED' | 'REJECTED' | 'EXPIRED';

/**
 * Why a vote closed: approvals reached the threshold, approval became impossible, the deadline
 * passed, or the member set changed while it was open.
 */
export type OutcomeReason = 'threshold' | 'impossible' | 'deadline' | 'epoch-changed';

/** The content of one log entry. */
export type VoteLogBody =
  | { readonly kind: 'genesis'; readonly members: MemberSet; readonly rules: GovernanceRules }
  | { readonly kind: 'proposal'; readonly proposal: SignedProposal }
  | { readonly kind: 'vote'; readonly vote: SignedVote }
  | {
      readonly kind: 'outcome';
      readonly voteId: GuidV4;
      readonly status: ClosedStatus;
      readonly reason: OutcomeReason;
      /** When it closed (ms, UTC). */
      readonly at: number;
      readonly approvals: number;
      readonly rejections: number;
    }
  | { readonly kind: 'epoch'; readonly members: MemberSet; readonly cause: GuidV4 }
  | { readonly kind: 'document'; readonly seal: DocumentSeal }
  | { readonly kind: 'sharing'; readonly sharing: DocumentSharing; readonly share: EncryptedShare | null }
  | { readonly kind: 'deal'; readonly deal: ReshareDeal }
  | {
      readonly kind: 'release';
      readonly voteId: GuidV4;
      readonly documentId: GuidV4;
      readonly epoch: number;
      readonly to: GuidV4;
    }
  | { readonly kind: 'reconstructed'; readonly voteId: GuidV4; readonly documentId: GuidV4 };

/** The kinds of {@link VoteLogBody}. */
export type VoteLogKind = VoteLogBody['kind'];

/** One encoded, chained log entry: what a governor puts in `Ready.persist`. */
export interface VoteLogEntry {
  /** Position in the log (0 = genesis). */
  readonly sequence: number;
  /** Hash of the previous entry (32 zero bytes for genesis). */
  readonly previousHash: Uint8Array;
  readonly body: VoteLogBody;
  /** The canonical record bytes to append to the store. */
  readonly bytes: Uint8Array;
  /** `domainHash(LOG_ENTRY_DOMAIN, bytes)`. */
  readonly hash: Uint8Array;
}

const STATUSES: readonly ClosedStatus[] = ['APPROVED', 'REJECTED', 'EXPIRED'];
const REASONS: readonly OutcomeReason[] = ['threshold', 'impossible', 'deadline', 'epoch-changed'];

function bodyToCanonical(body: VoteLogBody): CanonicalValue {
  switch (body.kind) {
    case 'genesis':
      return [body.members.toCanonical(), governanceRulesToCanonical(body.rules)];
    case 'proposal':
      return signedProposalToCanonical(body.proposal);
    case 'vote':
      return signedVoteToCanonical(body.vote);
    case 'outcome':
      return [guidBytes(body.voteId), body.status, body.reason, body.at, body.approvals, body.rejections];
    case 'epoch':
      return [body.members.toCanonical(), guidBytes(body.cause)];
    case 'document':
      return [
        sealedDocumentToCanonical(body.seal.document),
        sharingToCanonical(body.seal.sharing),
        body.seal.shares.map(encryptedShareToCanonical),
      ];
    case 'sharing':
      return [
        sharingToCanonical(body.sharing),
        body.share === null ? null : encryptedShareToCanonical(body.share),
      ];
    case 'deal':
      return reshareDealToCanonical(body.deal);
    case 'release':
      return [guidBytes(body.voteId), guidBytes(body.documentId), body.epoch, guidBytes(body.to)];
    case 'reconstructed':
      return [guidBytes(body.voteId), guidBytes(body.documentId)];
  }
}

function bodyFromCanonical(kind: string, value: CanonicalValue | undefined): VoteLogBody {
  switch (kind) {
    case 'genesis': {
      const [members, rules] = readTuple(value, 2, 'genesis');
      return { kind, members: MemberSet.fromCanonical(members), rules: governanceRulesFromCanonical(rules) };
    }
    case 'proposal':
      return { kind, proposal: signedProposalFromCanonical(value) };
    case 'vote':
      return { kind, vote: signedVoteFromCanonical(value) };
    case 'outcome': {
      const [voteId, status, reason, at, approvals, rejections] = readTuple(value, 6, 'outcome');
      const s = readText(status, 'outcome.status', 16) as ClosedStatus;
      const r = readText(reason, 'outcome.reason', 16) as OutcomeReason;
      if (!STATUSES.includes(s)) throw malformed('outcome.status', 'unknown status');
      if (!REASONS.includes(r)) throw malformed('outcome.reason', 'unknown reason');
      return {
        kind,
        voteId: readGuid(voteId, 'outcome.voteId'),
        status: s,
        reason: r,
        at: readInt(at, 'outcome.at'),
        approvals: readInt(approvals, 'outcome.approvals'),
        rejections: readInt(rejections, 'outcome.rejections'),
      };
    }
    case 'epoch': {
      const [members, cause] = readTuple(value, 2, 'epoch');
      return { kind, members: MemberSet.fromCanonical(members), cause: readGuid(cause, 'epoch.cause') };
    }
    case 'document': {
      const [document, sharing, shares] = readTuple(value, 3, 'document');
      return {
        kind,
        seal: {
          document: sealedDocumentFromCanonical(document),
          sharing: sharingFromCanonical(sharing),
          shares: readList(shares, 'document.shares').map((s, i) =>
            encryptedShareFromCanonical(s, `document.shares[${i}]`),
          ),
        },
      };
    }
    case 'sharing': {
      const [sharing, share] = readTuple(value, 2, 'sharing');
      return {
        kind,
        sharing: sharingFromCanonical(sharing),
        share: share === null ? null : encryptedShareFromCanonical(share),
      };
    }
    case 'deal':
      return { kind, deal: reshareDealFromCanonical(value) };
    case 'release': {
      const [voteId, documentId, epoch, to] = readTuple(value, 4, 'release');
      return {
        kind,
        voteId: readGuid(voteId, 'release.voteId'),
        documentId: readGuid(documentId, 'release.documentId'),
        epoch: readInt(epoch, 'release.epoch'),
        to: readGuid(to, 'release.to'),
      };
    }
    case 'reconstructed': {
      const [voteId, documentId] = readTuple(value, 2, 'reconstructed');
      return {
        kind,
        voteId: readGuid(voteId, 'reconstructed.voteId'),
        documentId: readGuid(documentId, 'reconstructed.documentId'),
      };
    }
    default:
      throw malformed('entry.kind', `unknown kind ${kind.slice(0, 32)}`);
  }
}

/**
 * Encodes `body` as entry `sequence` chained to `previousHash`.
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` for unencodable content
 * @example
 * ```ts
 * const genesis = encodeVoteLogEntry(0, GENESIS_PREVIOUS_HASH, { kind: 'genesis', members, rules });
 * ```
 */
export function encodeVoteLogEntry(
  sequence: number,
  previousHash: Uint8Array,
  body: VoteLogBody,
): VoteLogEntry {
  const bytes = encodeCanonical([1, sequence, previousHash, body.kind, bodyToCanonical(body)]);
  return { sequence, previousHash, body, bytes, hash: domainHash(LOG_ENTRY_DOMAIN, bytes) };
}

/**
 * Decodes one record (strict canonical decoding, then a full shape check of the body).
 *
 * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` for a malformed entry; core
 * `BC_DECODE_INVALID` / `BC_DECODE_LIMIT` for bytes that are not canonical
 * @example
 * ```ts
 * const entry = decodeVoteLogEntry(record);
 * ```
 */
export function decodeVoteLogEntry(bytes: Uint8Array): VoteLogEntry {
  const [version, sequence, previousHash, kind, body] = readTuple(decodeStrict(bytes), 5, 'entry');
  readInt(version, 'entry.version', 1, 1);
  return {
    sequence: readInt(sequence, 'entry.sequence'),
    previousHash: readBytes(previousHash, 'entry.previousHash', 32),
    body: bodyFromCanonical(readText(kind, 'entry.kind', 32), body),
    bytes,
    hash: domainHash(LOG_ENTRY_DOMAIN, bytes),
  };
}

/**
 * Checks the chain: entry i has sequence i, entry 0 is the genesis with a zero previous hash, and
 * every other entry names the hash of its predecessor (recomputed from the bytes).
 *
 * @throws BrightChainError `BC_VOTE_LOG_CORRUPT` with the first bad `sequence`
 * @example
 * ```ts
 * verifyVoteLogChain(readVoteLog(store));
 * ```
 */
export function verifyVoteLogChain(entries: readonly VoteLogEntry[]): void {
  let previous = GENESIS_PREVIOUS_HASH;
  entries.forEach((entry, i) => {
    const corrupt = (reason: string) =>
      new BrightChainError(QuorumErrorCode.LOG_CORRUPT, `vote log entry ${i}: ${reason}`, {
        details: { sequence: i, reason },
      });
    if (entry.sequence !== i) throw corrupt('sequence out of order');
    if ((i === 0) !== (entry.body.kind === 'genesis'))
      throw corrupt('genesis must be the first entry and only there');
    if (!bytesEqual(entry.previousHash, previous)) throw corrupt('previous hash does not match');
    if (!bytesEqual(entry.hash, domainHash(LOG_ENTRY_DOMAIN, entry.bytes)))
      throw corrupt('hash does not match bytes');
    previous = entry.hash;
  });
}

/**
 * Appends `entries` (a Ready batch's `persist`) to the store log and flushes, checking that the
 * store's sequence numbers agree with the entries'. Call before sending the batch's messages.
 *
 * @throws BrightChainError `BC_VOTE_LOG_CORRUPT` if the store log is out of step with the
 * governor; store errors as thrown by the adapter
 * @example
 * ```ts
 * const ready = governor.ready();
 * appendVoteLog(store, ready.persist);
 * for (const { to, message } of ready.messages) transport.send(to, encodeGovernorMessage(message));
 * governor.advance();
 * ```
 */
export function appendVoteLog(
  store: Store,
  entries: readonly VoteLogEntry[],
  log: string = VOTE_LOG_NAME,
): void {
  for (const entry of entries) {
    const expected = store.logLength(log);
    if (expected !== entry.sequence) {
      throw new BrightChainError(QuorumErrorCode.LOG_CORRUPT, 'store log is out of step with the governor', {
        details: { storeLength: expected, entrySequence: entry.sequence },
      });
    }
    store.append(log, entry.bytes);
  }
  if (entries.length > 0) store.flush();
}

/**
 * Reads, decodes and chain-verifies the whole vote log from a store (after the store has dropped
 * any torn tail on open).
 *
 * @throws BrightChainError `BC_VOTE_LOG_CORRUPT` if an entry does not decode or the chain is broken
 * @example
 * ```ts
 * const entries = readVoteLog(new MemoryStore({ disk }));
 * const governor = QuorumGovernor.restore(options, entries);
 * ```
 */
export function readVoteLog(store: Store, log: string = VOTE_LOG_NAME): VoteLogEntry[] {
  const entries: VoteLogEntry[] = [];
  for (const { sequence, record } of store.readLog(log)) {
    try {
      entries.push(decodeVoteLogEntry(record));
    } catch (cause) {
      throw new BrightChainError(QuorumErrorCode.LOG_CORRUPT, `vote log entry ${sequence} does not decode`, {
        details: { sequence },
        cause,
      });
    }
  }
  verifyVoteLogChain(entries);
  return entries;
}
