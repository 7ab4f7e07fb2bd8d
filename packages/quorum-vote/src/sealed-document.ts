/**
 * Sealed documents: the document is encrypted once with AES-256-GCM, and its key is shared among
 * the members with Feldman VSS, each share ECIES-encrypted to its holder.
 *
 * - The dealer draws a uniformly random scalar `s` (the shared secret) and derives the AES key
 *   `K = domainHash('brightchain/quorum/document-key/v1', s)`. The commitments publish `s·G`; that
 *   reveals nothing usable about `K` (a one-way hash of a discrete log).
 * - `ciphertext = AES-256-GCM(K, nonce, plaintext, aad)` with a fresh 12-byte nonce from the
 *   injected CSPRNG and `aad = canonical(['brightchain/quorum/document/v1', documentId, epoch])`,
 *   binding the ciphertext to its document id and the epoch it was sealed in. The ciphertext never
 *   changes afterwards: resharing moves the key, not the data.
 * - `s` is Feldman-shared with threshold t among the epoch's members (index = position + 1) and
 *   each share is ECIES-encrypted to its holder with context (document, epoch, member, index).
 */
import {
  BrightChainError,
  bytesEqual,
  type CanonicalValue,
  type GuidV4,
  type Random,
  domainHash,
  encodeCanonical,
} from '@brightchain/core';
import { gcm } from '@noble/ciphers/aes.js';
import { guidBytes, malformed, readBytes, readGuid, readInt, readList, readTuple } from './canonical-fields';
import { eciesDecrypt, eciesEncrypt } from './ecies';
import { QuorumErrorCode } from './error-codes';
import { type FeldmanShare, dealFeldman, decodeCommitments, reconstructFeldmanSecret } from './feldman-vss';
import type { MemberSet } from './member-set';
import {
  POINT_BYTES,
  baseMultiply,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
} from './scalar-field';

const DOCUMENT_AAD_TAG = 'brightchain/quorum/document/v1';
const DOCUMENT_KEY_DOMAIN = 'brightchain/quorum/document-key/v1';
const SHARING_DOMAIN = 'brightchain/quorum/sharing/v1';
const SHARE_CONTEXT_TAG = 'brightchain/quorum/share/v1';

/** The encrypted document: immutable once sealed. */
export interface SealedDocument {
  readonly documentId: GuidV4;
  /** The member that sealed it. */
  readonly sealedBy: GuidV4;
  /** Epoch it was sealed in (bound into the AES-GCM additional data). */
  readonly epoch: number;
  /** 12-byte AES-GCM nonce. */
  readonly nonce: Uint8Array;
  /** AES-256-GCM ciphertext with its 16-byte tag. */
  readonly ciphertext: Uint8Array;
  /** s·G, the first Feldman commitment: every later sharing of this document must keep it. */
  readonly keyCommitment: Uint8Array;
}

/** How a document's key is shared in one epoch (public). */
export interface DocumentSharing {
  readonly documentId: GuidV4;
  /** Epoch of this sharing. */
  readonly epoch: number;
  /** Shares needed to rebuild the key. */
  readonly threshold: number;
  /** Feldman commitments C_0..C_{t−1} (33-byte compressed points). */
  readonly commitments: readonly Uint8Array[];
  /** Holders in index order: holder `holders[i]` has share index `i + 1`. */
  readonly holders: readonly GuidV4[];
}

/** One holder's share, ECIES-encrypted to that holder. */
export interface EncryptedShare {
  readonly documentId: GuidV4;
  readonly epoch: number;
  readonly member: GuidV4;
  readonly index: number;
  readonly envelope: Uint8Array;
}

/** Everything sealing produces. */
export interface DocumentSeal {
  readonly document: SealedDocument;
  readonly sharing: DocumentSharing;
  readonly shares: readonly EncryptedShare[];
}

function documentError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(QuorumErrorCode.DOCUMENT_INVALID, message, { details });
}

/** The AES-GCM additional data of a document. */
export function documentAad(documentId: GuidV4, epoch: number): Uint8Array {
  return encodeCanonical([DOCUMENT_AAD_TAG, guidBytes(documentId), epoch]);
}

/** The ECIES context of a share: `[tag, document, epoch, member, index]`. */
export function shareContext(documentId: GuidV4, epoch: number, member: GuidV4, index: number): Uint8Array {
  return encodeCanonical([SHARE_CONTEXT_TAG, guidBytes(documentId), epoch, guidBytes(member), index]);
}

function documentKey(secret: bigint): Uint8Array {
  return domainHash(DOCUMENT_KEY_DOMAIN, scalarToBytes(secret));
}

/**
 * Encrypts `plaintext` and shares its key among `members` (threshold `threshold`).
 * `random` supplies the secret, the nonce, the polynomial and the ECIES ephemeral keys: it must be
 * a CSPRNG (`CryptoRandom`) for real documents.
 *
 * @throws BrightChainError `BC_VSS_INVALID` if `threshold` is not in 1..members
 * @example
 * ```ts
 * const seal = sealDocument({ documentId, plaintext, members, threshold: 2, sealedBy: me, random: new CryptoRandom() });
 * ```
 */
export function sealDocument(options: {
  readonly documentId: GuidV4;
  readonly plaintext: Uint8Array;
  readonly members: MemberSet;
  readonly threshold: number;
  readonly sealedBy: GuidV4;
  readonly random: Random;
}): DocumentSeal {
  const { documentId, plaintext, members, threshold, sealedBy, random } = options;
  if (!(plaintext instanceof Uint8Array)) throw documentError('plaintext must be a Uint8Array');
  const secret = randomScalar(random);
  const holders = members.ids();
  const deal = dealFeldman({ secret, threshold, indices: holders.map((_, i) => i + 1), random });
  const nonce = random.bytes(12);
  const ciphertext = gcm(documentKey(secret), nonce, documentAad(documentId, members.epoch)).encrypt(
    plaintext,
  );
  const epoch = members.epoch;
  const shares = deal.shares.map((share, i) => {
    const member = members.members[i];
    if (member === undefined) throw documentError('member list out of step with shares');
    return {
      documentId,
      epoch,
      member: member.id,
      index: share.index,
      envelope: eciesEncrypt(
        member.publicKey,
        scalarToBytes(share.value),
        shareContext(documentId, epoch, member.id, share.index),
        random,
      ),
    };
  });
  return {
    document: {
      documentId,
      sealedBy,
      epoch,
      nonce,
      ciphertext,
      keyCommitment: deal.commitments[0] as Uint8Array,
    },
    sharing: { documentId, epoch, threshold, commitments: deal.commitments, holders },
    shares,
  };
}

/**
 * Checks that `sharing` belongs to `document`: same id, C_0 equal to the key commitment, one
 * commitment per threshold step, distinct holders, all points valid.
 *
 * @throws BrightChainError `BC_DOCUMENT_INVALID`
 * @example
 * ```ts
 * checkSharing(seal.document, seal.sharing); // throws if the sharing is not this document's
 * ```
 */
export function checkSharing(document: SealedDocument, sharing: DocumentSharing): void {
  if (sharing.documentId !== document.documentId) throw documentError('sharing is for another document');
  if (
    !Number.isSafeInteger(sharing.threshold) ||
    sharing.threshold < 1 ||
    sharing.threshold > sharing.holders.length
  ) {
    throw documentError('sharing threshold out of range', { threshold: sharing.threshold });
  }
  if (sharing.commitments.length !== sharing.threshold)
    throw documentError('one commitment per threshold step expected');
  if (new Set(sharing.holders).size !== sharing.holders.length) throw documentError('duplicate holders');
  const first = sharing.commitments[0] as Uint8Array;
  if (!bytesEqual(first, document.keyCommitment)) {
    throw documentError('first commitment differs from the document key commitment');
  }
  try {
    decodeCommitments(sharing.commitments);
  } catch (cause) {
    throw new BrightChainError(QuorumErrorCode.DOCUMENT_INVALID, 'sharing commitments are not valid points', {
      cause,
    });
  }
}

/**
 * Decrypts one's own encrypted share.
 *
 * @throws BrightChainError `BC_ECIES_INVALID` if it does not decrypt, `BC_VSS_INVALID` if the
 * content is not a scalar
 * @example
 * ```ts
 * const share = openEncryptedShare(encrypted, me.secretKey); // { index, value }
 * ```
 */
export function openEncryptedShare(share: EncryptedShare, secretKey: Uint8Array): FeldmanShare {
  const bytes = eciesDecrypt(
    secretKey,
    share.envelope,
    shareContext(share.documentId, share.epoch, share.member, share.index),
  );
  return { index: share.index, value: scalarFromBytes(bytes) };
}

/**
 * Decrypts the document with the shared secret (after checking it matches the key commitment).
 *
 * @throws BrightChainError `BC_DOCUMENT_DECRYPT_FAILED` if the secret is wrong or the ciphertext
 * does not authenticate
 * @example
 * ```ts
 * const plaintext = decryptDocument(document, secret);
 * ```
 */
export function decryptDocument(document: SealedDocument, secret: bigint): Uint8Array {
  if (secret <= 0n || !bytesEqual(pointToBytes(baseMultiply(secret)), document.keyCommitment)) {
    throw new BrightChainError(
      QuorumErrorCode.DOCUMENT_DECRYPT_FAILED,
      'secret does not match the key commitment',
      {
        details: { documentId: document.documentId },
      },
    );
  }
  try {
    return gcm(documentKey(secret), document.nonce, documentAad(document.documentId, document.epoch)).decrypt(
      document.ciphertext,
    );
  } catch (cause) {
    throw new BrightChainError(QuorumErrorCode.DOCUMENT_DECRYPT_FAILED, 'document does not authenticate', {
      details: { documentId: document.documentId },
      cause,
    });
  }
}

/** A share presented for reconstruction, with who presented it. */
export interface PresentedShare {
  readonly member: GuidV4;
  readonly share: FeldmanShare;
}

/** The result of {@link reconstructDocument}. */
export interface DocumentReconstruction {
  readonly plaintext: Uint8Array;
  /** Members whose shares failed verification (and were ignored). */
  readonly invalidMembers: readonly GuidV4[];
}

/**
 * Verifies every presented share against the sharing's commitments (a share must also sit at its
 * presenter's index), identifies the bad ones by member, rebuilds the key from t good ones and
 * decrypts the document.
 *
 * @throws BrightChainError `BC_SHARE_INSUFFICIENT` (details: `invalidMembers`) with fewer than t
 * good shares; `BC_DOCUMENT_INVALID` for a sharing that does not match the document;
 * `BC_DOCUMENT_DECRYPT_FAILED` if the ciphertext does not authenticate
 * @example
 * ```ts
 * const { plaintext, invalidMembers } = reconstructDocument(document, sharing, presented);
 * ```
 */
export function reconstructDocument(
  document: SealedDocument,
  sharing: DocumentSharing,
  presented: readonly PresentedShare[],
): DocumentReconstruction {
  checkSharing(document, sharing);
  const invalidMembers: GuidV4[] = [];
  const candidates: FeldmanShare[] = [];
  const byIndex = new Map<number, GuidV4>();
  for (const { member, share } of presented) {
    const expected = sharing.holders.indexOf(member) + 1;
    if (expected === 0 || share.index !== expected || byIndex.has(share.index)) {
      invalidMembers.push(member);
      continue;
    }
    byIndex.set(share.index, member);
    candidates.push(share);
  }
  let secret: bigint;
  try {
    const result = reconstructFeldmanSecret(candidates, sharing.commitments);
    for (const index of result.invalidIndices) invalidMembers.push(byIndex.get(index) as GuidV4);
    secret = result.secret;
  } catch (error) {
    if (BrightChainError.isInstance(error, QuorumErrorCode.SHARE_INSUFFICIENT)) {
      const bad = (error.details.invalidIndices as number[]).map((index) => byIndex.get(index) as GuidV4);
      throw new BrightChainError(QuorumErrorCode.SHARE_INSUFFICIENT, error.message, {
        details: { ...error.details, invalidMembers: [...invalidMembers, ...bad] },
      });
    }
    throw error;
  }
  return { plaintext: decryptDocument(document, secret), invalidMembers };
}

/**
 * Domain-separated hash of a sharing (deals name the sharing they start from by this hash).
 *
 * @throws BrightChainError `BC_ENCODE_UNSUPPORTED` for a malformed sharing
 * @example
 * ```ts
 * checksumToHex(sharingHash(governor.documentSharing(documentId)!));
 * ```
 */
export function sharingHash(sharing: DocumentSharing): Uint8Array {
  return domainHash(SHARING_DOMAIN, encodeCanonical(sharingToCanonical(sharing)));
}

/** Canonical form of a sealed document. */
export function sealedDocumentToCanonical(d: SealedDocument): CanonicalValue {
  return [guidBytes(d.documentId), guidBytes(d.sealedBy), d.epoch, d.nonce, d.ciphertext, d.keyCommitment];
}

/** Parses {@link sealedDocumentToCanonical} output. @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` */
export function sealedDocumentFromCanonical(
  value: CanonicalValue | undefined,
  field = 'document',
): SealedDocument {
  const [id, by, epoch, nonce, ciphertext, commitment] = readTuple(value, 6, field);
  const ct = readBytes(ciphertext, `${field}.ciphertext`);
  if (ct.length < 16) throw malformed(`${field}.ciphertext`, 'shorter than the GCM tag');
  return {
    documentId: readGuid(id, `${field}.documentId`),
    sealedBy: readGuid(by, `${field}.sealedBy`),
    epoch: readInt(epoch, `${field}.epoch`),
    nonce: readBytes(nonce, `${field}.nonce`, 12),
    ciphertext: ct,
    keyCommitment: readBytes(commitment, `${field}.keyCommitment`, POINT_BYTES),
  };
}

/** Canonical form of a sharing. */
export function sharingToCanonical(s: DocumentSharing): CanonicalValue {
  return [guidBytes(s.documentId), s.epoch, s.threshold, [...s.commitments], s.holders.map(guidBytes)];
}

/** Parses {@link sharingToCanonical} output. @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` */
export function sharingFromCanonical(value: CanonicalValue | undefined, field = 'sharing'): DocumentSharing {
  const [id, epoch, threshold, commitments, holders] = readTuple(value, 5, field);
  return {
    documentId: readGuid(id, `${field}.documentId`),
    epoch: readInt(epoch, `${field}.epoch`),
    threshold: readInt(threshold, `${field}.threshold`, 1),
    commitments: readList(commitments, `${field}.commitments`, 10_000).map((c, i) =>
      readBytes(c, `${field}.commitments[${i}]`, POINT_BYTES),
    ),
    holders: readList(holders, `${field}.holders`).map((h, i) => readGuid(h, `${field}.holders[${i}]`)),
  };
}

/** Canonical form of an encrypted share. */
export function encryptedShareToCanonical(s: EncryptedShare): CanonicalValue {
  return [guidBytes(s.documentId), s.epoch, guidBytes(s.member), s.index, s.envelope];
}

/** Parses {@link encryptedShareToCanonical} output. @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` */
export function encryptedShareFromCanonical(
  value: CanonicalValue | undefined,
  field = 'share',
): EncryptedShare {
  const [id, epoch, member, index, envelope] = readTuple(value, 5, field);
  return {
    documentId: readGuid(id, `${field}.documentId`),
    epoch: readInt(epoch, `${field}.epoch`),
    member: readGuid(member, `${field}.member`),
    index: readInt(index, `${field}.index`, 1),
    envelope: readBytes(envelope, `${field}.envelope`, undefined, 1024),
  };
}
