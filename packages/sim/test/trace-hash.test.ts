import { TraceHash } from '../src/trace-hash';

function hashOf(words: readonly number[]): string {
  const hash = new TraceHash();
  for (const word of words) hash.add(word);
  return hash.hex();
}

describe('TraceHash', () => {
  it('pins its output (the same on every platform)', () => {
    expect(hashOf([])).toBe(hashOf([]));
    expect(hashOf([])).toMatch(/^[0-9a-f]{16}$/);
    expect({ empty: hashOf([]), words: hashOf([1, 2, 3, 0xffffffff]) }).toEqual(KNOWN);
  });

  it('depends on every word, on order and on length', () => {
    const base = [1, 2, 3, 4, 5];
    const seen = new Set([hashOf(base)]);
    for (let i = 0; i < base.length; i++) {
      const changed = [...base];
      changed[i] = (changed[i] as number) ^ 1;
      seen.add(hashOf(changed));
    }
    seen.add(hashOf([2, 1, 3, 4, 5]));
    seen.add(hashOf([1, 2, 3, 4, 5, 0]));
    seen.add(hashOf([1, 2, 3, 4]));
    expect(seen.size).toBe(base.length + 4);
  });

  it('has no collisions over 100,000 single-word inputs and flips about half the bits per input bit', () => {
    const hashes = new Set<string>();
    for (let i = 0; i < 100_000; i++) hashes.add(hashOf([i]));
    expect(hashes.size).toBe(100_000);
    let flipped = 0;
    let trials = 0;
    for (let x = 0; x < 200; x++) {
      for (let bit = 0; bit < 32; bit++) {
        const a = BigInt(`0x${hashOf([x * 7919])}`);
        const b = BigInt(`0x${hashOf([(x * 7919) ^ (1 << bit)])}`);
        flipped += (a ^ b)
          .toString(2)
          .split('')
          .filter((c) => c === '1').length;
        trials++;
      }
    }
    const mean = flipped / trials;
    expect(mean).toBeGreaterThan(30);
    expect(mean).toBeLessThan(34);
  });

  it('addNumber folds numbers above 2^32 as two words', () => {
    const a = new TraceHash();
    a.addNumber(2 ** 40 + 5);
    const b = new TraceHash();
    b.add(5);
    b.add(2 ** 8);
    expect(a.hex()).toBe(b.hex());
    expect(a.length).toBe(2);
  });
});

const KNOWN = { empty: '2593b8852f8817ee', words: '9169f4b85e6ac353' };
