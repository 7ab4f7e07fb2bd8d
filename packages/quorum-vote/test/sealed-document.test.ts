import { BrightChainError, type GuidV4, SeededRandom, newGuidV4, utf8Bytes } from '@brightchain/core';
import {
  type DocumentSeal,
  MemberSet,
  type PresentedShare,
  QuorumErrorCode,
  decryptDocument,
  openEncryptedShare,
  reconstructDocument,
  sealDocument,
} from '@brightchain/quorum-vote';
import { makeMembers } from './support/governor-harness';

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

describe('sealed documents', () => {
  const people = makeMembers(5, 'sealed');
  const members = MemberSet.create(
    3,
    people.map((p) => p.member),
  );
  const random = new SeededRandom('seal');
  const documentId = newGuidV4(random);
  const plaintext = utf8Bytes('the vault combination is 12-34-56');
  const seal: DocumentSeal = sealDocument({
    documentId,
    plaintext,
    members,
    threshold: 3,
    sealedBy: people[0]!.id,
    random,
  });
  const secretOf = (id: GuidV4) => people.find((p) => p.id === id)!.keys.secretKey;
  const presented: PresentedShare[] = seal.shares.map((s) => ({
    member: s.member,
    share: openEncryptedShare(s, secretOf(s.member)),
  }));

  it('binds the document id and epoch, uses a 12-byte nonce, shares to every member in index order', () => {
    expect(seal.document.nonce).toHaveLength(12);
    expect(seal.document.epoch).toBe(3);
    expect(seal.sharing.holders).toEqual(members.ids());
    expect(seal.shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    expect(seal.document.ciphertext).toHaveLength(plaintext.length + 16);
  });

  it('reconstructs with every threshold-sized subset of good shares', () => {
    for (const subset of subsets(presented, 3)) {
      expect(reconstructDocument(seal.document, seal.sharing, subset)).toEqual({
        plaintext,
        invalidMembers: [],
      });
    }
  });

  it('identifies a member presenting a bad share and uses the good ones', () => {
    const cheater = presented[1]!;
    const shares = presented.map((p) =>
      p === cheater ? { ...p, share: { ...p.share, value: p.share.value ^ 1n } } : p,
    );
    expect(reconstructDocument(seal.document, seal.sharing, shares)).toEqual({
      plaintext,
      invalidMembers: [cheater.member],
    });
  });

  it('identifies a member presenting someone else’s share', () => {
    const thief = presented[0]!;
    const shares = [{ member: thief.member, share: presented[2]!.share }, ...presented.slice(3)];
    try {
      reconstructDocument(seal.document, seal.sharing, shares);
      throw new Error('expected failure');
    } catch (error) {
      expect(BrightChainError.isInstance(error, QuorumErrorCode.SHARE_INSUFFICIENT)).toBe(true);
      expect((error as BrightChainError).details.invalidMembers).toEqual([thief.member]);
    }
  });

  it('fewer than threshold good shares is a typed error', () => {
    expect(() => reconstructDocument(seal.document, seal.sharing, presented.slice(0, 2))).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.SHARE_INSUFFICIENT }),
    );
  });

  it('AES-GCM additional data binds the document id and epoch', () => {
    const otherId = { ...seal.document, documentId: newGuidV4(random) };
    expect(() =>
      reconstructDocument(otherId, { ...seal.sharing, documentId: otherId.documentId }, presented),
    ).toThrow(expect.objectContaining({ code: QuorumErrorCode.DOCUMENT_DECRYPT_FAILED }));
    const otherEpoch = { ...seal.document, epoch: 4 };
    expect(() => reconstructDocument(otherEpoch, seal.sharing, presented)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.DOCUMENT_DECRYPT_FAILED }),
    );
    const tampered = {
      ...seal.document,
      ciphertext: Uint8Array.from(seal.document.ciphertext, (b, i) => (i === 0 ? b ^ 1 : b)),
    };
    expect(() => reconstructDocument(tampered, seal.sharing, presented)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.DOCUMENT_DECRYPT_FAILED }),
    );
  });

  it('a wrong secret is refused before decryption (key commitment)', () => {
    expect(() => decryptDocument(seal.document, 12345n)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.DOCUMENT_DECRYPT_FAILED }),
    );
  });

  it('a sharing whose C_0 is not the key commitment is refused', () => {
    const forged = {
      ...seal.sharing,
      commitments: [seal.sharing.commitments[1]!, ...seal.sharing.commitments.slice(1)],
    };
    expect(() => reconstructDocument(seal.document, forged, presented)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.DOCUMENT_INVALID }),
    );
  });

  it('a member cannot open another member’s encrypted share', () => {
    const share = seal.shares[0]!;
    expect(() => openEncryptedShare(share, people[1]!.keys.secretKey)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.ECIES_INVALID }),
    );
    expect(() => openEncryptedShare({ ...share, index: 2 }, secretOf(share.member))).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.ECIES_INVALID }),
    );
  });
});
