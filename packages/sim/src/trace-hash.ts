/**
 * The trace hash: a 64-bit fingerprint of everything a run did (every delivered message, every
 * node lifecycle change and fault), used to check determinism: the same seed must print the same
 * hash on every run and every machine.
 *
 * It is two independent 32-bit lanes fed the same words — one MurmurHash3-style (multiply, rotate,
 * multiply, then fold into the state), one xxHash32-style (accumulate, rotate, multiply) — finalised
 * with the MurmurHash3 avalanche and printed as 16 hex characters. Only `Math.imul` and 32-bit
 * integer operations are used, so the result is the same on every platform.
 *
 * **Not a cryptographic hash.** It is cheap (a few nanoseconds per word) and well mixed, which is
 * what a determinism check needs; it must never be used where an adversary chooses the input.
 */
// Globals used on the hot path are read once here: inside a \`vm\` context (jest) every global
// lookup goes through an interceptor and costs ~100× a local one.
const imul = Math.imul;
const floor = Math.floor;

export class TraceHash {
  private lane1 = 0x2f3b_9a1d;
  private lane2 = 0x6a09_e667 | 0;
  private words = 0;

  /** Folds one 32-bit word (higher bits of larger numbers are ignored; use {@link addNumber}). */
  add(word: number): void {
    let k = imul(word | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = imul(k, 0x1b873593);
    let h = this.lane1 ^ k;
    h = (h << 13) | (h >>> 19);
    this.lane1 = (imul(h, 5) + 0xe6546b64) | 0;

    let a = (this.lane2 + imul(word | 0, 0x85ebca77)) | 0;
    a = (a << 13) | (a >>> 19);
    this.lane2 = imul(a, 0x9e3779b1);
    this.words++;
  }

  /** Folds a non-negative integer up to 2^53 as two words (low 32 bits, then the rest). */
  addNumber(value: number): void {
    this.add(value >>> 0);
    this.add(floor(value / 0x1_0000_0000) | 0);
  }

  /** Number of words folded so far. */
  get length(): number {
    return this.words;
  }

  /** The current 64-bit value as 16 lower-case hex characters (does not change the state). */
  hex(): string {
    let h1 = fmix32(this.lane1 ^ this.words);
    let h2 = fmix32(this.lane2 ^ imul(this.words, 0x27d4eb2f));
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    return hex8(h1) + hex8(h2);
  }
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
