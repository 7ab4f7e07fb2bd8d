import { type GuidV4, parseGuidV4 } from '@brightchain/core';
import {
  type BallotContext,
  generateThresholdKey,
  PaillierEncryptor,
  type ThresholdKeyCeremony,
} from '@brightchain/paillier-poll';

/** Two pinned 160-bit safe primes (320-bit n) for known-answer vectors. */
export const PINNED_P = 1188225719565289238443918096684757756987094946883n;
export const PINNED_Q = 1167134712011990462143684073642076132238949630747n;

export const POLL_ID: GuidV4 = parseGuidV4('6f1c2e4a-1b2c-4d3e-8f4a-1234567890ab');
export const OTHER_POLL_ID: GuidV4 = parseGuidV4('0b8f6a52-9c1d-4e2f-a3b4-c5d6e7f80912');
export const VOTER_ID: GuidV4 = parseGuidV4('2a3b4c5d-6e7f-4a1b-9c2d-3e4f5a6b7c8d');
export const OTHER_VOTER_ID: GuidV4 = parseGuidV4('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a');
export const VOTER_KEY = Uint8Array.from({ length: 33 }, (_, i) => (i === 0 ? 2 : i));
export const OTHER_VOTER_KEY = Uint8Array.from({ length: 33 }, (_, i) => (i === 0 ? 3 : 255 - i));

export const CONTEXT: BallotContext = { pollId: POLL_ID, voterId: VOTER_ID, voterPublicKey: VOTER_KEY };

/** A small (insecure, test-only) threshold key with pinned primes. */
export function pinnedKey(trustees: number, threshold: number, random?: import('@brightchain/core').Random) {
  return generateThresholdKey({
    trustees,
    threshold,
    allowInsecureKeySize: true,
    primes: { p: PINNED_P, q: PINNED_Q },
    ...(random ? { random } : {}),
  });
}

/** A fresh small key from generated 160-bit safe primes. */
export function freshKey(trustees: number, threshold: number): Promise<ThresholdKeyCeremony> {
  return generateThresholdKey({ trustees, threshold, modulusBits: 320, allowInsecureKeySize: true });
}

const encryptors = new WeakMap<object, PaillierEncryptor>();
/** One encryptor per key object (tables are built once per test file). */
export function encryptorFor(ceremony: ThresholdKeyCeremony): PaillierEncryptor {
  let encryptor = encryptors.get(ceremony.publicKey);
  if (!encryptor) {
    encryptor = new PaillierEncryptor(ceremony.publicKey.publicKey, { tableWidth: 4 });
    encryptors.set(ceremony.publicKey, encryptor);
  }
  return encryptor;
}

/** Every k-subset of 1..n. */
export function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n])];
}

/** Jacobi symbol (a/n) for odd n > 0 (Cohen, Algorithm 1.4.10): the reference for J_n membership. */
export function jacobi(a: bigint, n: bigint): number {
  let x = ((a % n) + n) % n;
  let m = n;
  let result = 1;
  while (x !== 0n) {
    while (x % 2n === 0n) {
      x /= 2n;
      const r = m % 8n;
      if (r === 3n || r === 5n) result = -result;
    }
    [x, m] = [m, x];
    if (x % 4n === 3n && m % 4n === 3n) result = -result;
    x %= m;
  }
  return m === 1n ? result : 0;
}
