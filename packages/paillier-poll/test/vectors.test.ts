/**
 * Known-answer vectors: a deterministic run (pinned 160-bit safe primes, SeededRandom) of key
 * generation, a ballot with its proof, a 2-of-3 decryption with proofs, and negative vectors.
 * The JSON pins the exact Fiat–Shamir hash inputs. Regenerate with
 * `UPDATE_VECTORS=1 npx jest packages/paillier-poll/test/vectors.test.ts` (only on purpose: a
 * change here is a protocol change and needs a new domain tag version).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToBigint, domainXof, SeededRandom } from '@brightchain/core';
import {
  type BallotShape,
  ballotTranscript,
  CHALLENGE_BITS,
  combineDecryptionShares,
  createDecryptionShare,
  decryptionShareTranscript,
  type DecryptionShare,
  type EncryptedBallot,
  encryptBallot,
  PaillierEncryptor,
  PaillierPublicKey,
  PollDomain,
  randomizerBase,
  type ThresholdPublicKey,
  verifyBallot,
  verifyBallotUnbatched,
  verifyDecryptionShare,
  weightedSumCiphertext,
  aggregateBallots,
} from '@brightchain/paillier-poll';
import { CONTEXT, PINNED_P, PINNED_Q, pinnedKey } from './fixtures';

const FILE = join(__dirname, 'vectors', 'paillier-poll-v1.json');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** JSON with bigints as `0x…` strings and bytes as hex. */
function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return `0x${value.toString(16)}`;
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

/** Inverse of {@link toJson} for the ballot structures. */
function fromJson(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('0x')) return BigInt(value);
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  }
  return value;
}

const SHAPE: BallotShape = {
  positions: [
    [0n, 1n],
    [0n, 1n],
    [0n, 1n, 2n],
  ],
  sums: [{ weights: [1n, 1n, 1n], allowed: [1n, 2n] }],
};

async function buildVectors() {
  const root = new SeededRandom('brightchain/paillier-poll/kat/v1');
  const ceremony = await pinnedKey(3, 2, root.fork('keygen'));
  const key = ceremony.publicKey.publicKey;
  const encryptor = new PaillierEncryptor(key, { tableWidth: 4 });
  const ballots: EncryptedBallot[] = [
    [0n, 1n, 0n],
    [1n, 0n, 1n],
    [0n, 0n, 2n],
  ].map((plaintexts, i) => encryptBallot(encryptor, SHAPE, CONTEXT, plaintexts, root.fork(`ballot-${i}`)));
  const first = ballots[0]!;
  const transcript = ballotTranscript(
    key,
    SHAPE,
    CONTEXT,
    first.ciphertexts,
    SHAPE.sums.map((s) => weightedSumCiphertext(key, first.ciphertexts, s.weights)),
    first.proof.positions.map((p) => p.commitments),
    first.proof.sums.map((p) => p.commitments),
  );
  const tally = aggregateBallots(key, ballots, 3);
  const shareContext = new TextEncoder().encode('kat-poll/tally/v1');
  const shares = [0, 2].map((i) =>
    createDecryptionShare(ceremony.shares[i]!, tally, shareContext, root.fork(`share-${i + 1}`)),
  );
  const plaintexts = combineDecryptionShares(ceremony.publicKey, tally, shareContext, shares);
  const shareHashes = shares.map((share) => {
    const t = decryptionShareTranscript(
      ceremony.publicKey,
      share.trusteeIndex,
      shareContext,
      tally,
      share.values,
      share.proof.ciphertextCommitments,
      share.proof.verificationCommitment,
    );
    return { domain: t.domain, parts: t.parts, challenge: t.challenge() };
  });
  const flip = (x: bigint) => x ^ 2n;
  const negative = [
    {
      description: 'first ciphertext multiplied by g (encrypts 1 more)',
      ballot: {
        ...first,
        ciphertexts: [(first.ciphertexts[0]! * key.g) % key.nSquared, ...first.ciphertexts.slice(1)],
      },
    },
    {
      description: 'ballot challenge bit flipped',
      ballot: { ...first, proof: { ...first.proof, challenge: flip(first.proof.challenge) } },
    },
    {
      description: 'response of position 0 branch 0 bit flipped',
      ballot: {
        ...first,
        proof: {
          ...first.proof,
          positions: [
            {
              ...first.proof.positions[0]!,
              responses: [
                flip(first.proof.positions[0]!.responses[0]!),
                first.proof.positions[0]!.responses[1]!,
              ],
            },
            ...first.proof.positions.slice(1),
          ],
        },
      },
    },
    {
      description: 'ciphertexts of ballot 1 with the proof of ballot 0',
      ballot: { ...first, ciphertexts: ballots[1]!.ciphertexts },
    },
    {
      description: 'ciphertext ≡ 0 mod n',
      ballot: { ...first, ciphertexts: [key.n, ...first.ciphertexts.slice(1)] },
    },
  ];
  return {
    description:
      'Known-answer vectors for @brightchain/paillier-poll v1: insecure 320-bit test key, SeededRandom. Numbers are 0x-hex.',
    seed: 'brightchain/paillier-poll/kat/v1',
    primes: { p: PINNED_P, q: PINNED_Q },
    key: {
      n: key.n,
      threshold: ceremony.publicKey.threshold,
      trustees: ceremony.publicKey.trustees,
      delta: ceremony.publicKey.delta,
      verificationBase: ceremony.publicKey.verificationBase,
      verificationKeys: ceremony.publicKey.verificationKeys,
      secretShares: ceremony.shares.map((s) => s.secret),
      randomizerBase: randomizerBase(key),
    },
    challengeBits: CHALLENGE_BITS,
    ballots: {
      shape: SHAPE,
      context: CONTEXT,
      plaintexts: [
        [0n, 1n, 0n],
        [1n, 0n, 1n],
        [0n, 0n, 2n],
      ],
      ballots,
      firstBallotHash: {
        domain: transcript.domain,
        parts: transcript.parts,
        challenge: transcript.challenge(),
      },
    },
    decryption: { context: shareContext, tally, shares, shareHashes, plaintexts },
    negative,
  };
}

describe('known-answer vectors', () => {
  let built: Awaited<ReturnType<typeof buildVectors>>;
  let stored: Record<string, unknown>;

  beforeAll(async () => {
    built = await buildVectors();
    if (process.env.UPDATE_VECTORS === '1')
      writeFileSync(FILE, `${JSON.stringify(toJson(built), null, 2)}\n`);
    stored = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;
  });

  it('recomputes byte for byte', () => {
    expect(toJson(built)).toEqual(stored);
  });

  it('the stored hash input hashes to the stored challenge', () => {
    const hash = stored.ballots as {
      firstBallotHash: { domain: string; parts: string[]; challenge: string };
    };
    const { domain, parts, challenge } = hash.firstBallotHash;
    expect(domain).toBe(PollDomain.BALLOT_PROOF);
    const digest = domainXof(
      domain,
      CHALLENGE_BITS / 8,
      ...parts.map((p) => Uint8Array.from(Buffer.from(p, 'hex'))),
    );
    expect(`0x${bytesToBigint(digest).toString(16)}`).toBe(challenge);
    const shareHashes = (
      stored.decryption as { shareHashes: { domain: string; parts: string[]; challenge: string }[] }
    ).shareHashes;
    expect(shareHashes).toHaveLength(2);
    for (const h of shareHashes) {
      expect(h.domain).toBe(PollDomain.DECRYPTION_SHARE_PROOF);
      const d = domainXof(
        h.domain,
        CHALLENGE_BITS / 8,
        ...h.parts.map((p) => Uint8Array.from(Buffer.from(p, 'hex'))),
      );
      expect(`0x${bytesToBigint(d).toString(16)}`).toBe(h.challenge);
    }
  });

  it('stored ballots and shares verify against the stored public key; negative vectors do not', () => {
    const k = fromJson(stored.key) as {
      n: bigint;
      threshold: number;
      trustees: number;
      delta: bigint;
      verificationBase: bigint;
      verificationKeys: bigint[];
    };
    const publicKey = new PaillierPublicKey(k.n);
    const thresholdKey: ThresholdPublicKey = {
      publicKey,
      threshold: k.threshold,
      trustees: k.trustees,
      delta: k.delta,
      verificationBase: k.verificationBase,
      verificationKeys: k.verificationKeys,
    };
    const ballots = fromJson((stored.ballots as { ballots: unknown }).ballots) as EncryptedBallot[];
    for (const ballot of ballots) {
      expect(verifyBallot(publicKey, SHAPE, CONTEXT, ballot)).toBe(true);
      expect(verifyBallotUnbatched(publicKey, SHAPE, CONTEXT, ballot)).toBe(true);
    }
    const negative = fromJson(stored.negative) as { description: string; ballot: EncryptedBallot }[];
    expect(negative.length).toBeGreaterThanOrEqual(5);
    for (const { ballot } of negative) {
      expect(verifyBallot(publicKey, SHAPE, CONTEXT, ballot)).toBe(false);
      expect(verifyBallotUnbatched(publicKey, SHAPE, CONTEXT, ballot)).toBe(false);
    }
    const decryption = fromJson(stored.decryption) as {
      tally: bigint[];
      shares: DecryptionShare[];
      plaintexts: bigint[];
    };
    const shareContext = new TextEncoder().encode('kat-poll/tally/v1');
    for (const share of decryption.shares) {
      expect(verifyDecryptionShare(thresholdKey, decryption.tally, shareContext, share)).toBe(true);
    }
    expect(combineDecryptionShares(thresholdKey, decryption.tally, shareContext, decryption.shares)).toEqual([
      1n,
      1n,
      3n,
    ]);
    expect(decryption.plaintexts).toEqual([1n, 1n, 3n]);
  });
});
