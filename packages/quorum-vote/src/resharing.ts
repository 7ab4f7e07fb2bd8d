/**
 * Proactive redistribution of a Feldman-shared key to a new member set without ever rebuilding the
 * key in one place.
 *
 * This is the redistribution protocol of Desmedt & Jajodia ("Redistributing secret shares to new
 * access structures and its applications", GMU tech report ISSE-TR-97-01, 1997), made verifiable
 * with Feldman commitments in the style of Herzberg, Jarecki, Krawczyk & Yung ("Proactive secret
 * sharing, or: how to cope with perpetual leakage", CRYPTO 1995) and of Wong, Wang & Wing's
 * verifiable secret redistribution (2002):
 *
 * 1. A designated set Q of t old holders (see {@link designatedDealers}) each re-share their own
 *    share s_i: dealer i picks g_i(z) = s_i + b_1·z + … + b_{t−1}·z^{t−1}, publishes
 *    D_{i,k} = b_k·G (D_{i,0} = s_i·G) and sends g_i(x'_j) to every new holder j, ECIES-encrypted.
 * 2. Anyone checks D_{i,0} = Σ_k C_k·x_i^k (the dealer really re-shares its own old share, from the
 *    old public commitments) and each new holder checks its sub-share against D_i (Feldman).
 * 3. New holder j sets s'_j = Σ_{i∈Q} λ_i·g_i(x'_j) and everybody sets C'_k = Σ_{i∈Q} λ_i·D_{i,k},
 *    with λ_i the Lagrange coefficients of Q at 0. Then C'_0 = Σ λ_i·s_i·G = s·G: the secret (and
 *    so the document key) is unchanged, while the new shares lie on a fresh random polynomial.
 *
 * An old share is a point on the old polynomial; it does not verify against C' (except with
 * negligible probability), so a removed member's share cannot be combined with the new ones.
 */
import {
  BrightChainError,
  bytesEqual,
  type CanonicalValue,
  type GuidV4,
  type Random,
  type SignatureBuffer,
  encodeCanonical,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import { guidBytes, readBytes, readGuid, readInt, readList, readTuple } from './canonical-fields';
import { eciesDecrypt, eciesEncrypt } from './ecies';
import { QuorumErrorCode } from './error-codes';
import { type FeldmanShare, decodeCommitments, publicShareOf, verifyFeldmanShare } from './feldman-vss';
import type { MemberSet } from './member-set';
import {
  type CurvePoint,
  POINT_BYTES,
  Point,
  baseMultiply,
  evaluatePolynomial,
  lagrangeAtZero,
  modN,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
} from './scalar-field';
import { type DocumentSharing, sharingHash } from './sealed-document';

/** Domain tag of deal signatures. */
export const RESHARE_DEAL_DOMAIN = 'brightchain/quorum/reshare-deal/v1';
const SUB_SHARE_CONTEXT_TAG = 'brightchain/quorum/reshare/v1';

/** One new holder's sub-share from one dealer, ECIES-encrypted to that holder. */
export interface EncryptedSubShare {
  readonly member: GuidV4;
  /** The holder's index in the new sharing. */
  readonly index: number;
  readonly envelope: Uint8Array;
}

/** One old holder's re-sharing of its share for the next epoch, signed by the dealer. */
export interface ReshareDeal {
  readonly documentId: GuidV4;
  /** Epoch of the sharing being redistributed. */
  readonly fromEpoch: number;
  /** Hash of that sharing (see `sharingHash`). */
  readonly sourceSharingHash: Uint8Array;
  /** Epoch of the member set receiving the new shares. */
  readonly toEpoch: number;
  readonly dealer: GuidV4;
  /** The dealer's index in the old sharing. */
  readonly dealerIndex: number;
  /** D_{i,0..t−1}: commitments to the dealer's sub-sharing polynomial. */
  readonly commitments: readonly Uint8Array[];
  /** One sub-share per member of the new set, in index order. */
  readonly subShares: readonly EncryptedSubShare[];
  readonly signature: SignatureBuffer;
}

function dealError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(QuorumErrorCode.RESHARE_DEAL_INVALID, message, { details });
}

/** ECIES context of a sub-share. */
function subShareContext(
  deal: Pick<ReshareDeal, 'documentId' | 'toEpoch' | 'dealer'>,
  member: GuidV4,
  index: number,
) {
  return encodeCanonical([
    SUB_SHARE_CONTEXT_TAG,
    guidBytes(deal.documentId),
    deal.toEpoch,
    guidBytes(deal.dealer),
    guidBytes(member),
    index,
  ]);
}

/**
 * The t old holders that re-share, deterministically: holders that stay members come first, then
 * (only if needed) holders being removed, each group in index order. Every node computes the same
 * set from the same old sharing and new member set.
 *
 * @example
 * ```ts
 * const dealers = designatedDealers(sharing, nextMembers); // sharing.threshold ids
 * ```
 */
export function designatedDealers(source: DocumentSharing, next: MemberSet): GuidV4[] {
  const staying = source.holders.filter((id) => next.has(id));
  const leaving = source.holders.filter((id) => !next.has(id));
  return [...staying, ...leaving].slice(0, source.threshold);
}

function dealBody(deal: Omit<ReshareDeal, 'signature'>): CanonicalValue {
  return [
    1,
    guidBytes(deal.documentId),
    deal.fromEpoch,
    deal.sourceSharingHash,
    deal.toEpoch,
    guidBytes(deal.dealer),
    deal.dealerIndex,
    [...deal.commitments],
    deal.subShares.map((s) => [guidBytes(s.member), s.index, s.envelope]),
  ];
}

/**
 * Dealer side: re-shares `share` (the dealer's share of `source`) to every member of `next`,
 * keeping the threshold. Randomness must come from a CSPRNG outside simulations.
 *
 * @throws BrightChainError `BC_RESHARE_DEAL_INVALID` if the dealer is not designated or the share
 * does not verify against the source commitments
 * @example
 * ```ts
 * const deal = dealReshare({ source, share, dealer: me.id, dealerSecretKey: me.secretKey, next, random });
 * ```
 */
export function dealReshare(options: {
  readonly source: DocumentSharing;
  readonly share: FeldmanShare;
  readonly dealer: GuidV4;
  readonly dealerSecretKey: Uint8Array;
  readonly next: MemberSet;
  readonly random: Random;
}): ReshareDeal {
  const { source, share, dealer, dealerSecretKey, next, random } = options;
  const dealerIndex = source.holders.indexOf(dealer) + 1;
  if (dealerIndex === 0 || !designatedDealers(source, next).includes(dealer)) {
    throw dealError('dealer is not a designated dealer for this redistribution', { dealer });
  }
  if (share.index !== dealerIndex || !verifyFeldmanShare(share, source.commitments)) {
    throw dealError('dealer share does not verify against the source commitments', { dealer });
  }
  if (share.value === 0n) {
    // s_i = 0 happens with probability 2^-256; its commitment would be the unencodable identity.
    throw dealError('dealer share is zero', { dealer });
  }
  const coefficients = [share.value];
  for (let k = 1; k < source.threshold; k++) coefficients.push(randomScalar(random));
  const base = {
    documentId: source.documentId,
    fromEpoch: source.epoch,
    sourceSharingHash: sharingHash(source),
    toEpoch: next.epoch,
    dealer,
    dealerIndex,
    commitments: coefficients.map((c) => pointToBytes(baseMultiply(c))),
  };
  const subShares = next.members.map((member, i) => {
    const index = i + 1;
    const value = evaluatePolynomial(coefficients, BigInt(index));
    return {
      member: member.id,
      index,
      envelope: eciesEncrypt(
        member.publicKey,
        scalarToBytes(value),
        subShareContext(base, member.id, index),
        random,
      ),
    };
  });
  const unsigned = { ...base, subShares };
  return {
    ...unsigned,
    signature: signMessage(dealerSecretKey, RESHARE_DEAL_DOMAIN, encodeCanonical(dealBody(unsigned))),
  };
}

/**
 * Public checks of a deal against the old sharing and the new member set: signature, ids, epochs,
 * designated dealer, one sub-share per new member at the right index, and D_{i,0} = the dealer's
 * public share. Does not open sub-shares.
 *
 * @throws BrightChainError `BC_RESHARE_DEAL_INVALID` naming the dealer
 * @example
 * ```ts
 * checkReshareDeal(deal, sharing, nextMembers, dealerPublicKey);
 * ```
 */
export function checkReshareDeal(
  deal: ReshareDeal,
  source: DocumentSharing,
  next: MemberSet,
  dealerPublicKey: Uint8Array,
): void {
  const details = { dealer: deal.dealer, documentId: deal.documentId };
  if (!verifyMessage(dealerPublicKey, RESHARE_DEAL_DOMAIN, encodeCanonical(dealBody(deal)), deal.signature)) {
    throw dealError('deal signature does not verify', details);
  }
  if (
    deal.documentId !== source.documentId ||
    deal.fromEpoch !== source.epoch ||
    deal.toEpoch !== next.epoch
  ) {
    throw dealError('deal is for another document or epoch', details);
  }
  if (!bytesEqual(deal.sourceSharingHash, sharingHash(source)))
    throw dealError('deal starts from another sharing', details);
  if (
    !designatedDealers(source, next).includes(deal.dealer) ||
    source.holders.indexOf(deal.dealer) + 1 !== deal.dealerIndex
  ) {
    throw dealError('dealer is not designated or has the wrong index', details);
  }
  if (deal.commitments.length !== source.threshold) throw dealError('wrong number of commitments', details);
  if (deal.subShares.length !== next.size) throw dealError('one sub-share per new member expected', details);
  deal.subShares.forEach((sub, i) => {
    if (sub.member !== next.members[i]?.id || sub.index !== i + 1)
      throw dealError('sub-shares out of order', details);
  });
  let points: CurvePoint[];
  try {
    points = decodeCommitments(deal.commitments);
  } catch {
    throw dealError('deal commitments are not valid points', details);
  }
  const expected = publicShareOf(deal.dealerIndex, decodeCommitments(source.commitments));
  if (!(points[0] as CurvePoint).equals(expected)) {
    throw dealError("deal does not re-share the dealer's own share (D_0 ≠ public share)", details);
  }
}

/**
 * New-holder side: decrypts this member's sub-share from a (publicly checked) deal and verifies it
 * against the deal's commitments.
 *
 * @throws BrightChainError `BC_RESHARE_DEAL_INVALID` naming the dealer if it does not decrypt or verify
 * @example
 * ```ts
 * const sub = openSubShare(deal, me.id, me.secretKey);
 * ```
 */
export function openSubShare(deal: ReshareDeal, member: GuidV4, secretKey: Uint8Array): FeldmanShare {
  const sub = deal.subShares.find((s) => s.member === member);
  if (sub === undefined) throw dealError('no sub-share for this member', { dealer: deal.dealer, member });
  let value: bigint;
  try {
    value = scalarFromBytes(eciesDecrypt(secretKey, sub.envelope, subShareContext(deal, member, sub.index)));
  } catch {
    throw dealError('sub-share does not decrypt', { dealer: deal.dealer, member });
  }
  const share = { index: sub.index, value };
  if (!verifyFeldmanShare(share, deal.commitments)) {
    throw dealError('sub-share does not verify against the deal commitments', {
      dealer: deal.dealer,
      member,
    });
  }
  return share;
}

/**
 * Combines the deals of every designated dealer into the new sharing and, when given this
 * member's verified sub-shares (dealer → sub-share), its new share.
 *
 * @throws BrightChainError `BC_RESHARE_DEAL_INVALID` unless there is exactly one deal per
 * designated dealer (and one sub-share per deal when sub-shares are given)
 * @example
 * ```ts
 * const { sharing, share } = combineReshare({ source, next, deals, subShares });
 * ```
 */
export function combineReshare(options: {
  readonly source: DocumentSharing;
  readonly next: MemberSet;
  readonly deals: readonly ReshareDeal[];
  readonly subShares?: ReadonlyMap<GuidV4, FeldmanShare>;
}): { readonly sharing: DocumentSharing; readonly share?: FeldmanShare } {
  const { source, next, deals, subShares } = options;
  const dealers = designatedDealers(source, next);
  const ordered = dealers.map((dealer) => {
    const deal = deals.find((d) => d.dealer === dealer);
    if (deal === undefined) throw dealError('missing deal from a designated dealer', { dealer });
    return deal;
  });
  const lambdas = lagrangeAtZero(ordered.map((deal) => BigInt(deal.dealerIndex)));
  const commitments: Uint8Array[] = [];
  for (let k = 0; k < source.threshold; k++) {
    let acc = Point.ZERO;
    ordered.forEach((deal, i) => {
      const point = decodeCommitments([deal.commitments[k] as Uint8Array])[0] as CurvePoint;
      acc = acc.add(point.multiplyUnsafe(lambdas[i] as bigint));
    });
    if (acc.is0()) throw dealError('combined commitment is the identity');
    commitments.push(pointToBytes(acc));
  }
  const sharing: DocumentSharing = {
    documentId: source.documentId,
    epoch: next.epoch,
    threshold: source.threshold,
    commitments,
    holders: next.ids(),
  };
  if (subShares === undefined) return { sharing };
  let value = 0n;
  let index = 0;
  ordered.forEach((deal, i) => {
    const sub = subShares.get(deal.dealer);
    if (sub === undefined) throw dealError('missing sub-share', { dealer: deal.dealer });
    index = sub.index;
    value = modN(value + (lambdas[i] as bigint) * sub.value);
  });
  return { sharing, share: { index, value } };
}

/** Canonical form of a deal. */
export function reshareDealToCanonical(deal: ReshareDeal): CanonicalValue {
  return [dealBody(deal), deal.signature];
}

/** Parses {@link reshareDealToCanonical} output. @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` */
export function reshareDealFromCanonical(value: CanonicalValue | undefined, field = 'deal'): ReshareDeal {
  const [body, signature] = readTuple(value, 2, field);
  const b = readTuple(body, 9, `${field}.body`);
  readInt(b[0], `${field}.version`, 1, 1);
  return {
    documentId: readGuid(b[1], `${field}.documentId`),
    fromEpoch: readInt(b[2], `${field}.fromEpoch`),
    sourceSharingHash: readBytes(b[3], `${field}.sourceSharingHash`, 32),
    toEpoch: readInt(b[4], `${field}.toEpoch`),
    dealer: readGuid(b[5], `${field}.dealer`),
    dealerIndex: readInt(b[6], `${field}.dealerIndex`, 1),
    commitments: readList(b[7], `${field}.commitments`, 10_000).map((c, i) =>
      readBytes(c, `${field}.commitments[${i}]`, POINT_BYTES),
    ),
    subShares: readList(b[8], `${field}.subShares`).map((item, i) => {
      const [member, index, envelope] = readTuple(item, 3, `${field}.subShares[${i}]`);
      return {
        member: readGuid(member, `${field}.subShares[${i}].member`),
        index: readInt(index, `${field}.subShares[${i}].index`, 1),
        envelope: readBytes(envelope, `${field}.subShares[${i}].envelope`, undefined, 1024),
      };
    }),
    signature: readBytes(signature, `${field}.signature`, 64) as SignatureBuffer,
  };
}
