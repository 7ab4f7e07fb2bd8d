/**
 * `QuorumGovernor`: the sans-I/O core of quorum governance on one member's node.
 *
 * In: `propose`, `castVote` and `sealDocument` commands from the local member, `step(from, message)`
 * for proposals, votes, documents, share releases and resharing deals from peers, and `tick(now)`
 * from the host's clock. Out: `Ready` batches of log entries to persist (before anything else),
 * messages to send and typed events. Every state change is an entry of the hash-chained vote log and
 * is applied through one function, so `restore(log)` rebuilds exactly the state that was
 * acknowledged. Randomness comes only from the injected `Random` and time only from `tick`, so a
 * simulator replays a run exactly.
 *
 * Rules (see docs/quorum.md): votes are final (no re-voting); a vote is counted only while its
 * proposal is OPEN and before its deadline; the deadline closes a vote only through `tick`; when an
 * approved MEMBER_ADDITION/MEMBER_REMOVAL changes the member set, every proposal still open under the
 * old epoch closes as EXPIRED (reason `epoch-changed`) and every sealed document is re-shared to the
 * new set; with fewer members than a rule asks for, the rule is capped at unanimity (bootstrap).
 */
import {
  bytesEqual,
  BrightChainError,
  CoreErrorCode,
  checksumToHex as toHex,
  type GuidV4,
  type Member,
  type Random,
  type Ready,
  ReadyBuilder,
  type StateMachine,
  isGuidV4,
  newGuidV4,
  publicKeyOf,
} from '@brightchain/core';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { eciesEncrypt } from './ecies';
import { QuorumErrorCode } from './error-codes';
import { type FeldmanShare, interpolateAtZero, verifyFeldmanShare } from './feldman-vss';
import { DEFAULT_GOVERNANCE_RULES, type GovernanceRules, checkGovernanceRules } from './governance-rules';
import type { GovernorEvent } from './governor-events';
import {
  type DealContext,
  type GovernorMessage,
  signDocumentSeal,
  verifyDocumentSeal,
} from './governor-messages';
import { MemberSet } from './member-set';
import {
  PROPOSAL_ACTIONS,
  type ParameterValue,
  type ProposalParameters,
  type SignedProposal,
  type UnsignedProposal,
  proposalHash,
  proposalTarget,
  signProposal,
  verifyProposalSignature,
} from './proposal';
import type { QuorumVote, QuorumVoteBallot, QuorumVoteStatus } from './quorum-vote';
import {
  type ReshareDeal,
  checkReshareDeal,
  combineReshare,
  dealReshare,
  designatedDealers,
  openSubShare,
} from './resharing';
import { scalarToBytes } from './scalar-field';
import {
  type DocumentSeal,
  type DocumentSharing,
  type EncryptedShare,
  type SealedDocument,
  checkSharing,
  decryptDocument,
  openEncryptedShare,
  sealDocument,
  shareContext,
  sharingHash,
} from './sealed-document';
import { type ShareRelease, createShareRelease, openShareRelease, verifyShareRelease } from './share-release';
import { type SignedVote, signVote, verifyVoteSignature } from './signed-vote';
import { countVotes } from './vote-counting';
import { resolveThreshold } from './threshold-rule';
import {
  type ClosedStatus,
  GENESIS_PREVIOUS_HASH,
  type OutcomeReason,
  type VoteLogBody,
  type VoteLogEntry,
  encodeVoteLogEntry,
  verifyVoteLogChain,
} from './vote-log';

/** The local member: its id and secret key (used to sign votes and open shares). */
export interface GovernorIdentity {
  readonly id: GuidV4;
  readonly secretKey: Uint8Array;
}

/**
 * The member set a governor starts from. Every node of a network starts from the same genesis
 * (epoch 0); a member joining later starts from the checkpoint of the epoch that added it
 * ({@link QuorumGovernor.checkpoint}).
 */
export interface GovernorGenesis {
  readonly members: readonly Member[];
  /** Default 0. */
  readonly epoch?: number;
  /** Default {@link DEFAULT_GOVERNANCE_RULES}. */
  readonly rules?: GovernanceRules;
}

/** Options shared by a fresh and a restored governor. */
export interface QuorumGovernorBaseOptions {
  readonly self: GovernorIdentity;
  /** Randomness for ids, nonces, polynomials and ECIES keys: `CryptoRandom` on real nodes. */
  readonly random: Random;
  /** The current time (ms since the Unix epoch, UTC, or a Date). */
  readonly now: number | Date;
  /** How far in the future a peer's timestamps may be (default 60 s). */
  readonly maxClockSkewMs?: number;
  /**
   * How long after its deadline a vote stays open for votes cast (timestamped) before the deadline
   * that are still in flight (default 0: a vote expires exactly at its deadline). See docs/quorum.md.
   */
  readonly expiryGraceMs?: number;
  /** Longest allowed voting period (default 30 days). */
  readonly maxVotingPeriodMs?: number;
}

/** Options of {@link QuorumGovernor}: start from a genesis, or restore from a vote log. */
export type QuorumGovernorOptions = QuorumGovernorBaseOptions &
  ({ readonly genesis: GovernorGenesis } | { readonly log: readonly VoteLogEntry[] });

/** Fields common to every proposal request. */
interface ProposalRequestBase {
  readonly justification: string;
  /** Absolute deadline: a Date or ms since the Unix epoch (UTC). */
  readonly deadline: Date | number;
  /** Extra parameters recorded with the proposal (must not reuse the type's own keys). */
  readonly parameters?: ProposalParameters;
}

/** What {@link QuorumGovernor.propose} accepts. */
export type ProposalRequest =
  | (ProposalRequestBase & { readonly type: 'MEMBER_ADDITION'; readonly member: Member })
  | (ProposalRequestBase & { readonly type: 'MEMBER_REMOVAL'; readonly memberId: GuidV4 })
  | (ProposalRequestBase & { readonly type: 'DOCUMENT_RECONSTRUCTION'; readonly documentId: GuidV4 });

/** A JSON-friendly picture of a governor's entire state, for tests and dashboards. */
export interface GovernorSnapshot {
  readonly now: number;
  readonly epoch: number;
  readonly memberSetHash: string;
  readonly members: readonly string[];
  readonly removed: readonly string[];
  readonly sequence: number;
  readonly head: string;
  readonly proposals: readonly {
    readonly voteId: string;
    readonly status: QuorumVoteStatus;
    readonly reason: string | null;
    readonly closedAt: number | null;
    readonly votes: readonly (readonly [string, boolean, number, string])[];
    readonly effectApplied: boolean;
  }[];
  readonly documents: readonly {
    readonly documentId: string;
    readonly sharingEpoch: number;
    readonly commitments: readonly string[];
    readonly holdsShare: boolean;
    readonly pending: { readonly toEpoch: number; readonly dealers: readonly string[] } | null;
  }[];
  readonly reconstructions: readonly {
    readonly voteId: string;
    readonly shares: readonly string[];
    readonly early: readonly string[];
    readonly done: boolean;
  }[];
  readonly futureDeals: number;
}

interface ProposalState {
  readonly proposal: SignedProposal;
  readonly hash: Uint8Array;
  readonly electorate: MemberSet;
  readonly votes: Map<GuidV4, SignedVote>;
  approvals: number;
  rejections: number;
  status: QuorumVoteStatus;
  closedAt: number | undefined;
  reason: OutcomeReason | undefined;
  /** The approved effect (epoch change / share release) has been recorded. */
  effectApplied: boolean;
}

interface PendingReshare {
  readonly toEpoch: number;
  readonly next: MemberSet;
  readonly deals: Map<GuidV4, ReshareDeal>;
  readonly subShares: Map<GuidV4, FeldmanShare>;
}

interface DocumentState {
  readonly document: SealedDocument;
  sharing: DocumentSharing;
  myShare: EncryptedShare | null;
  pending: PendingReshare | null;
}

interface ReconstructionState {
  readonly voteId: GuidV4;
  readonly documentId: GuidV4;
  readonly shares: Map<GuidV4, FeldmanShare>;
  readonly early: Map<GuidV4, ShareRelease>;
  done: boolean;
}

interface FutureDeal {
  readonly from: GuidV4;
  readonly deal: ReshareDeal;
  readonly context: DealContext | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_FUTURE_DEALS = 1024;

function fail(code: string, message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(code, message, { details });
}

/** The 33-byte compressed form of a valid public key; anything else unchanged (validation rejects it later). */
function compressedKeyOrRaw(publicKey: Uint8Array): Uint8Array {
  try {
    return secp256k1.Point.fromBytes(publicKey).toBytes(true);
  } catch {
    return publicKey;
  }
}

function toMs(value: number | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw fail(QuorumErrorCode.CONFIG_INVALID, `${field} must be a Date or integer ms since the Unix epoch`, {
      field,
    });
  }
  return ms;
}

/**
 * The quorum governance state machine of one member.
 *
 * @example
 * ```ts
 * const governor = new QuorumGovernor({
 *   self: { id: me.id, secretKey: me.secretKey },
 *   genesis: { members },
 *   random: new CryptoRandom(),
 *   now: clock.now(),
 * });
 * const vote = governor.propose({ type: 'MEMBER_ADDITION', member: newcomer, justification: 'more capacity', deadline: clock.now() + 3_600_000 });
 * governor.castVote(vote.voteId, true);
 * const ready = governor.ready();
 * appendVoteLog(store, ready.persist);            // 1. durable first
 * for (const { to, message } of ready.messages) transport.send(to, encodeGovernorMessage(message)); // 2.
 * for (const event of ready.events) console.log(event.type); // 3.
 * governor.advance();                              // 4.
 * ```
 */
export class QuorumGovernor implements StateMachine<GovernorMessage, VoteLogEntry, GovernorEvent> {
  private readonly self: GovernorIdentity;
  private readonly selfPublicKey: Uint8Array;
  private readonly random: Random;
  private readonly maxClockSkewMs: number;
  private readonly expiryGraceMs: number;
  private readonly maxVotingPeriodMs: number;
  private now: number;
  private members!: MemberSet;
  private rules!: GovernanceRules;
  private readonly known = new Map<GuidV4, Member>();
  private readonly removed = new Set<GuidV4>();
  private readonly proposals = new Map<GuidV4, ProposalState>();
  private readonly open = new Set<GuidV4>();
  private readonly documents = new Map<GuidV4, DocumentState>();
  private readonly reconstructions = new Map<GuidV4, ReconstructionState>();
  private readonly futureDeals: FutureDeal[] = [];
  private sequence = 0;
  private head: Uint8Array = GENESIS_PREVIOUS_HASH;
  private readonly outbox = new ReadyBuilder<GovernorMessage, VoteLogEntry, GovernorEvent>();
  private inFlight: Ready<GovernorMessage, VoteLogEntry, GovernorEvent> | undefined;

  /**
   * A governor starting from `genesis` (its first Ready persists the genesis entry), or restored
   * from a vote log (`log`, as returned by `readVoteLog`).
   *
   * @throws BrightChainError `BC_QUORUM_CONFIG_INVALID` for a bad identity, genesis or time;
   * `BC_QUORUM_THRESHOLD_INVALID` for bad rules; `BC_VOTE_LOG_CORRUPT` for a broken log
   */
  constructor(options: QuorumGovernorOptions) {
    const { self } = options;
    if (typeof self !== 'object' || self === null || !isGuidV4(self.id)) {
      throw fail(QuorumErrorCode.CONFIG_INVALID, 'self.id must be a GuidV4');
    }
    try {
      this.selfPublicKey = publicKeyOf(self.secretKey);
    } catch (cause) {
      throw new BrightChainError(QuorumErrorCode.CONFIG_INVALID, 'self.secretKey is not a valid secret key', {
        cause,
      });
    }
    this.self = { id: self.id, secretKey: Uint8Array.from(self.secretKey) };
    this.random = options.random;
    this.now = toMs(options.now, 'now');
    this.maxClockSkewMs = options.maxClockSkewMs ?? 60_000;
    this.expiryGraceMs = options.expiryGraceMs ?? 0;
    if (!Number.isSafeInteger(this.expiryGraceMs) || this.expiryGraceMs < 0) {
      throw fail(QuorumErrorCode.CONFIG_INVALID, 'expiryGraceMs must be a non-negative integer');
    }
    this.maxVotingPeriodMs = options.maxVotingPeriodMs ?? 30 * DAY_MS;
    if (!Number.isSafeInteger(this.maxClockSkewMs) || this.maxClockSkewMs < 0) {
      throw fail(QuorumErrorCode.CONFIG_INVALID, 'maxClockSkewMs must be a non-negative integer');
    }
    if (!Number.isSafeInteger(this.maxVotingPeriodMs) || this.maxVotingPeriodMs < 1) {
      throw fail(QuorumErrorCode.CONFIG_INVALID, 'maxVotingPeriodMs must be a positive integer');
    }
    if ('log' in options) {
      this.replay(options.log);
    } else {
      const rules = options.genesis.rules ?? DEFAULT_GOVERNANCE_RULES;
      checkGovernanceRules(rules);
      const members = MemberSet.create(options.genesis.epoch ?? 0, options.genesis.members);
      this.checkSelfKey(members);
      this.commit({ kind: 'genesis', members, rules });
    }
  }

  /**
   * A governor rebuilt from its vote log. Work the crash interrupted (an approved effect not yet
   * recorded, a resharing whose last deal was logged) is redone into the first Ready.
   *
   * @throws BrightChainError `BC_VOTE_LOG_CORRUPT` for a broken chain; `BC_QUORUM_CONFIG_INVALID`
   * if the log belongs to another member's key
   * @example
   * ```ts
   * const governor = QuorumGovernor.restore({ self, random, now: clock.now() }, readVoteLog(store));
   * ```
   */
  static restore(options: QuorumGovernorBaseOptions, log: readonly VoteLogEntry[]): QuorumGovernor {
    return new QuorumGovernor({ ...options, log });
  }

  // ---------------------------------------------------------------- queries

  /** The local member id. */
  get id(): GuidV4 {
    return this.self.id;
  }

  /** The current member set. */
  get memberSet(): MemberSet {
    return this.members;
  }

  /** The current epoch. */
  get epoch(): number {
    return this.members.epoch;
  }

  /** The governance rules from the genesis. */
  get governanceRules(): GovernanceRules {
    return this.rules;
  }

  /** The governor's current time (ms). */
  get currentTime(): number {
    return this.now;
  }

  /** Hash of the last log entry. */
  get logHead(): Uint8Array {
    return this.head;
  }

  /** Number of log entries written so far. */
  get logLength(): number {
    return this.sequence;
  }

  /**
   * The genesis a member joining at the current epoch starts from.
   *
   * @example
   * ```ts
   * const joiner = new QuorumGovernor({ self: newcomer, genesis: governor.checkpoint(), random, now });
   * ```
   */
  checkpoint(): Required<GovernorGenesis> {
    return { members: this.members.members, epoch: this.members.epoch, rules: this.rules };
  }

  /** The vote `voteId`, or undefined. */
  vote(voteId: GuidV4): QuorumVote | undefined {
    const state = this.proposals.get(voteId);
    return state === undefined ? undefined : this.view(state);
  }

  /** Every vote this governor knows, in the order opened. */
  votes(): QuorumVote[] {
    return [...this.proposals.values()].map((state) => this.view(state));
  }

  /** The current public sharing of `documentId`, or undefined. */
  documentSharing(documentId: GuidV4): DocumentSharing | undefined {
    return this.documents.get(documentId)?.sharing;
  }

  /** The sealed (encrypted) document `documentId`, or undefined. */
  sealedDocument(documentId: GuidV4): SealedDocument | undefined {
    return this.documents.get(documentId)?.document;
  }

  /** This member's encrypted share of `documentId` in the current sharing, or undefined. */
  encryptedShare(documentId: GuidV4): EncryptedShare | undefined {
    return this.documents.get(documentId)?.myShare ?? undefined;
  }

  /** A JSON-friendly picture of the whole state (not the pending Ready). */
  snapshot(): GovernorSnapshot {
    return {
      now: this.now,
      epoch: this.members.epoch,
      memberSetHash: toHex(this.members.hash),
      members: this.members.ids(),
      removed: [...this.removed].sort(),
      sequence: this.sequence,
      head: toHex(this.head),
      proposals: [...this.proposals.values()].map((s) => ({
        voteId: s.proposal.voteId,
        status: s.status,
        reason: s.reason ?? null,
        closedAt: s.closedAt ?? null,
        votes: [...s.votes.values()].map(
          (v) => [v.member, v.decision, v.timestamp, toHex(v.signature)] as const,
        ),
        effectApplied: s.effectApplied,
      })),
      documents: [...this.documents.values()].map((d) => ({
        documentId: d.document.documentId,
        sharingEpoch: d.sharing.epoch,
        commitments: d.sharing.commitments.map(toHex),
        holdsShare: d.myShare !== null,
        pending:
          d.pending === null ? null : { toEpoch: d.pending.toEpoch, dealers: [...d.pending.deals.keys()] },
      })),
      reconstructions: [...this.reconstructions.values()].map((r) => ({
        voteId: r.voteId,
        shares: [...r.shares.keys()],
        early: [...r.early.keys()],
        done: r.done,
      })),
      futureDeals: this.futureDeals.length,
    };
  }

  // ---------------------------------------------------------------- Ready

  /** True when `ready()` has something for the host. */
  hasReady(): boolean {
    return this.inFlight !== undefined || this.outbox.nonEmpty;
  }

  /**
   * The pending batch: persist `persist` (e.g. `appendVoteLog(store, batch.persist)`), then send
   * `messages`, then surface `events`, then call `advance()`. Until `advance()`, the same batch is
   * returned again.
   */
  ready(): Ready<GovernorMessage, VoteLogEntry, GovernorEvent> {
    if (this.inFlight === undefined) this.inFlight = this.outbox.take();
    return this.inFlight;
  }

  /** Acknowledges the batch returned by `ready()`. */
  advance(): void {
    this.inFlight = undefined;
  }

  // ---------------------------------------------------------------- commands

  /**
   * Opens a proposal signed by the local member and broadcasts it. The initiator does not vote
   * implicitly: call {@link castVote} too.
   *
   * @throws BrightChainError `BC_QUORUM_INITIATOR_NOT_MEMBER` if the local member is not a member;
   * `BC_QUORUM_PROPOSAL_INVALID` (bad target, parameters, deadline), `BC_QUORUM_TOO_FEW_MEMBERS`,
   * `BC_DOCUMENT_UNKNOWN` (reconstruction of an unknown document), `BC_VOTE_EXPIRED` (deadline not
   * in the future)
   * @example
   * ```ts
   * const vote = governor.propose({ type: 'MEMBER_REMOVAL', memberId, justification: 'offline for 90 days', deadline: new Date(Date.UTC(2030, 0, 1)) });
   * ```
   */
  propose(request: ProposalRequest): QuorumVote {
    if (!this.members.has(this.self.id)) {
      throw fail(QuorumErrorCode.INITIATOR_NOT_MEMBER, 'only members can propose', { member: this.self.id });
    }
    let deadline: number;
    try {
      deadline = toMs(request.deadline, 'deadline');
    } catch {
      throw fail(
        QuorumErrorCode.PROPOSAL_INVALID,
        'deadline must be a Date or integer ms since the Unix epoch',
      );
    }
    if (deadline <= this.now) {
      throw fail(QuorumErrorCode.VOTE_EXPIRED, 'deadline must be in the future', { deadline, now: this.now });
    }
    const typed = new Map<string, ParameterValue>();
    if (request.type === 'MEMBER_ADDITION') {
      typed.set('memberId', request.member.id);
      typed.set('publicKey', compressedKeyOrRaw(request.member.publicKey));
      if (request.member.name !== undefined) typed.set('name', request.member.name);
    } else if (request.type === 'MEMBER_REMOVAL') {
      typed.set('memberId', request.memberId);
    } else {
      typed.set('documentId', request.documentId);
      if (!this.documents.has(request.documentId)) {
        throw fail(QuorumErrorCode.DOCUMENT_UNKNOWN, 'no such sealed document', {
          documentId: request.documentId,
        });
      }
    }
    const extra = request.parameters ?? new Map<string, ParameterValue>();
    if (!(extra instanceof Map)) throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'parameters must be a Map');
    for (const key of extra.keys()) {
      if (typed.has(key))
        throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'extra parameter reuses a typed key', { key });
    }
    const parameters = new Map([...typed, ...extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const resolved = resolveThreshold(this.rules[request.type], this.members.size);
    const draft: Omit<UnsignedProposal, 'voteId'> = {
      type: request.type,
      initiator: this.self.id,
      proposal: { action: PROPOSAL_ACTIONS[request.type], parameters, justification: request.justification },
      epoch: this.members.epoch,
      memberSetHash: this.members.hash,
      openedAt: this.now,
      deadline,
      threshold: resolved.approvals,
      quorum: resolved.quorum,
    };
    // Every check that can fail runs before the vote id is drawn, so a refused command consumes no randomness.
    const probe = { ...draft, voteId: '00000000-0000-4000-8000-000000000000' as GuidV4 };
    proposalTarget(probe);
    this.checkProposalAgainstState(probe);
    const signed = signProposal({ ...draft, voteId: newGuidV4(this.random) }, this.self.secretKey);
    const hash = proposalHash(signed);
    this.checkProposal(signed, hash);
    this.openProposal(signed);
    for (const member of this.members.members) {
      if (member.id !== this.self.id) this.outbox.send(member.id, { kind: 'proposal', proposal: signed });
    }
    return this.vote(signed.voteId) as QuorumVote;
  }

  /**
   * Casts (signs, records and broadcasts) the local member's vote, timestamped with the current
   * time. Votes are final.
   *
   * @throws BrightChainError `BC_VOTE_UNKNOWN_PROPOSAL`, `BC_VOTE_CLOSED`, `BC_VOTE_EXPIRED`,
   * `BC_VOTE_NOT_MEMBER`, `BC_VOTE_MEMBER_REMOVED`, `BC_VOTE_DUPLICATE`
   * @example
   * ```ts
   * governor.castVote(voteId, true);
   * ```
   */
  castVote(voteId: GuidV4, decision: boolean): SignedVote {
    const state = this.proposals.get(voteId);
    if (state === undefined)
      throw fail(QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL, 'no such proposal', { voteId });
    if (typeof decision !== 'boolean')
      throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'decision must be a boolean');
    this.checkVoteAgainstState(state, {
      member: this.self.id,
      epoch: state.proposal.epoch,
      timestamp: this.now,
    });
    const vote = signVote(
      {
        voteId,
        proposalHash: state.hash,
        epoch: state.proposal.epoch,
        member: this.self.id,
        decision,
        timestamp: this.now,
      },
      this.self.secretKey,
    );
    this.checkVote(state, vote);
    this.acceptVote(state, vote);
    for (const member of state.electorate.members) {
      if (member.id !== this.self.id)
        this.outbox.send(member.id, { kind: 'vote', proposal: state.proposal, vote });
    }
    return vote;
  }

  /**
   * Seals a document: encrypts it, Feldman-shares its key among the current members and
   * broadcasts the seal. The threshold defaults to the approvals a DOCUMENT_RECONSTRUCTION vote
   * needs now.
   *
   * @throws BrightChainError `BC_QUORUM_INITIATOR_NOT_MEMBER` if the local member is not a member;
   * `BC_QUORUM_TOO_FEW_MEMBERS` while bootstrapping (fewer members than the rule asks for, unless a
   * threshold is given) or if the threshold exceeds the members that would remain after pending
   * removals; `BC_DOCUMENT_INVALID` for a duplicate document id
   * @example
   * ```ts
   * const { documentId } = governor.sealDocument({ plaintext: new TextEncoder().encode('root key') });
   * ```
   */
  sealDocument(options: {
    readonly plaintext: Uint8Array;
    readonly documentId?: GuidV4;
    readonly threshold?: number;
  }): {
    readonly documentId: GuidV4;
    readonly sharing: DocumentSharing;
  } {
    if (!this.members.has(this.self.id)) {
      throw fail(QuorumErrorCode.INITIATOR_NOT_MEMBER, 'only members can seal documents', {
        member: this.self.id,
      });
    }
    if (!(options.plaintext instanceof Uint8Array))
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'plaintext must be bytes');
    const resolved = resolveThreshold(this.rules.DOCUMENT_RECONSTRUCTION, this.members.size);
    if (options.threshold === undefined && resolved.bootstrap) {
      throw fail(
        QuorumErrorCode.TOO_FEW_MEMBERS,
        'cannot seal while bootstrapping without an explicit threshold',
        {
          members: this.members.size,
        },
      );
    }
    const threshold = options.threshold ?? resolved.approvals;
    const pendingRemovals = [...this.open].filter(
      (id) => this.proposals.get(id)?.proposal.type === 'MEMBER_REMOVAL',
    ).length;
    if (
      !Number.isSafeInteger(threshold) ||
      threshold < 1 ||
      threshold > this.members.size - pendingRemovals
    ) {
      throw fail(
        QuorumErrorCode.TOO_FEW_MEMBERS,
        'threshold must be in 1..members (minus pending removals)',
        {
          threshold,
          members: this.members.size,
          pendingRemovals,
        },
      );
    }
    if (
      options.documentId !== undefined &&
      (!isGuidV4(options.documentId) || this.documents.has(options.documentId))
    ) {
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'document id is malformed or already used', {
        documentId: String(options.documentId),
      });
    }
    const documentId = options.documentId ?? newGuidV4(this.random);
    const seal = sealDocument({
      documentId,
      plaintext: options.plaintext,
      members: this.members,
      threshold,
      sealedBy: this.self.id,
      random: this.random,
    });
    const signature = signDocumentSeal(seal, this.self.secretKey);
    this.commit({ kind: 'document', seal });
    this.outbox.emit({ type: 'documentSealed', documentId, epoch: this.members.epoch, threshold });
    for (const member of this.members.members) {
      if (member.id !== this.self.id) this.outbox.send(member.id, { kind: 'document', seal, signature });
    }
    return { documentId, sharing: seal.sharing };
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Feeds a message from peer `from`. An invalid message never changes state: it produces a
   * `voteRejected` or `messageRejected` event carrying the typed error code.
   */
  step(from: GuidV4, message: GovernorMessage): void {
    if (message.kind === 'vote') {
      try {
        this.receiveVote(message.proposal, message.vote);
      } catch (error) {
        if (!BrightChainError.isInstance(error)) throw error;
        this.outbox.emit({
          type: 'voteRejected',
          voteId: message.vote.voteId,
          member: message.vote.member,
          from,
          code: error.code,
          message: error.message,
        });
      }
      return;
    }
    try {
      switch (message.kind) {
        case 'proposal':
          this.receiveProposal(message.proposal);
          return;
        case 'document':
          this.receiveDocument(message.seal, message.signature);
          return;
        case 'release':
          this.receiveRelease(message.release);
          return;
        case 'deal':
          this.receiveDeal(from, message.deal, message.context);
          return;
        default:
          throw fail(QuorumErrorCode.MESSAGE_INVALID, 'unknown message kind');
      }
    } catch (error) {
      if (!BrightChainError.isInstance(error)) throw error;
      this.outbox.emit({
        type: 'messageRejected',
        kind: message.kind,
        from,
        code: error.code,
        message: error.message,
      });
    }
  }

  /**
   * Advances time. Every OPEN vote whose deadline (plus `expiryGraceMs`, default 0) is at or before
   * `now` closes as EXPIRED, now (never lazily on a later vote). Earlier times than the current one
   * are ignored.
   *
   * @throws BrightChainError `BC_CLOCK_INVALID` if `now` is not a finite integer
   */
  tick(now: number): void {
    if (!Number.isSafeInteger(now)) {
      throw fail(CoreErrorCode.CLOCK_INVALID, 'tick(now) needs integer ms since the Unix epoch', { now });
    }
    if (now < this.now) return;
    this.now = now;
    for (const voteId of [...this.open]) {
      const state = this.proposals.get(voteId) as ProposalState;
      if (state.status === 'OPEN' && state.proposal.deadline + this.expiryGraceMs <= now) {
        this.close(state, 'EXPIRED', 'deadline');
      }
    }
  }

  // ---------------------------------------------------------------- proposals and votes

  private receiveProposal(proposal: SignedProposal): void {
    const hash = proposalHash(proposal);
    this.checkProposal(proposal, hash);
    this.openProposal(proposal);
  }

  private receiveVote(proposal: SignedProposal, vote: SignedVote): void {
    let state = this.proposals.get(vote.voteId);
    if (state === undefined) {
      if (proposal.voteId !== vote.voteId) {
        throw fail(QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL, 'no such proposal', { voteId: vote.voteId });
      }
      const hash = proposalHash(proposal);
      if (!bytesEqual(hash, vote.proposalHash)) {
        throw fail(QuorumErrorCode.VOTE_PROPOSAL_MISMATCH, 'vote signs another proposal', {
          voteId: vote.voteId,
        });
      }
      // Check both the embedded proposal and the vote before opening anything.
      this.checkProposal(proposal, hash);
      this.checkVote(this.newProposalState(proposal, hash), vote);
      this.openProposal(proposal);
      state = this.proposals.get(vote.voteId) as ProposalState;
    } else {
      this.checkVote(state, vote);
    }
    this.acceptVote(state, vote);
  }

  /** Checks a proposal against the state; throws typed errors; changes nothing. */
  private checkProposal(proposal: SignedProposal, hash: Uint8Array): void {
    if (this.proposals.has(proposal.voteId)) {
      const known = this.proposals.get(proposal.voteId) as ProposalState;
      throw fail(QuorumErrorCode.PROPOSAL_DUPLICATE, 'a proposal with this vote id is already known', {
        voteId: proposal.voteId,
        conflicting: !bytesEqual(known.hash, hash),
      });
    }
    proposalTarget(proposal);
    this.checkProposalAgainstState(proposal);
    const initiator = this.members.get(proposal.initiator) as Member;
    if (!verifyProposalSignature(proposal, initiator.publicKey)) {
      throw fail(QuorumErrorCode.PROPOSAL_SIGNATURE_INVALID, 'initiator signature does not verify', {
        voteId: proposal.voteId,
        initiator: proposal.initiator,
      });
    }
  }

  private checkProposalAgainstState(p: UnsignedProposal): void {
    if (p.epoch !== this.members.epoch || !bytesEqual(p.memberSetHash, this.members.hash)) {
      throw fail(QuorumErrorCode.VOTE_WRONG_EPOCH, 'proposal is for another member-set epoch', {
        epoch: p.epoch,
        currentEpoch: this.members.epoch,
      });
    }
    if (!this.members.has(p.initiator)) {
      throw fail(
        this.removed.has(p.initiator)
          ? QuorumErrorCode.VOTE_MEMBER_REMOVED
          : QuorumErrorCode.INITIATOR_NOT_MEMBER,
        'initiator is not a member',
        { initiator: p.initiator },
      );
    }
    const resolved = resolveThreshold(this.rules[p.type], this.members.size);
    if (p.threshold !== resolved.approvals || p.quorum !== resolved.quorum) {
      throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'threshold or quorum differs from the governance rules', {
        threshold: p.threshold,
        quorum: p.quorum,
        expected: { threshold: resolved.approvals, quorum: resolved.quorum },
      });
    }
    if (p.deadline + this.expiryGraceMs <= this.now) {
      throw fail(QuorumErrorCode.VOTE_EXPIRED, 'deadline has passed', {
        deadline: p.deadline,
        now: this.now,
      });
    }
    if (p.openedAt > this.now + this.maxClockSkewMs) {
      throw fail(QuorumErrorCode.VOTE_TIMESTAMP_INVALID, 'proposal opened in the future', {
        openedAt: p.openedAt,
      });
    }
    if (p.deadline <= p.openedAt || p.deadline - p.openedAt > this.maxVotingPeriodMs) {
      throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'voting period is empty or longer than allowed', {
        openedAt: p.openedAt,
        deadline: p.deadline,
        maxVotingPeriodMs: this.maxVotingPeriodMs,
      });
    }
    const target = proposalTarget(p);
    if (target.type === 'MEMBER_ADDITION' && this.members.has(target.member.id)) {
      throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'already a member', { member: target.member.id });
    }
    if (target.type === 'MEMBER_REMOVAL') {
      if (!this.members.has(target.memberId)) {
        throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'not a member', { member: target.memberId });
      }
      const needed = Math.max(1, ...[...this.documents.values()].map((d) => d.sharing.threshold));
      if (this.members.size - 1 < needed) {
        throw fail(
          QuorumErrorCode.TOO_FEW_MEMBERS,
          'removal would leave fewer members than a document needs',
          {
            members: this.members.size,
            needed,
          },
        );
      }
    }
  }

  private openProposal(proposal: SignedProposal): void {
    this.commit({ kind: 'proposal', proposal });
    this.outbox.emit({
      type: 'proposalOpened',
      voteId: proposal.voteId,
      voteType: proposal.type,
      initiator: proposal.initiator,
      epoch: proposal.epoch,
      deadline: proposal.deadline,
    });
  }

  private checkVoteAgainstState(
    state: ProposalState,
    vote: Pick<SignedVote, 'member' | 'epoch' | 'timestamp'>,
  ): void {
    const p = state.proposal;
    const details = { voteId: p.voteId, member: vote.member };
    if (vote.epoch !== p.epoch) {
      throw fail(QuorumErrorCode.VOTE_WRONG_EPOCH, 'vote is for another epoch', {
        ...details,
        epoch: vote.epoch,
      });
    }
    if (state.status === 'EXPIRED') throw fail(QuorumErrorCode.VOTE_EXPIRED, 'the vote has expired', details);
    if (state.status !== 'OPEN') {
      throw fail(QuorumErrorCode.VOTE_CLOSED, `the vote is already ${state.status}`, {
        ...details,
        status: state.status,
      });
    }
    if (vote.timestamp >= p.deadline) {
      throw fail(QuorumErrorCode.VOTE_EXPIRED, 'vote cast at or after the deadline', {
        ...details,
        timestamp: vote.timestamp,
        deadline: p.deadline,
      });
    }
    if (vote.timestamp < p.openedAt || vote.timestamp > this.now + this.maxClockSkewMs) {
      throw fail(QuorumErrorCode.VOTE_TIMESTAMP_INVALID, 'vote timestamp outside [openedAt, now + skew]', {
        ...details,
        timestamp: vote.timestamp,
      });
    }
    if (!state.electorate.has(vote.member)) {
      throw fail(
        this.removed.has(vote.member) ? QuorumErrorCode.VOTE_MEMBER_REMOVED : QuorumErrorCode.VOTE_NOT_MEMBER,
        'voter is not a member of this vote',
        details,
      );
    }
  }

  /** Every check of a vote; throws typed errors; changes nothing. */
  private checkVote(state: ProposalState, vote: SignedVote): void {
    if (vote.voteId !== state.proposal.voteId) {
      throw fail(QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL, 'vote is for another proposal', {
        voteId: vote.voteId,
      });
    }
    if (!bytesEqual(vote.proposalHash, state.hash)) {
      throw fail(QuorumErrorCode.VOTE_PROPOSAL_MISMATCH, 'vote signs another proposal (replay)', {
        voteId: vote.voteId,
        member: vote.member,
      });
    }
    this.checkVoteAgainstState(state, vote);
    const member = state.electorate.get(vote.member) as Member;
    if (!verifyVoteSignature(vote, member.publicKey)) {
      throw fail(QuorumErrorCode.VOTE_SIGNATURE_INVALID, 'vote signature does not verify', {
        voteId: vote.voteId,
        member: vote.member,
      });
    }
    if (state.votes.has(vote.member)) {
      throw fail(QuorumErrorCode.VOTE_DUPLICATE, 'member has already voted; votes are final', {
        voteId: vote.voteId,
        member: vote.member,
      });
    }
  }

  private acceptVote(state: ProposalState, vote: SignedVote): void {
    this.commit({ kind: 'vote', vote });
    this.outbox.emit({
      type: 'voteAccepted',
      voteId: vote.voteId,
      member: vote.member,
      decision: vote.decision,
      approvals: state.approvals,
      rejections: state.rejections,
    });
    const outcome = countVotes({
      members: state.electorate.size,
      approvals: state.approvals,
      rejections: state.rejections,
      requiredApprovals: state.proposal.threshold,
      requiredQuorum: state.proposal.quorum,
    });
    if (outcome === 'APPROVED') this.close(state, 'APPROVED', 'threshold');
    else if (outcome === 'REJECTED') this.close(state, 'REJECTED', 'impossible');
  }

  private close(state: ProposalState, status: ClosedStatus, reason: OutcomeReason): void {
    const p = state.proposal;
    this.commit({
      kind: 'outcome',
      voteId: p.voteId,
      status,
      reason,
      at: this.now,
      approvals: state.approvals,
      rejections: state.rejections,
    });
    const type =
      status === 'APPROVED'
        ? 'proposalApproved'
        : status === 'REJECTED'
          ? 'proposalRejected'
          : 'proposalExpired';
    this.outbox.emit({
      type,
      voteId: p.voteId,
      voteType: p.type,
      approvals: state.approvals,
      rejections: state.rejections,
      reason,
    });
    if (status === 'APPROVED') this.applyEffect(state);
  }

  private applyEffect(state: ProposalState): void {
    const target = proposalTarget(state.proposal);
    if (target.type === 'DOCUMENT_RECONSTRUCTION') {
      this.releaseShare(state, target.documentId);
      this.drainEarlyReleases(state);
      return;
    }
    const previous = this.members;
    let next: MemberSet;
    try {
      if (state.proposal.epoch !== previous.epoch) throw new Error('stale');
      next =
        target.type === 'MEMBER_ADDITION'
          ? previous.withMember(target.member)
          : previous.withoutMember(target.memberId);
    } catch {
      // Unreachable in practice: proposals of an older epoch close when the epoch changes.
      state.effectApplied = true;
      return;
    }
    this.commit({ kind: 'epoch', members: next, cause: state.proposal.voteId });
    if (target.type === 'MEMBER_ADDITION') {
      this.outbox.emit({
        type: 'memberAdded',
        member: target.member,
        epoch: next.epoch,
        voteId: state.proposal.voteId,
      });
    } else {
      this.outbox.emit({
        type: 'memberRemoved',
        memberId: target.memberId,
        epoch: next.epoch,
        voteId: state.proposal.voteId,
      });
    }
    this.outbox.emit({
      type: 'epochChanged',
      previousEpoch: previous.epoch,
      epoch: next.epoch,
      members: next.ids(),
    });
    for (const voteId of [...this.open]) {
      const other = this.proposals.get(voteId) as ProposalState;
      if (other.proposal.epoch < next.epoch) this.close(other, 'EXPIRED', 'epoch-changed');
    }
    for (const document of this.documents.values()) this.dealIfDesignated(document);
    const buffered = this.futureDeals.splice(0);
    for (const { from, deal, context } of buffered) this.step(from, { kind: 'deal', deal, context });
  }

  // ---------------------------------------------------------------- documents

  private receiveDocument(seal: DocumentSeal, signature: Uint8Array): void {
    const { document, sharing, shares } = seal;
    if (this.documents.has(document.documentId)) {
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'document already known', {
        documentId: document.documentId,
      });
    }
    const sealer = this.members.get(document.sealedBy);
    if (sealer === undefined) {
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'sealer is not a member', { sealedBy: document.sealedBy });
    }
    if (document.epoch !== this.members.epoch || sharing.epoch !== this.members.epoch) {
      throw fail(QuorumErrorCode.VOTE_WRONG_EPOCH, 'document is shared for another epoch', {
        epoch: sharing.epoch,
      });
    }
    const holders = this.members.ids();
    if (sharing.holders.length !== holders.length || sharing.holders.some((id, i) => id !== holders[i])) {
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'holders differ from the current member set');
    }
    checkSharing(document, sharing);
    if (
      shares.length !== holders.length ||
      shares.some(
        (s, i) =>
          s.documentId !== document.documentId ||
          s.epoch !== sharing.epoch ||
          s.member !== holders[i] ||
          s.index !== i + 1,
      )
    ) {
      throw fail(
        QuorumErrorCode.DOCUMENT_INVALID,
        'one encrypted share per holder, in index order, expected',
      );
    }
    if (!verifyDocumentSeal(seal, signature, sealer.publicKey)) {
      throw fail(QuorumErrorCode.DOCUMENT_INVALID, 'sealer signature does not verify', {
        sealedBy: document.sealedBy,
      });
    }
    const mine = shares.find((s) => s.member === this.self.id);
    if (mine !== undefined) {
      let ok = false;
      try {
        ok = verifyFeldmanShare(openEncryptedShare(mine, this.self.secretKey), sharing.commitments);
      } catch {
        ok = false;
      }
      if (!ok) {
        throw fail(
          QuorumErrorCode.SHARE_INVALID,
          'my share does not verify against the commitments (bad dealer)',
          {
            documentId: document.documentId,
            sealedBy: document.sealedBy,
          },
        );
      }
    }
    this.commit({ kind: 'document', seal });
    this.outbox.emit({
      type: 'documentSealed',
      documentId: document.documentId,
      epoch: sharing.epoch,
      threshold: sharing.threshold,
    });
  }

  private releaseShare(state: ProposalState, documentId: GuidV4): void {
    const document = this.documents.get(documentId);
    if (
      document === undefined ||
      document.myShare === null ||
      document.myShare.epoch !== document.sharing.epoch
    ) {
      state.effectApplied = true; // nothing this node can release
      return;
    }
    const requester = state.proposal.initiator;
    const requesterKey = (state.electorate.get(requester) as Member).publicKey;
    let share: FeldmanShare;
    try {
      share = openEncryptedShare(document.myShare, this.self.secretKey);
    } catch {
      state.effectApplied = true;
      return;
    }
    const release = createShareRelease({
      voteId: state.proposal.voteId,
      documentId,
      epoch: document.sharing.epoch,
      member: this.self.id,
      share,
      requesterPublicKey: requesterKey,
      holderSecretKey: this.self.secretKey,
      random: this.random,
    });
    this.commit({
      kind: 'release',
      voteId: state.proposal.voteId,
      documentId,
      epoch: release.epoch,
      to: requester,
    });
    this.outbox.emit({ type: 'shareReleased', voteId: state.proposal.voteId, documentId, to: requester });
    if (requester === this.self.id) this.step(this.self.id, { kind: 'release', release });
    else this.outbox.send(requester, { kind: 'release', release });
  }

  private drainEarlyReleases(state: ProposalState): void {
    const reconstruction = this.reconstructions.get(state.proposal.voteId);
    if (reconstruction === undefined) return;
    const early = [...reconstruction.early.values()];
    reconstruction.early.clear();
    for (const release of early) {
      if (reconstruction.done) return;
      try {
        this.processRelease(state, reconstruction, release);
      } catch (error) {
        if (!BrightChainError.isInstance(error)) throw error;
        this.outbox.emit({
          type: 'messageRejected',
          kind: 'release',
          from: release.member,
          code: error.code,
          message: error.message,
        });
      }
    }
  }

  private receiveRelease(release: ShareRelease): void {
    const state = this.proposals.get(release.voteId);
    if (state === undefined)
      throw fail(QuorumErrorCode.VOTE_UNKNOWN_PROPOSAL, 'no such proposal', { voteId: release.voteId });
    const reconstruction = this.reconstructions.get(release.voteId);
    if (reconstruction === undefined || reconstruction.documentId !== release.documentId) {
      throw fail(QuorumErrorCode.PROPOSAL_INVALID, 'not a reconstruction requested by this member', {
        voteId: release.voteId,
      });
    }
    if (reconstruction.done) return; // a late but valid release: nothing left to do with it
    if (!state.electorate.has(release.member)) {
      throw fail(QuorumErrorCode.VOTE_NOT_MEMBER, 'releasing member is not a member', {
        member: release.member,
      });
    }
    if (state.status === 'OPEN') {
      // The holder saw the approval before this node did: keep one release per member until it does.
      if (reconstruction.early.has(release.member) || reconstruction.shares.has(release.member)) {
        throw fail(QuorumErrorCode.VOTE_DUPLICATE, 'release already received', { member: release.member });
      }
      const member = this.known.get(release.member) as Member;
      if (!verifyShareRelease(release, member.publicKey)) {
        throw fail(QuorumErrorCode.SHARE_INVALID, 'release signature does not verify', {
          member: release.member,
        });
      }
      reconstruction.early.set(release.member, release);
      return;
    }
    if (state.status !== 'APPROVED') {
      throw fail(QuorumErrorCode.VOTE_CLOSED, `the vote is ${state.status}`, { voteId: release.voteId });
    }
    this.processRelease(state, reconstruction, release);
  }

  private processRelease(
    state: ProposalState,
    reconstruction: ReconstructionState,
    release: ShareRelease,
  ): void {
    const document = this.documents.get(release.documentId);
    if (document === undefined) {
      throw fail(QuorumErrorCode.DOCUMENT_UNKNOWN, 'no such sealed document', {
        documentId: release.documentId,
      });
    }
    if (reconstruction.shares.has(release.member)) {
      throw fail(QuorumErrorCode.VOTE_DUPLICATE, 'release already accepted', { member: release.member });
    }
    const member = this.known.get(release.member) as Member;
    if (!verifyShareRelease(release, member.publicKey)) {
      throw fail(QuorumErrorCode.SHARE_INVALID, 'release signature does not verify', {
        member: release.member,
      });
    }
    const sharing = document.sharing;
    const rejectShare = (code: string, message: string) => {
      this.outbox.emit({
        type: 'shareRejected',
        voteId: release.voteId,
        documentId: release.documentId,
        member: release.member,
        code,
        message,
      });
    };
    if (release.epoch !== sharing.epoch || sharing.holders.indexOf(release.member) + 1 !== release.index) {
      rejectShare(
        QuorumErrorCode.SHARE_INVALID,
        'share is not from the current sharing or has the wrong index',
      );
      return;
    }
    let share: FeldmanShare;
    try {
      share = openShareRelease(release, this.self.secretKey);
    } catch (error) {
      rejectShare(
        BrightChainError.isInstance(error) ? error.code : QuorumErrorCode.ECIES_INVALID,
        'share does not decrypt',
      );
      return;
    }
    if (!verifyFeldmanShare(share, sharing.commitments)) {
      rejectShare(QuorumErrorCode.SHARE_INVALID, 'share does not verify against the Feldman commitments');
      return;
    }
    const collected = [...reconstruction.shares.values(), share];
    if (collected.length < sharing.threshold) {
      reconstruction.shares.set(release.member, share);
      return;
    }
    const secret = interpolateAtZero(collected.slice(0, sharing.threshold));
    const plaintext = decryptDocument(document.document, secret); // throws before any state change
    reconstruction.shares.set(release.member, share);
    this.commit({ kind: 'reconstructed', voteId: state.proposal.voteId, documentId: release.documentId });
    this.outbox.emit({
      type: 'documentReconstructed',
      voteId: state.proposal.voteId,
      documentId: release.documentId,
      plaintext,
    });
  }

  // ---------------------------------------------------------------- resharing

  private dealIfDesignated(document: DocumentState): void {
    const pending = document.pending;
    if (pending === null || pending.deals.has(this.self.id) || document.myShare === null) return;
    if (document.myShare.epoch !== document.sharing.epoch) return;
    if (!designatedDealers(document.sharing, pending.next).includes(this.self.id)) return;
    let share: FeldmanShare;
    try {
      share = openEncryptedShare(document.myShare, this.self.secretKey);
    } catch {
      return;
    }
    const deal = dealReshare({
      source: document.sharing,
      share,
      dealer: this.self.id,
      dealerSecretKey: this.self.secretKey,
      next: pending.next,
      random: this.random,
    });
    this.commit({ kind: 'deal', deal });
    const context: DealContext = { document: document.document, sharing: document.sharing };
    for (const member of pending.next.members) {
      if (member.id === this.self.id) continue;
      this.outbox.send(member.id, {
        kind: 'deal',
        deal,
        context: document.sharing.holders.includes(member.id) ? null : context,
      });
    }
    this.completeResharing(document);
  }

  private receiveDeal(from: GuidV4, deal: ReshareDeal, context: DealContext | null): void {
    if (deal.toEpoch > this.members.epoch) {
      if (this.futureDeals.length >= MAX_FUTURE_DEALS) this.futureDeals.shift();
      this.futureDeals.push({ from, deal, context });
      return;
    }
    if (deal.toEpoch < this.members.epoch) {
      throw fail(QuorumErrorCode.RESHARE_DEAL_INVALID, 'deal is for an earlier epoch', {
        dealer: deal.dealer,
        toEpoch: deal.toEpoch,
      });
    }
    const existing = this.documents.get(deal.documentId);
    let source: DocumentSharing;
    let adopt: DocumentSeal | null = null;
    if (existing === undefined) {
      if (context === null) {
        throw fail(QuorumErrorCode.DOCUMENT_UNKNOWN, 'deal for an unknown document without context', {
          documentId: deal.documentId,
        });
      }
      checkSharing(context.document, context.sharing);
      if (!bytesEqual(sharingHash(context.sharing), deal.sourceSharingHash)) {
        throw fail(
          QuorumErrorCode.RESHARE_DEAL_INVALID,
          'deal context is not the sharing the deal starts from',
          {
            dealer: deal.dealer,
          },
        );
      }
      source = context.sharing;
      adopt = { document: context.document, sharing: context.sharing, shares: [] };
    } else {
      if (existing.pending === null || existing.pending.toEpoch !== deal.toEpoch) {
        throw fail(QuorumErrorCode.RESHARE_DEAL_INVALID, 'no resharing of this document is in progress', {
          dealer: deal.dealer,
        });
      }
      if (existing.pending.deals.has(deal.dealer)) {
        throw fail(QuorumErrorCode.RESHARE_DEAL_INVALID, 'deal from this dealer already accepted', {
          dealer: deal.dealer,
        });
      }
      source = existing.sharing;
    }
    const dealer = this.known.get(deal.dealer);
    if (dealer === undefined) {
      throw fail(QuorumErrorCode.RESHARE_DEAL_INVALID, 'dealer key unknown', { dealer: deal.dealer });
    }
    checkReshareDeal(deal, source, this.members, dealer.publicKey);
    if (this.members.has(this.self.id)) openSubShare(deal, this.self.id, this.self.secretKey);
    if (adopt !== null) this.commit({ kind: 'document', seal: adopt });
    this.commit({ kind: 'deal', deal });
    this.completeResharing(this.documents.get(deal.documentId) as DocumentState);
  }

  private completeResharing(document: DocumentState): void {
    const pending = document.pending;
    if (pending === null) return;
    const dealers = designatedDealers(document.sharing, pending.next);
    if (!dealers.every((dealer) => pending.deals.has(dealer))) return;
    const mine = pending.next.has(this.self.id);
    const { sharing, share } = combineReshare({
      source: document.sharing,
      next: pending.next,
      deals: [...pending.deals.values()],
      ...(mine ? { subShares: pending.subShares } : {}),
    });
    let encrypted: EncryptedShare | null = null;
    if (share !== undefined) {
      const index = pending.next.indexOf(this.self.id);
      encrypted = {
        documentId: sharing.documentId,
        epoch: sharing.epoch,
        member: this.self.id,
        index,
        envelope: eciesEncrypt(
          this.selfPublicKey,
          scalarToBytes(share.value),
          shareContext(sharing.documentId, sharing.epoch, this.self.id, index),
          this.random,
        ),
      };
    }
    this.commit({ kind: 'sharing', sharing, share: encrypted });
    this.outbox.emit({ type: 'documentReshared', documentId: sharing.documentId, epoch: sharing.epoch });
  }

  // ---------------------------------------------------------------- the log

  /** Encodes `body` as the next log entry, applies it to the state and queues it for persistence. */
  private commit(body: VoteLogBody): VoteLogEntry {
    const entry = encodeVoteLogEntry(this.sequence, this.head, body);
    this.apply(entry.body);
    this.sequence += 1;
    this.head = entry.hash;
    this.outbox.persist(entry);
    return entry;
  }

  private newProposalState(proposal: SignedProposal, hash: Uint8Array): ProposalState {
    return {
      proposal,
      hash,
      electorate: this.members,
      votes: new Map(),
      approvals: 0,
      rejections: 0,
      status: 'OPEN',
      closedAt: undefined,
      reason: undefined,
      effectApplied: false,
    };
  }

  /** The one place state changes: applies a log entry (live, or replaying a log). */
  private apply(body: VoteLogBody): void {
    switch (body.kind) {
      case 'genesis':
        this.members = body.members;
        this.rules = body.rules;
        for (const member of body.members.members) this.known.set(member.id, member);
        return;
      case 'proposal': {
        const p = body.proposal;
        this.proposals.set(p.voteId, this.newProposalState(p, proposalHash(p)));
        this.open.add(p.voteId);
        if (p.type === 'DOCUMENT_RECONSTRUCTION' && p.initiator === this.self.id) {
          const target = proposalTarget(p);
          if (target.type === 'DOCUMENT_RECONSTRUCTION') {
            this.reconstructions.set(p.voteId, {
              voteId: p.voteId,
              documentId: target.documentId,
              shares: new Map(),
              early: new Map(),
              done: false,
            });
          }
        }
        return;
      }
      case 'vote': {
        const state = this.proposals.get(body.vote.voteId) as ProposalState;
        state.votes.set(body.vote.member, body.vote);
        if (body.vote.decision) state.approvals += 1;
        else state.rejections += 1;
        return;
      }
      case 'outcome': {
        const state = this.proposals.get(body.voteId) as ProposalState;
        state.status = body.status;
        state.closedAt = body.at;
        state.reason = body.reason;
        this.open.delete(body.voteId);
        return;
      }
      case 'epoch': {
        const previous = this.members;
        for (const id of previous.ids()) if (!body.members.has(id)) this.removed.add(id);
        for (const member of body.members.members) {
          this.removed.delete(member.id);
          this.known.set(member.id, member);
        }
        this.members = body.members;
        const cause = this.proposals.get(body.cause);
        if (cause !== undefined) cause.effectApplied = true;
        const stillMember = body.members.has(this.self.id);
        for (const document of this.documents.values()) {
          document.pending =
            stillMember && document.sharing.epoch < body.members.epoch ? this.newPending(body.members) : null;
          // A removed member forgets its share (the honest-erasure assumption of proactive sharing).
          if (!stillMember) document.myShare = null;
        }
        return;
      }
      case 'document': {
        const { document, sharing, shares } = body.seal;
        this.documents.set(document.documentId, {
          document,
          sharing,
          myShare: shares.find((s) => s.member === this.self.id) ?? null,
          pending: sharing.epoch < this.members.epoch ? this.newPending(this.members) : null,
        });
        return;
      }
      case 'deal': {
        const document = this.documents.get(body.deal.documentId) as DocumentState;
        const pending = document.pending as PendingReshare;
        pending.deals.set(body.deal.dealer, body.deal);
        if (pending.next.has(this.self.id)) {
          pending.subShares.set(body.deal.dealer, openSubShare(body.deal, this.self.id, this.self.secretKey));
        }
        return;
      }
      case 'sharing': {
        const document = this.documents.get(body.sharing.documentId) as DocumentState;
        document.sharing = body.sharing;
        document.myShare = body.share;
        document.pending = null;
        return;
      }
      case 'release': {
        const state = this.proposals.get(body.voteId);
        if (state !== undefined) state.effectApplied = true;
        return;
      }
      case 'reconstructed': {
        const reconstruction = this.reconstructions.get(body.voteId);
        if (reconstruction !== undefined) reconstruction.done = true;
        return;
      }
    }
  }

  private newPending(next: MemberSet): PendingReshare {
    return { toEpoch: next.epoch, next, deals: new Map(), subShares: new Map() };
  }

  private replay(log: readonly VoteLogEntry[]): void {
    if (log.length === 0) throw fail(QuorumErrorCode.LOG_CORRUPT, 'an empty log has no genesis');
    verifyVoteLogChain(log);
    for (const entry of log) this.apply(entry.body);
    this.sequence = log.length;
    this.head = (log[log.length - 1] as VoteLogEntry).hash;
    this.checkSelfKey(this.members);
    // Finish what a crash may have interrupted between two records of one batch.
    for (const state of this.proposals.values()) {
      if (state.status === 'APPROVED' && !state.effectApplied) this.applyEffect(state);
    }
    for (const document of this.documents.values()) {
      this.dealIfDesignated(document);
      this.completeResharing(document);
    }
  }

  private checkSelfKey(members: MemberSet): void {
    const me = members.get(this.self.id) ?? this.known.get(this.self.id);
    if (me !== undefined && !bytesEqual(me.publicKey, this.selfPublicKey)) {
      throw fail(QuorumErrorCode.CONFIG_INVALID, "self.secretKey does not match the member's public key", {
        member: this.self.id,
      });
    }
  }

  private view(state: ProposalState): QuorumVote {
    const p = state.proposal;
    const votes = new Map<GuidV4, QuorumVoteBallot>();
    for (const v of state.votes.values()) {
      votes.set(v.member, { decision: v.decision, signature: v.signature, timestamp: new Date(v.timestamp) });
    }
    return {
      voteId: p.voteId,
      type: p.type,
      initiator: p.initiator,
      proposal: p.proposal,
      deadline: new Date(p.deadline),
      votes,
      threshold: p.threshold,
      status: state.status,
      epoch: p.epoch,
      quorum: p.quorum,
      electorate: state.electorate.ids(),
      openedAt: new Date(p.openedAt),
      proposalHash: state.hash,
      approvals: state.approvals,
      rejections: state.rejections,
      ...(state.closedAt === undefined ? {} : { closedAt: new Date(state.closedAt) }),
      ...(state.reason === undefined ? {} : { closeReason: state.reason }),
    };
  }
}
