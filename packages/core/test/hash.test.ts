import { createHash } from 'node:crypto';
import { sha3_256, sha3_512, shake256 } from '@noble/hashes/sha3.js';
import fc from 'fast-check';
import {
  BrightChainError,
  CHECKSUM_LENGTH,
  checksum,
  checksumToHex,
  domainHash,
  domainXof,
  frameParts,
  parseChecksum,
  utf8Bytes,
} from '@brightchain/core';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

// FIPS 202 known answers (NIST "SHA-3 examples with intermediate values" and the
// Cryptographic Standards and Guidelines example values).
const A3_200 = new Uint8Array(200).fill(0xa3);
const ABC = utf8Bytes('abc');
const EMPTY = new Uint8Array(0);
const TWO_BLOCKS = utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);

describe('SHA3 / SHAKE known answers (FIPS 202)', () => {
  it.each<[string, Uint8Array, string]>([
    ['""', EMPTY, 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
    ['"abc"', ABC, '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
    ['0xa3 × 200', A3_200, '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787'],
    ['"a" × 10^6', MILLION_A, '5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1'],
  ])('SHA3-256(%s)', (_name, input, expected) => {
    expect(hex(sha3_256(input))).toBe(expected);
    expect(createHash('sha3-256').update(input).digest('hex')).toBe(expected);
  });

  it.each<[string, Uint8Array, string]>([
    [
      '""',
      EMPTY,
      'a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26',
    ],
    [
      '"abc"',
      ABC,
      'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0',
    ],
    [
      '448-bit message',
      TWO_BLOCKS,
      '04a371e84ecfb5b8b77cb48610fca8182dd457ce6f326a0fd3d7ec2f1e91636dee691fbe0c985302ba1b0d8dc78c086346b533b49c030d99a27daf1139d6e75e',
    ],
    [
      '0xa3 × 200',
      A3_200,
      'e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca81b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00',
    ],
    [
      '"a" × 10^6 (node:crypto path)',
      MILLION_A,
      '3c3a876da14034ab60627c077bb98f7e120a2a5370212dffb3385a18d4f38859ed311d0a9d5141ce9cc5c66ee689b266a8aa18ace8282a0e0db596c90b0a7b87',
    ],
  ])('checksum = SHA3-512(%s)', (_name, input, expected) => {
    expect(checksumToHex(checksum(input))).toBe(expected);
    expect(hex(sha3_512(input))).toBe(expected);
  });

  it.each<[string, Uint8Array, string]>([
    ['""', EMPTY, '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f'],
    ['"abc"', ABC, '483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739'],
    ['0xa3 × 200', A3_200, 'cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d'],
  ])('SHAKE256(%s), first 32 bytes', (_name, input, expected) => {
    expect(hex(shake256(input, { dkLen: 32 }))).toBe(expected);
    expect(createHash('shake256', { outputLength: 32 }).update(input).digest('hex')).toBe(expected);
  });
});

describe('checksum', () => {
  it('node:crypto (≥ 1024 bytes) and noble (< 1024) agree with noble sha3_512 on both sides of the threshold', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1020, max: 1028 })),
        fc.integer({ min: 0, max: 255 }),
        (size, seed) => {
          const data = new Uint8Array(size).map((_, i) => (i * 31 + seed) & 0xff);
          const digest = checksum(data);
          expect(digest.length).toBe(CHECKSUM_LENGTH);
          expect(hex(digest)).toBe(hex(sha3_512(data)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes exactly the view it is given (subarray with a byte offset)', () => {
    const backing = new Uint8Array(5000).map((_, i) => i & 0xff);
    for (const [start, end] of [
      [7, 100],
      [7, 2000],
    ] as const) {
      expect(hex(checksum(backing.subarray(start, end)))).toBe(hex(sha3_512(backing.slice(start, end))));
    }
  });

  it('rejects non-Uint8Array input', () => {
    expect(code(() => checksum('abc' as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
  });
});

describe('parseChecksum / checksumToHex', () => {
  const digest = checksum(ABC);

  it('round-trips through hex (either case) and copies bytes', () => {
    const text = checksumToHex(digest);
    expect(parseChecksum(text)).toEqual(digest);
    expect(parseChecksum(text.toUpperCase())).toEqual(digest);
    const copy = parseChecksum(digest);
    expect(copy).toEqual(digest);
    expect(copy).not.toBe(digest);
  });

  it.each<[string, unknown]>([
    ['127 hex characters', 'a'.repeat(127)],
    ['129 hex characters', 'a'.repeat(129)],
    ['non-hex character', `${'a'.repeat(127)}g`],
    ['empty string', ''],
    ['63 bytes', new Uint8Array(63)],
    ['65 bytes', new Uint8Array(65)],
    ['a number', 5],
    ['null', null],
  ])('rejects %s with BC_CHECKSUM_INVALID', (_name, value) => {
    expect(code(() => parseChecksum(value as string))).toBe('BC_CHECKSUM_INVALID');
  });
});

describe('frameParts / domainHash / domainXof', () => {
  it('frames as u16 domain length ‖ domain ‖ u32 count ‖ (u32 length ‖ part)*', () => {
    expect(hex(frameParts('d/v1', [Uint8Array.of(0xaa), new Uint8Array(0)]))).toBe(
      `0004${hex(utf8Bytes('d/v1'))}00000002${'00000001aa'}${'00000000'}`,
    );
    expect(hex(frameParts('d/v1', []))).toBe(`0004${hex(utf8Bytes('d/v1'))}00000000`);
  });

  it('domainHash is SHA3-256 and domainXof is SHAKE256 of the framing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 200 }),
        (parts, length) => {
          const framed = frameParts('brightchain/test/v1', parts);
          expect(hex(domainHash('brightchain/test/v1', ...parts))).toBe(hex(sha3_256(framed)));
          expect(hex(domainXof('brightchain/test/v1', length, ...parts))).toBe(
            hex(shake256(framed, { dkLen: length })),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('domainHash matches noble SHA3-256 on both sides of the node:crypto threshold (256 framed bytes)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 400 }), { maxLength: 3 }), (parts) => {
        const framed = frameParts('brightchain/test/v1', parts);
        expect(hex(domainHash('brightchain/test/v1', ...parts))).toBe(hex(sha3_256(framed)));
      }),
      { numRuns: 200 },
    );
    for (const size of [230, 231, 232, 233, 240, 4096]) {
      const part = new Uint8Array(size).fill(size & 0xff);
      const framed = frameParts('brightchain/test/v1', [part]);
      expect(hex(domainHash('brightchain/test/v1', part))).toBe(hex(sha3_256(framed)));
    }
  });

  it('different splits of the same bytes give different hashes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 40 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const i = a % (bytes.length + 1);
        const j = b % (bytes.length + 1);
        if (i === j) return;
        const split = (k: number) =>
          hex(domainHash('brightchain/test/v1', bytes.subarray(0, k), bytes.subarray(k)));
        expect(split(i)).not.toBe(split(j));
      }),
    );
    const one = domainHash('brightchain/test/v1', Uint8Array.of(1, 2, 3));
    const hashes = new Set(
      [
        one,
        domainHash('brightchain/test/v1', Uint8Array.of(1, 2), Uint8Array.of(3)),
        domainHash('brightchain/test/v1', Uint8Array.of(1), Uint8Array.of(2, 3)),
        domainHash('brightchain/test/v1', Uint8Array.of(1, 2, 3), new Uint8Array(0)),
        domainHash('brightchain/test/v1', new Uint8Array(0), Uint8Array.of(1, 2, 3)),
        domainHash('brightchain/test/v2', Uint8Array.of(1, 2, 3)),
        domainHash('brightchain/test/v1'),
      ].map(hex),
    );
    expect(hashes.size).toBe(7);
  });

  it('a domain never collides with a part (domain bytes moved into the parts)', () => {
    expect(hex(domainHash('ab', Uint8Array.of(0x63)))).not.toBe(hex(domainHash('a', utf8Bytes('bc'))));
  });

  it('domainXof outputs are prefixes of each other (SHAKE), and lengths are checked', () => {
    const long = domainXof('brightchain/test/v1', 64, ABC);
    expect(hex(domainXof('brightchain/test/v1', 32, ABC))).toBe(hex(long.subarray(0, 32)));
    expect(domainXof('brightchain/test/v1', 1).length).toBe(1);
    expect(domainXof('brightchain/test/v1', 65536).length).toBe(65536);
    for (const length of [0, -1, 1.5, 65537, Number.NaN]) {
      expect(code(() => domainXof('brightchain/test/v1', length))).toBe('BC_INVALID_ARGUMENT');
    }
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['a space', 'brightchain/a b/v1'],
    ['a newline', 'brightchain/x\n'],
    ['a tab', '\tbrightchain'],
    ['non-ASCII', 'brightchain/é/v1'],
    ['DEL', 'brightchain\x7f'],
    ['256 characters', 'x'.repeat(256)],
    ['a number', 5],
    ['undefined', undefined],
  ])('rejects a domain with %s', (_name, domain) => {
    expect(code(() => domainHash(domain as string, ABC))).toBe('BC_HASH_DOMAIN_INVALID');
    expect(code(() => domainXof(domain as string, 32, ABC))).toBe('BC_HASH_DOMAIN_INVALID');
    expect(code(() => frameParts(domain as string, []))).toBe('BC_HASH_DOMAIN_INVALID');
  });

  it('accepts a 255-character domain; rejects non-Uint8Array parts', () => {
    expect(domainHash('x'.repeat(255)).length).toBe(32);
    expect(code(() => domainHash('brightchain/test/v1', 'abc' as unknown as Uint8Array))).toBe(
      'BC_INVALID_ARGUMENT',
    );
    expect(code(() => frameParts('brightchain/test/v1', [[1] as unknown as Uint8Array]))).toBe(
      'BC_INVALID_ARGUMENT',
    );
  });

  it('utf8Bytes is UTF-8', () => {
    expect(hex(utf8Bytes('é€😀'))).toBe('c3a9e282acf09f9880');
  });
});
