/**
 * The randomness port. Cores take a `Random`; the simulator hands them a {@link SeededRandom} so a
 * seed replays a run exactly, and real nodes use {@link CryptoRandom}. Secrets (keys, nonces,
 * Paillier randomness) must always come from a CSPRNG, never from `SeededRandom`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import { domainHash, utf8Bytes } from './hash';

/** Source of randomness injected into every core. */
export interface Random {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniform integer in `[0, max)`; `max` must be a positive safe integer. */
  int(max: number): number;
  /** A uniform float in `[0, 1)` with 53 bits of precision. */
  float(): number;
}

// Hoisted: global lookups are ~100× slower inside jest's VM context, and this is a hot path in simulations.
const imul = Math.imul;
const isSafeInteger = Number.isSafeInteger;
const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

function checkMax(max: number): void {
  if (!isSafeInteger(max) || max < 1) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'int(max) needs a positive safe integer', {
      details: { max },
    });
  }
}

function checkLength(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > 1 << 30) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'bytes(n) needs an integer in 0..2^30', {
      details: { n },
    });
  }
}

/**
 * Operating-system CSPRNG (`node:crypto`). Use for real nodes and for every secret.
 *
 * @example
 * ```ts
 * const random = new CryptoRandom();
 * const nonce = random.bytes(32);
 * ```
 */
export class CryptoRandom implements Random {
  bytes(n: number): Uint8Array {
    checkLength(n);
    const buf = randomBytes(n);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  int(max: number): number {
    checkMax(max);
    if (max <= 2 ** 48) return randomInt(max);
    return Math.floor(this.float() * max);
  }

  float(): number {
    const b = randomBytes(8);
    const hi = b.readUInt32BE(0) >>> 5;
    const lo = b.readUInt32BE(4) >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }
}

/** What a {@link SeededRandom} can be seeded with. */
export type Seed = number | string | Uint8Array;

function seedBytes(seed: Seed): Uint8Array {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'numeric seed must be a safe integer', {
        details: { seed },
      });
    }
    return utf8Bytes(`n:${seed}`);
  }
  if (typeof seed === 'string') return utf8Bytes(`s:${seed}`);
  if (seed instanceof Uint8Array) return Uint8Array.of(0x62, 0x3a, ...seed);
  throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'seed must be a number, string or Uint8Array');
}

/**
 * Deterministic PRNG: xoshiro128** (Blackman & Vigna, 2018) with its 128-bit state derived from
 * the seed by domain-separated SHA3-256. Pure 32-bit integer arithmetic, so the output is the
 * same on every platform (a known-answer test pins it). Not cryptographically secure.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42);
 * random.int(6); // always the same for seed 42
 * const perNode = random.fork('node-7'); // independent stream, stable across runs
 * ```
 */
export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private readonly material: Uint8Array;

  /** @throws BrightChainError `BC_INVALID_ARGUMENT` for an unusable seed */
  constructor(seed: Seed) {
    this.material = domainHash('brightchain/seeded-random/v1', seedBytes(seed));
    const view = new DataView(this.material.buffer, this.material.byteOffset, 16);
    this.s0 = view.getUint32(0);
    this.s1 = view.getUint32(4);
    this.s2 = view.getUint32(8);
    this.s3 = view.getUint32(12);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * An independent generator derived from this one's seed and `label`. Forks do not depend on how
   * much of the parent stream has been consumed, so adding draws in one place never shifts
   * another component's randomness.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(domainHash('brightchain/seeded-random/fork/v1', this.material, utf8Bytes(label)));
  }

  /** The next raw 32-bit output. */
  nextUint32(): number {
    const result = imul(rotl(imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  bytes(n: number): Uint8Array {
    checkLength(n);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let word = this.nextUint32();
      for (let j = i; j < Math.min(i + 4, n); j++) {
        out[j] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }

  int(max: number): number {
    checkMax(max);
    if (max <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % max);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % max;
      }
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % max);
    for (;;) {
      const x = this.float() * TWO_POW_53;
      if (x < limit) return x % max;
    }
  }

  float(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
