import {
  type CanonicalValue,
  type GuidV4,
  SeededRandom,
  decodeStrict,
  encodeCanonical,
  newGuidV4,
  signMessage,
  utf8Bytes,
} from '@brightchain/core';
import {
  type DocumentSharing,
  type FeldmanShare,
  MemberSet,
  QuorumErrorCode,
  checkReshareDeal,
  combineReshare,
  dealReshare,
  decodeGovernorMessage,
  encodeGovernorMessage,
  designatedDealers,
  openEncryptedShare,
  openSubShare,
  reconstructDocument,
  reconstructFeldmanSecret,
  sealDocument,
  verifyFeldmanShare,
} from '@brightchain/quorum-vote';
import { type TestMember, makeMembers } from './support/governor-harness';

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

const people = makeMembers(7, 'reshare');
const keyOf = (id: GuidV4): TestMember => people.find((p) => p.id === id) as TestMember;
const random = new SeededRandom('reshare');

/** Runs one full redistribution from `source` (shares held as `shares`) to `next`. */
function redistribute(source: DocumentSharing, shares: ReadonlyMap<GuidV4, FeldmanShare>, next: MemberSet) {
  const dealers = designatedDealers(source, next);
  const deals = dealers.map((dealer) =>
    dealReshare({
      source,
      share: shares.get(dealer) as FeldmanShare,
      dealer,
      dealerSecretKey: keyOf(dealer).keys.secretKey,
      next,
      random,
    }),
  );
  for (const deal of deals) checkReshareDeal(deal, source, next, keyOf(deal.dealer).keys.publicKey);
  const newShares = new Map<GuidV4, FeldmanShare>();
  let sharing: DocumentSharing | undefined;
  for (const member of next.members) {
    const subShares = new Map(
      deals.map((deal) => [deal.dealer, openSubShare(deal, member.id, keyOf(member.id).keys.secretKey)]),
    );
    const result = combineReshare({ source, next, deals, subShares });
    sharing ??= result.sharing;
    expect(result.sharing).toEqual(sharing);
    newShares.set(member.id, result.share as FeldmanShare);
  }
  return { sharing: sharing as DocumentSharing, shares: newShares, deals };
}

describe('proactive redistribution (Desmedt–Jajodia with Feldman verification)', () => {
  const initial = MemberSet.create(
    0,
    people.slice(0, 5).map((p) => p.member),
  );
  const documentId = newGuidV4(random);
  const plaintext = utf8Bytes('launch codes');
  const seal = sealDocument({
    documentId,
    plaintext,
    members: initial,
    threshold: 3,
    sealedBy: people[0]!.id,
    random,
  });
  const oldShares = new Map(
    seal.shares.map((s) => [s.member, openEncryptedShare(s, keyOf(s.member).keys.secretKey)]),
  );

  it('chooses t staying holders as dealers, in index order', () => {
    const removed = initial.members[0]!.id;
    const next = initial.withoutMember(removed);
    const dealers = designatedDealers(seal.sharing, next);
    expect(dealers).toEqual(initial.ids().slice(1, 4));
    expect(dealers).not.toContain(removed);
  });

  it('after adding a member: same key, new commitments, every t-subset of new shares decrypts', () => {
    const next = initial.withMember(people[5]!.member);
    const { sharing, shares } = redistribute(seal.sharing, oldShares, next);
    expect(sharing.epoch).toBe(1);
    expect(sharing.holders).toEqual(next.ids());
    expect(sharing.commitments[0]).toEqual(seal.sharing.commitments[0]); // C'_0 = s·G
    expect(sharing.commitments.slice(1)).not.toEqual(seal.sharing.commitments.slice(1));
    for (const share of shares.values()) expect(verifyFeldmanShare(share, sharing.commitments)).toBe(true);
    const presented = [...shares].map(([member, share]) => ({ member, share }));
    for (const subset of subsets(presented, 3)) {
      expect(reconstructDocument(seal.document, sharing, subset).plaintext).toEqual(plaintext);
    }
  });

  it("after removing a member: the removed member's old share is useless with the new commitments", () => {
    const removed = initial.members[2]!.id;
    const next = initial.withoutMember(removed);
    const { sharing, shares } = redistribute(seal.sharing, oldShares, next);
    const old = oldShares.get(removed) as FeldmanShare;
    // The old share verifies under the old commitments only.
    expect(verifyFeldmanShare(old, seal.sharing.commitments)).toBe(true);
    expect(verifyFeldmanShare(old, sharing.commitments)).toBe(false);
    for (let index = 1; index <= 5; index++) {
      expect(verifyFeldmanShare({ index, value: old.value }, sharing.commitments)).toBe(false);
    }
    // Mixed with t−1 new shares it is identified and refused.
    const mixed = [
      { member: removed, share: old },
      ...[...shares].slice(0, 2).map(([member, share]) => ({ member, share })),
    ];
    expect(() => reconstructDocument(seal.document, sharing, mixed)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.SHARE_INSUFFICIENT }),
    );
    // Any t of the remaining holders' new shares still decrypt the unchanged ciphertext.
    const presented = [...shares].map(([member, share]) => ({ member, share }));
    for (const subset of subsets(presented, 3)) {
      expect(reconstructDocument(seal.document, sharing, subset).plaintext).toEqual(plaintext);
    }
  });

  it('survives two redistributions in a row (add, then remove)', () => {
    const e1 = initial.withMember(people[5]!.member);
    const first = redistribute(seal.sharing, oldShares, e1);
    const e2 = e1.withoutMember(initial.members[0]!.id);
    const second = redistribute(first.sharing, first.shares, e2);
    const picked = [...second.shares].slice(-3).map(([, share]) => share);
    expect(reconstructFeldmanSecret(picked, second.sharing.commitments).invalidIndices).toEqual([]);
    const presented = [...second.shares].slice(0, 3).map(([member, share]) => ({ member, share }));
    expect(reconstructDocument(seal.document, second.sharing, presented).plaintext).toEqual(plaintext);
  });

  describe('bad deals are detected and attributed to their dealer', () => {
    const next = initial.withMember(people[6]!.member);
    const dealer = designatedDealers(seal.sharing, next)[0] as GuidV4;
    const dealerKeys = keyOf(dealer).keys;
    const honest = dealReshare({
      source: seal.sharing,
      share: oldShares.get(dealer)!,
      dealer,
      dealerSecretKey: dealerKeys.secretKey,
      next,
      random,
    });

    it('a dealer that re-shares something other than its own share (D_0 ≠ public share)', () => {
      const other = oldShares.get(initial.ids()[4]!)!;
      expect(() =>
        dealReshare({
          source: seal.sharing,
          share: { index: 1, value: other.value },
          dealer,
          dealerSecretKey: dealerKeys.secretKey,
          next,
          random,
        }),
      ).toThrow(expect.objectContaining({ code: QuorumErrorCode.RESHARE_DEAL_INVALID }));
      // Forge a correctly signed deal whose D_0 is not the dealer's public share: edit the signed
      // body through the wire encoding and re-sign it with the dealer's key.
      const wire = decodeStrict(
        encodeGovernorMessage({ kind: 'deal', deal: honest, context: null }),
      ) as CanonicalValue[];
      const [[body]] = wire[2] as [[CanonicalValue[], Uint8Array], null];
      const commitments = body[7] as Uint8Array[];
      commitments[0] = commitments[1] as Uint8Array;
      const signature = signMessage(
        dealerKeys.secretKey,
        'brightchain/quorum/reshare-deal/v1',
        encodeCanonical(body),
      );
      const reencoded = encodeCanonical([1, 'deal', [[body, signature], null]]);
      const forged = decodeGovernorMessage(reencoded);
      if (forged.kind !== 'deal') throw new Error('unexpected kind');
      expect(() => checkReshareDeal(forged.deal, seal.sharing, next, dealerKeys.publicKey)).toThrow(
        expect.objectContaining({
          code: QuorumErrorCode.RESHARE_DEAL_INVALID,
          message: expect.stringContaining('D_0'),
          details: expect.objectContaining({ dealer }),
        }),
      );
    });

    it('a tampered sub-share is identified by the recipient', () => {
      const victim = next.members[2]!.id;
      const subShares = honest.subShares.map((s) =>
        s.member === victim
          ? { ...s, envelope: Uint8Array.from(s.envelope, (b, i) => (i === 40 ? b ^ 1 : b)) }
          : s,
      );
      expect(() => openSubShare({ ...honest, subShares }, victim, keyOf(victim).keys.secretKey)).toThrow(
        expect.objectContaining({
          code: QuorumErrorCode.RESHARE_DEAL_INVALID,
          details: expect.objectContaining({ dealer }),
        }),
      );
    });

    it('a deal signed by someone else, for another epoch, or from a non-designated dealer', () => {
      expect(() =>
        checkReshareDeal(honest, seal.sharing, next, keyOf(initial.ids()[4]!).keys.publicKey),
      ).toThrow(expect.objectContaining({ code: QuorumErrorCode.RESHARE_DEAL_INVALID }));
      const later = next.withoutMember(initial.ids()[4]!);
      expect(() => checkReshareDeal(honest, seal.sharing, later, dealerKeys.publicKey)).toThrow(
        expect.objectContaining({ code: QuorumErrorCode.RESHARE_DEAL_INVALID }),
      );
      const outsider = initial.ids()[4]!;
      expect(() =>
        dealReshare({
          source: seal.sharing,
          share: oldShares.get(outsider)!,
          dealer: outsider,
          dealerSecretKey: keyOf(outsider).keys.secretKey,
          next,
          random,
        }),
      ).toThrow(expect.objectContaining({ code: QuorumErrorCode.RESHARE_DEAL_INVALID }));
    });

    it('combining without every designated deal is refused', () => {
      expect(() => combineReshare({ source: seal.sharing, next, deals: [honest] })).toThrow(
        expect.objectContaining({ code: QuorumErrorCode.RESHARE_DEAL_INVALID }),
      );
    });
  });
});
