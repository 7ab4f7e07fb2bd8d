/**
 * Proposals: the seed's `QuorumVote.proposal` (`action`, `parameters`, `justification`) wrapped with
 * everything a vote must be bound to (vote id, type, initiator, epoch, member-set hash, deadline,
 * resolved threshold) and signed by the initiator. The proposal hash — domain-separated SHA3-256 of
 * the canonical body — is what every vote signs, so a vote can never be replayed onto another
 * proposal, another epoch or another member set.
 */
import {
  BrightChainError,
  type CanonicalValue,
  type GuidV4,
  type Member,
  type SignatureBuffer,
  domainHash,
  encodeCanonical,
  isGuidV4,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  MAX_TEXT_BYTES,
  guidBytes,
  malformed,
  readBytes,
  readGuid,
  readInt,
  readText,
  readTuple,
} from './canonical-fields';
import { QuorumErrorCode } from './error-codes';
import { type QuorumVoteType, isQuorumVoteType } from './governance-rules';

/** Domain tag of proposal hashes and initiator signatures. */
export const PROPOSAL_DOMAIN = 'brightchain/quorum/proposal/v1';

/**
 * One proposal parameter value. The seed's `Map<string, any>` is narrowed to values with exactly one
 * canonical encoding: null, booleans, safe integers, strings, byte strings, and arrays of these.
 */
export type ParameterValue = null | boolean | number | string | Uint8Array | readonly ParameterValue[];

/**
 * Proposal parameters: keys match `/^[a-z][A-Za-z0-9_-]{0,63}$/` (at most 64 keys). Encoded as a
 * canonical map, i.e. keys sorted by their UTF-8 bytes, so insertion order never matters.
 */
export type ProposalParameters = ReadonlyMap<string, ParameterValue>;

/** The seed's proposal body. */
export interface Proposal {
  /** What to do: `add-member`, `remove-member` or `reconstruct-document` (fixed by the type). */
  readonly action: string;
  /** Typed arguments of the action (see {@link ProposalParameters}). */
  readonly parameters: ProposalParameters;
  /** Free-text reason, shown to voters and kept in the record. */
  readonly justification: string;
}

/** A proposal as opened, before the initiator's signature. */
export interface UnsignedProposal {
  readonly voteId: GuidV4;
  readonly type: QuorumVoteType;
  readonly initiator: GuidV4;
  readonly proposal: Proposal;
  /** Member-set epoch the vote runs in. */
  readonly epoch: number;
  /** Hash of that epoch's member set. */
  readonly memberSetHash: Uint8Array;
  /** When the initiator opened it (ms since the Unix epoch, UTC). */
  readonly openedAt: number;
  /** Absolute deadline (ms since the Unix epoch, UTC). */
  readonly deadline: number;
  /** Approvals required (resolved from the rules for this epoch). */
  readonly threshold: number;
  /** Votes of either kind required (resolved from the rules for this epoch). */
  readonly quorum: number;
}

/** A proposal signed by its initiator. */
export interface SignedProposal extends UnsignedProposal {
  readonly signature: SignatureBuffer;
}

/** The canonical action of each vote type. */
export const PROPOSAL_ACTIONS: Readonly<Record<QuorumVoteType, string>> = Object.freeze({
  DOCUMENT_RECONSTRUCTION: 'reconstruct-document',
  MEMBER_ADDITION: 'add-member',
  MEMBER_REMOVAL: 'remove-member',
});

const KEY_PATTERN = /^[a-z][A-Za-z0-9_-]{0,63}$/;
const MAX_PARAMETERS = 64;
const MAX_PARAMETER_BYTES = 64 * 1024;

function invalid(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(QuorumErrorCode.PROPOSAL_INVALID, message, { details });
}

function checkParameterValue(value: unknown, key: string, depth: number): void {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    value instanceof Uint8Array
  )
    return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0))
      throw invalid('numeric parameters must be safe integers', { key });
    return;
  }
  if (Array.isArray(value) && depth < 4) {
    for (const item of value) checkParameterValue(item, key, depth + 1);
    return;
  }
  throw invalid('unsupported parameter value', { key });
}

/**
 * Checks parameter keys and values.
 * @throws BrightChainError `BC_QUORUM_PROPOSAL_INVALID`
 */
export function checkParameters(parameters: ProposalParameters): void {
  if (!(parameters instanceof Map)) throw invalid('parameters must be a Map');
  if (parameters.size > MAX_PARAMETERS) throw invalid(`at most ${MAX_PARAMETERS} parameters`);
  for (const [key, value] of parameters) {
    if (typeof key !== 'string' || !KEY_PATTERN.test(key))
      throw invalid('bad parameter key', { key: String(key) });
    checkParameterValue(value, key, 0);
  }
}

/** Canonical form of parameters: a map with sorted keys. */
export function parametersToCanonical(parameters: ProposalParameters): CanonicalValue {
  const record: Record<string, CanonicalValue> = Object.create(null);
  for (const [key, value] of parameters) record[key] = value as CanonicalValue;
  return record;
}

function parametersFromCanonical(value: CanonicalValue | undefined, field: string): ProposalParameters {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw malformed(field, 'expected a map');
  }
  const entries = Object.keys(value)
    .sort()
    .map((key) => [key, (value as Record<string, CanonicalValue>)[key] as ParameterValue] as const);
  const parameters = new Map<string, ParameterValue>(entries);
  try {
    checkParameters(parameters);
  } catch (error) {
    throw malformed(field, BrightChainError.isInstance(error) ? error.message : 'invalid');
  }
  return parameters;
}

/** Canonical body tuple of an unsigned proposal (version 1). */
function bodyToCanonical(p: UnsignedProposal): CanonicalValue {
  return [
    1,
    guidBytes(p.voteId),
    p.type,
    guidBytes(p.initiator),
    p.proposal.action,
    parametersToCanonical(p.proposal.parameters),
    p.proposal.justification,
    p.epoch,
    p.memberSetHash,
    p.openedAt,
    p.deadline,
    p.threshold,
    p.quorum,
  ];
}

/** The canonical bytes that are hashed and signed. */
export function proposalBodyBytes(p: UnsignedProposal): Uint8Array {
  return encodeCanonical(bodyToCanonical(p));
}

/**
 * The proposal hash every vote signs: `domainHash('brightchain/quorum/proposal/v1', body)`.
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` if the proposal holds unencodable values
 * @example
 * ```ts
 * const hash = proposalHash(proposal); // 32 bytes
 * ```
 */
export function proposalHash(p: UnsignedProposal): Uint8Array {
  return domainHash(PROPOSAL_DOMAIN, proposalBodyBytes(p));
}

/**
 * Checks the shape of an unsigned proposal: ids, type, action, parameters for that type, text
 * sizes, epoch, times and threshold numbers (but not membership or signatures).
 *
 * @throws BrightChainError `BC_QUORUM_PROPOSAL_INVALID`
 */
export function checkProposalShape(p: UnsignedProposal): void {
  if (!isGuidV4(p.voteId)) throw invalid('voteId must be a GuidV4');
  if (!isQuorumVoteType(p.type)) throw invalid('unknown vote type', { type: String(p.type) });
  if (!isGuidV4(p.initiator)) throw invalid('initiator must be a GuidV4');
  if (typeof p.proposal !== 'object' || p.proposal === null) throw invalid('proposal body missing');
  if (p.proposal.action !== PROPOSAL_ACTIONS[p.type]) {
    throw invalid(`action must be ${PROPOSAL_ACTIONS[p.type]} for ${p.type}`, {
      action: String(p.proposal.action),
    });
  }
  if (
    typeof p.proposal.justification !== 'string' ||
    Buffer.byteLength(p.proposal.justification) > MAX_TEXT_BYTES
  ) {
    throw invalid(`justification must be a string of at most ${MAX_TEXT_BYTES} bytes`);
  }
  checkParameters(p.proposal.parameters);
  if (encodeCanonical(parametersToCanonical(p.proposal.parameters)).length > MAX_PARAMETER_BYTES) {
    throw invalid('parameters are too large');
  }
  proposalTarget(p);
  if (!Number.isSafeInteger(p.epoch) || p.epoch < 0) throw invalid('epoch must be a non-negative integer');
  if (!(p.memberSetHash instanceof Uint8Array) || p.memberSetHash.length !== 32)
    throw invalid('memberSetHash must be 32 bytes');
  if (!Number.isSafeInteger(p.openedAt) || p.openedAt < 0 || !Number.isSafeInteger(p.deadline)) {
    throw invalid('openedAt and deadline must be integer ms since the Unix epoch');
  }
  if (p.deadline <= p.openedAt)
    throw invalid('deadline must be after openedAt', { openedAt: p.openedAt, deadline: p.deadline });
  if (
    !Number.isSafeInteger(p.threshold) ||
    p.threshold < 1 ||
    !Number.isSafeInteger(p.quorum) ||
    p.quorum < 0
  ) {
    throw invalid('threshold must be ≥ 1 and quorum ≥ 0');
  }
}

/** What a proposal acts on, parsed from its parameters. */
export type ProposalTarget =
  | { readonly type: 'MEMBER_ADDITION'; readonly member: Member }
  | { readonly type: 'MEMBER_REMOVAL'; readonly memberId: GuidV4 }
  | { readonly type: 'DOCUMENT_RECONSTRUCTION'; readonly documentId: GuidV4 };

/**
 * The typed target of a proposal: the member to add (`memberId`, `publicKey`, optional `name`),
 * the member to remove (`memberId`) or the document to reconstruct (`documentId`).
 *
 * @throws BrightChainError `BC_QUORUM_PROPOSAL_INVALID` when a required parameter is missing or malformed
 * @example
 * ```ts
 * const target = proposalTarget(vote); // { type: 'MEMBER_REMOVAL', memberId }
 * ```
 */
export function proposalTarget(p: Pick<UnsignedProposal, 'type' | 'proposal'>): ProposalTarget {
  const parameters = p.proposal.parameters;
  const memberId = parameters.get('memberId');
  switch (p.type) {
    case 'MEMBER_ADDITION': {
      const publicKey = parameters.get('publicKey');
      const name = parameters.get('name');
      if (!isGuidV4(memberId)) throw invalid('MEMBER_ADDITION needs parameter memberId (GuidV4)');
      if (
        !(publicKey instanceof Uint8Array) ||
        publicKey.length !== 33 ||
        !secp256k1.utils.isValidPublicKey(publicKey)
      ) {
        throw invalid('MEMBER_ADDITION needs parameter publicKey (33-byte compressed secp256k1 key)');
      }
      if (name !== undefined && (typeof name !== 'string' || Buffer.byteLength(name) > MAX_TEXT_BYTES)) {
        throw invalid('parameter name must be a short string');
      }
      const member: Member =
        typeof name === 'string' ? { id: memberId, publicKey, name } : { id: memberId, publicKey };
      return { type: 'MEMBER_ADDITION', member };
    }
    case 'MEMBER_REMOVAL':
      if (!isGuidV4(memberId)) throw invalid('MEMBER_REMOVAL needs parameter memberId (GuidV4)');
      return { type: 'MEMBER_REMOVAL', memberId };
    case 'DOCUMENT_RECONSTRUCTION': {
      const documentId = parameters.get('documentId');
      if (!isGuidV4(documentId)) throw invalid('DOCUMENT_RECONSTRUCTION needs parameter documentId (GuidV4)');
      return { type: 'DOCUMENT_RECONSTRUCTION', documentId };
    }
    default:
      throw invalid('unknown vote type');
  }
}

/**
 * Signs a proposal as its initiator.
 *
 * @throws BrightChainError `BC_QUORUM_PROPOSAL_INVALID` for a malformed proposal, `BC_KEY_INVALID`
 * for a bad key
 * @example
 * ```ts
 * const signed = signProposal(unsigned, initiatorKeys.secretKey);
 * ```
 */
export function signProposal(p: UnsignedProposal, secretKey: Uint8Array): SignedProposal {
  checkProposalShape(p);
  return { ...p, signature: signMessage(secretKey, PROPOSAL_DOMAIN, proposalBodyBytes(p)) };
}

/**
 * True when the initiator's signature over the proposal verifies under `publicKey`.
 *
 * @example
 * ```ts
 * verifyProposalSignature(signed, initiator.publicKey); // true
 * ```
 */
export function verifyProposalSignature(p: SignedProposal, publicKey: Uint8Array): boolean {
  try {
    return verifyMessage(publicKey, PROPOSAL_DOMAIN, proposalBodyBytes(p), p.signature);
  } catch {
    return false;
  }
}

/** Canonical form `[body, signature]`. */
export function signedProposalToCanonical(p: SignedProposal): CanonicalValue {
  return [bodyToCanonical(p), p.signature];
}

/**
 * Parses {@link signedProposalToCanonical} output and checks its shape (not its signature).
 * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID`
 */
export function signedProposalFromCanonical(
  value: CanonicalValue | undefined,
  field = 'proposal',
): SignedProposal {
  const [body, signature] = readTuple(value, 2, field);
  const b = readTuple(body, 13, `${field}.body`);
  if (readInt(b[0], `${field}.version`, 1, 1) !== 1) throw malformed(field, 'unknown version');
  const type = readText(b[2], `${field}.type`, 64);
  if (!isQuorumVoteType(type)) throw malformed(`${field}.type`, 'unknown vote type');
  const proposal: SignedProposal = {
    voteId: readGuid(b[1], `${field}.voteId`),
    type,
    initiator: readGuid(b[3], `${field}.initiator`),
    proposal: {
      action: readText(b[4], `${field}.action`, 64),
      parameters: parametersFromCanonical(b[5], `${field}.parameters`),
      justification: readText(b[6], `${field}.justification`),
    },
    epoch: readInt(b[7], `${field}.epoch`),
    memberSetHash: readBytes(b[8], `${field}.memberSetHash`, 32),
    openedAt: readInt(b[9], `${field}.openedAt`),
    deadline: readInt(b[10], `${field}.deadline`),
    threshold: readInt(b[11], `${field}.threshold`, 1),
    quorum: readInt(b[12], `${field}.quorum`),
    signature: readBytes(signature, `${field}.signature`, 64) as SignatureBuffer,
  };
  try {
    checkProposalShape(proposal);
  } catch (error) {
    throw malformed(field, BrightChainError.isInstance(error) ? error.message : 'invalid');
  }
  return proposal;
}
