/**
 * Messages governors exchange, and their canonical wire encoding
 * `[1, kind, body]`. Hosts encode with {@link encodeGovernorMessage} before handing bytes to a
 * transport and decode received bytes with {@link decodeGovernorMessage} before `step()`.
 */
import {
  type CanonicalValue,
  type DecodeLimits,
  type SignatureBuffer,
  decodeStrict,
  encodeCanonical,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import { malformed, readBytes, readInt, readList, readText, readTuple } from './canonical-fields';
import { type SignedProposal, signedProposalFromCanonical, signedProposalToCanonical } from './proposal';
import { type ReshareDeal, reshareDealFromCanonical, reshareDealToCanonical } from './resharing';
import {
  type DocumentSeal,
  type DocumentSharing,
  type SealedDocument,
  encryptedShareFromCanonical,
  encryptedShareToCanonical,
  sealedDocumentFromCanonical,
  sealedDocumentToCanonical,
  sharingFromCanonical,
  sharingToCanonical,
} from './sealed-document';
import { type ShareRelease, shareReleaseFromCanonical, shareReleaseToCanonical } from './share-release';
import { type SignedVote, signedVoteFromCanonical, signedVoteToCanonical } from './signed-vote';

/** Domain tag of the sealer's signature over an announced document. */
export const DOCUMENT_ANNOUNCEMENT_DOMAIN = 'brightchain/quorum/document-seal/v1';

/** The public part of a document and the sharing a deal starts from, for holders new to it. */
export interface DealContext {
  readonly document: SealedDocument;
  readonly sharing: DocumentSharing;
}

/** A message between governors. */
export type GovernorMessage =
  /** A newly opened proposal, signed by its initiator. */
  | { readonly kind: 'proposal'; readonly proposal: SignedProposal }
  /** A signed vote, carrying its proposal so that it can be counted even if the proposal was lost. */
  | { readonly kind: 'vote'; readonly proposal: SignedProposal; readonly vote: SignedVote }
  /** A newly sealed document with every encrypted share, signed by the sealer. */
  | { readonly kind: 'document'; readonly seal: DocumentSeal; readonly signature: SignatureBuffer }
  /** A share released to the requester of an approved reconstruction. */
  | { readonly kind: 'release'; readonly release: ShareRelease }
  /** A resharing deal; `context` is set for recipients that did not hold the old sharing. */
  | { readonly kind: 'deal'; readonly deal: ReshareDeal; readonly context: DealContext | null };

/** The kinds of {@link GovernorMessage}. */
export type GovernorMessageKind = GovernorMessage['kind'];

function sealToCanonical(seal: DocumentSeal): CanonicalValue {
  return [
    sealedDocumentToCanonical(seal.document),
    sharingToCanonical(seal.sharing),
    seal.shares.map(encryptedShareToCanonical),
  ];
}

function sealFromCanonical(value: CanonicalValue | undefined): DocumentSeal {
  const [document, sharing, shares] = readTuple(value, 3, 'seal');
  return {
    document: sealedDocumentFromCanonical(document),
    sharing: sharingFromCanonical(sharing),
    shares: readList(shares, 'seal.shares').map((s, i) =>
      encryptedShareFromCanonical(s, `seal.shares[${i}]`),
    ),
  };
}

/**
 * Signs a seal as its sealer, for a `document` message.
 *
 * @throws BrightChainError `BC_KEY_INVALID` for a bad key
 * @example
 * ```ts
 * const message = { kind: 'document', seal, signature: signDocumentSeal(seal, me.secretKey) } as const;
 * ```
 */
export function signDocumentSeal(seal: DocumentSeal, secretKey: Uint8Array): SignatureBuffer {
  return signMessage(secretKey, DOCUMENT_ANNOUNCEMENT_DOMAIN, encodeCanonical(sealToCanonical(seal)));
}

/**
 * True when `signature` is the sealer's signature over `seal`.
 *
 * @example
 * ```ts
 * verifyDocumentSeal(message.seal, message.signature, sealer.publicKey);
 * ```
 */
export function verifyDocumentSeal(
  seal: DocumentSeal,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return verifyMessage(
      publicKey,
      DOCUMENT_ANNOUNCEMENT_DOMAIN,
      encodeCanonical(sealToCanonical(seal)),
      signature,
    );
  } catch {
    return false;
  }
}

function bodyToCanonical(message: GovernorMessage): CanonicalValue {
  switch (message.kind) {
    case 'proposal':
      return signedProposalToCanonical(message.proposal);
    case 'vote':
      return [signedProposalToCanonical(message.proposal), signedVoteToCanonical(message.vote)];
    case 'document':
      return [sealToCanonical(message.seal), message.signature];
    case 'release':
      return shareReleaseToCanonical(message.release);
    case 'deal':
      return [
        reshareDealToCanonical(message.deal),
        message.context === null
          ? null
          : [
              sealedDocumentToCanonical(message.context.document),
              sharingToCanonical(message.context.sharing),
            ],
      ];
  }
}

/**
 * The canonical bytes of a message.
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` if the message holds unencodable values
 * @example
 * ```ts
 * await transport.send(to, encodeGovernorMessage(message));
 * ```
 */
export function encodeGovernorMessage(message: GovernorMessage): Uint8Array {
  return encodeCanonical([1, message.kind, bodyToCanonical(message)]);
}

/**
 * Strictly decodes a message received from the network (canonical bytes, limits, full shape
 * check). Signatures are checked later, by the governor.
 *
 * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` for a malformed message; core
 * `BC_DECODE_INVALID` / `BC_DECODE_LIMIT` for non-canonical or oversized bytes
 * @example
 * ```ts
 * transport.onMessage((from, bytes) => governor.step(from, decodeGovernorMessage(bytes)));
 * ```
 */
export function decodeGovernorMessage(bytes: Uint8Array, limits?: Partial<DecodeLimits>): GovernorMessage {
  const [version, kind, body] = readTuple(decodeStrict(bytes, limits), 3, 'message');
  readInt(version, 'message.version', 1, 1);
  const k = readText(kind, 'message.kind', 16);
  switch (k) {
    case 'proposal':
      return { kind: k, proposal: signedProposalFromCanonical(body) };
    case 'vote': {
      const [proposal, vote] = readTuple(body, 2, 'message.body');
      return {
        kind: k,
        proposal: signedProposalFromCanonical(proposal),
        vote: signedVoteFromCanonical(vote),
      };
    }
    case 'document': {
      const [seal, signature] = readTuple(body, 2, 'message.body');
      return {
        kind: k,
        seal: sealFromCanonical(seal),
        signature: readBytes(signature, 'signature', 64) as SignatureBuffer,
      };
    }
    case 'release':
      return { kind: k, release: shareReleaseFromCanonical(body) };
    case 'deal': {
      const [deal, context] = readTuple(body, 2, 'message.body');
      if (context === null) return { kind: k, deal: reshareDealFromCanonical(deal), context: null };
      const [document, sharing] = readTuple(context, 2, 'message.context');
      return {
        kind: k,
        deal: reshareDealFromCanonical(deal),
        context: { document: sealedDocumentFromCanonical(document), sharing: sharingFromCanonical(sharing) },
      };
    }
    default:
      throw malformed('message.kind', 'unknown message kind');
  }
}
