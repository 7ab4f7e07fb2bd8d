/**
 * Share releases: after a DOCUMENT_RECONSTRUCTION vote is APPROVED, each holder decrypts its own
 * share, re-encrypts it (ECIES) to the requester's member key and signs the release, so the
 * requester can attribute a bad share to the member that sent it.
 */
import {
  type CanonicalValue,
  type GuidV4,
  type Random,
  type SignatureBuffer,
  encodeCanonical,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import { guidBytes, readBytes, readGuid, readInt, readTuple } from './canonical-fields';
import { eciesDecrypt, eciesEncrypt } from './ecies';
import type { FeldmanShare } from './feldman-vss';
import { scalarFromBytes, scalarToBytes } from './scalar-field';

/** Domain tag of release signatures. */
export const SHARE_RELEASE_DOMAIN = 'brightchain/quorum/share-release/v1';
const RELEASE_CONTEXT_TAG = 'brightchain/quorum/released-share/v1';

/** One holder's share, re-encrypted to the requester of an approved reconstruction. */
export interface ShareRelease {
  /** The approved DOCUMENT_RECONSTRUCTION vote. */
  readonly voteId: GuidV4;
  readonly documentId: GuidV4;
  /** Epoch of the sharing the share belongs to. */
  readonly epoch: number;
  /** The releasing holder. */
  readonly member: GuidV4;
  /** Its share index in that sharing. */
  readonly index: number;
  /** ECIES envelope of the 32-byte share value, to the requester's key. */
  readonly envelope: Uint8Array;
  /** The holder's signature over all of the above. */
  readonly signature: SignatureBuffer;
}

function context(r: Omit<ShareRelease, 'envelope' | 'signature'>): Uint8Array {
  return encodeCanonical([
    RELEASE_CONTEXT_TAG,
    guidBytes(r.voteId),
    guidBytes(r.documentId),
    r.epoch,
    guidBytes(r.member),
    r.index,
  ]);
}

function body(r: Omit<ShareRelease, 'signature'>): Uint8Array {
  return encodeCanonical([
    1,
    guidBytes(r.voteId),
    guidBytes(r.documentId),
    r.epoch,
    guidBytes(r.member),
    r.index,
    r.envelope,
  ]);
}

/**
 * Builds and signs a release of `share` to `requesterPublicKey`.
 *
 * @throws BrightChainError `BC_ECIES_INVALID` for a bad requester key, `BC_KEY_INVALID` for a bad
 * holder key
 * @example
 * ```ts
 * const release = createShareRelease({ voteId, documentId, epoch, member: me.id, share, requesterPublicKey, holderSecretKey: me.secretKey, random });
 * ```
 */
export function createShareRelease(options: {
  readonly voteId: GuidV4;
  readonly documentId: GuidV4;
  readonly epoch: number;
  readonly member: GuidV4;
  readonly share: FeldmanShare;
  readonly requesterPublicKey: Uint8Array;
  readonly holderSecretKey: Uint8Array;
  readonly random: Random;
}): ShareRelease {
  const header = {
    voteId: options.voteId,
    documentId: options.documentId,
    epoch: options.epoch,
    member: options.member,
    index: options.share.index,
  };
  const envelope = eciesEncrypt(
    options.requesterPublicKey,
    scalarToBytes(options.share.value),
    context(header),
    options.random,
  );
  const unsigned = { ...header, envelope };
  return {
    ...unsigned,
    signature: signMessage(options.holderSecretKey, SHARE_RELEASE_DOMAIN, body(unsigned)),
  };
}

/**
 * True when the release is signed by `holderPublicKey`.
 *
 * @example
 * ```ts
 * if (!verifyShareRelease(release, holder.publicKey)) reject(release.member);
 * ```
 */
export function verifyShareRelease(release: ShareRelease, holderPublicKey: Uint8Array): boolean {
  try {
    return verifyMessage(holderPublicKey, SHARE_RELEASE_DOMAIN, body(release), release.signature);
  } catch {
    return false;
  }
}

/**
 * Requester side: decrypts the released share (not yet verified against the commitments).
 *
 * @throws BrightChainError `BC_ECIES_INVALID` if it does not decrypt; `BC_VSS_INVALID` if the
 * content is not a scalar
 * @example
 * ```ts
 * const share = openShareRelease(release, me.secretKey);
 * ```
 */
export function openShareRelease(release: ShareRelease, requesterSecretKey: Uint8Array): FeldmanShare {
  const bytes = eciesDecrypt(requesterSecretKey, release.envelope, context(release));
  return { index: release.index, value: scalarFromBytes(bytes) };
}

/** Canonical form of a release. */
export function shareReleaseToCanonical(r: ShareRelease): CanonicalValue {
  return [
    guidBytes(r.voteId),
    guidBytes(r.documentId),
    r.epoch,
    guidBytes(r.member),
    r.index,
    r.envelope,
    r.signature,
  ];
}

/** Parses {@link shareReleaseToCanonical} output. @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` */
export function shareReleaseFromCanonical(
  value: CanonicalValue | undefined,
  field = 'release',
): ShareRelease {
  const [voteId, documentId, epoch, member, index, envelope, signature] = readTuple(value, 7, field);
  return {
    voteId: readGuid(voteId, `${field}.voteId`),
    documentId: readGuid(documentId, `${field}.documentId`),
    epoch: readInt(epoch, `${field}.epoch`),
    member: readGuid(member, `${field}.member`),
    index: readInt(index, `${field}.index`, 1),
    envelope: readBytes(envelope, `${field}.envelope`, undefined, 1024),
    signature: readBytes(signature, `${field}.signature`, 64) as SignatureBuffer,
  };
}
