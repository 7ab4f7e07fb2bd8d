import { createHash, createPublicKey, verify as opensslVerify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import fc from 'fast-check';
import {
  BrightChainError,
  type Random,
  SeededRandom,
  assertSignature,
  bigintToBytes,
  domainHash,
  frameParts,
  generateMemberKeyPair,
  parsePublicKey,
  parseSignature,
  publicKeyOf,
  signMessage,
  verifyMessage,
} from '@brightchain/core';
import {
  KEY_OBJECT_CACHE_SIZE,
  opensslHasSecp256k1,
  verifyFramedWithNoble,
  verifyFramedWithOpenSsl,
} from '../src/signature-verifier';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const N = secp256k1.Point.CURVE().n;
const P = secp256k1.Point.CURVE().p;
const DOMAIN = 'brightchain/test/v1';

function secret(k: bigint): Uint8Array {
  return bigintToBytes(k, 32);
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

/** The noble reference: ECDSA verify of SHA3-256(frameParts(domain, [message])), low-S only. */
function nobleReference(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return secp256k1.verify(signature, domainHash(domain, message), publicKey, {
      prehash: false,
      lowS: true,
    });
  } catch {
    return false;
  }
}

/** `(r, n − s)`: the high-S twin of a signature, valid for plain ECDSA. */
function highS(signature: Uint8Array): Uint8Array {
  const s = BigInt(`0x${hex(signature.subarray(32))}`);
  const out = Uint8Array.from(signature);
  out.set(bigintToBytes(N - s, 32), 32);
  return out;
}

function withScalars(r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  out.set(bigintToBytes(r, 32), 0);
  out.set(bigintToBytes(s, 32), 32);
  return out;
}

describe('published secp256k1 vectors', () => {
  // SEC 2 v2 §2.4.1 generator G, and its small multiples (as listed in the Bitcoin/SEC test vectors).
  it.each<[string, bigint, string]>([
    ['k = 1 → G', 1n, '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
    ['k = 2 → 2G', 2n, '02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5'],
    ['k = 3 → 3G', 3n, '02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9'],
    ['k = n − 1 → −G', N - 1n, '0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
  ])('%s', (_name, k, compressed) => {
    expect(hex(publicKeyOf(secret(k)))).toBe(compressed);
    expect(hex(parsePublicKey(fromHex(compressed)))).toBe(compressed);
  });

  it('G uncompressed (SEC 2) parses to the compressed form', () => {
    const g =
      '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
      '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8';
    expect(hex(parsePublicKey(fromHex(g)))).toBe(
      '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
  });

  // RFC 6979 deterministic ECDSA over secp256k1 with SHA-256, low-S normalised: the widely published
  // set from https://bitcointalk.org/index.php?topic=285142.40 (used by bitcoinjs, trezor-crypto, …).
  it.each<[bigint, string, string, string]>([
    [
      1n,
      'Satoshi Nakamoto',
      '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8',
      '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
    ],
    [
      1n,
      'All those moments will be lost in time, like tears in rain. Time to die...',
      '8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b',
      '547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21',
    ],
    [
      N - 1n,
      'Satoshi Nakamoto',
      'fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0',
      '6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5',
    ],
    [
      0xf8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181n,
      'Alan Turing',
      '7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c',
      '58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea',
    ],
    [
      0xe91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2n,
      "There is a computer disease that anybody who works with computers knows about. It's a very serious disease and it interferes completely with the work. The trouble with computers is that you 'play' with them!",
      'b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b',
      '279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6',
    ],
  ])('RFC 6979 vector: key %s, %s', (k, message, r, s) => {
    const digest = createHash('sha256').update(message).digest();
    const signature = secp256k1.sign(digest, secret(k), { prehash: false, lowS: true });
    expect(hex(signature)).toBe(r + s);
    // OpenSSL agrees the published signature is valid (it hashes with SHA-256 itself).
    const publicKey = secp256k1.Point.fromBytes(publicKeyOf(secret(k))).toBytes(false);
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'secp256k1',
        x: Buffer.from(publicKey.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(publicKey.subarray(33)).toString('base64url'),
      },
      format: 'jwk',
    });
    expect(opensslVerify('sha256', Buffer.from(message), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(
      true,
    );
    expect(parseSignature(signature)).toEqual(signature);
  });
});

describe('signMessage / verifyMessage', () => {
  const keys = generateMemberKeyPair(new SeededRandom('identity-test'));
  const message = Uint8Array.of(1, 2, 3);

  it('signs SHA3-256 of the framed domain and message, deterministically (RFC 6979)', () => {
    const signature = signMessage(keys.secretKey, DOMAIN, message);
    expect(signature.length).toBe(64);
    expect(hex(signMessage(keys.secretKey, DOMAIN, message))).toBe(hex(signature));
    const digest = sha3_256(frameParts(DOMAIN, [message]));
    expect(hex(signature)).toBe(hex(secp256k1.sign(digest, keys.secretKey, { prehash: false, lowS: true })));
    expect(secp256k1.Signature.fromBytes(signature).hasHighS()).toBe(false);
    expect(verifyMessage(keys.publicKey, DOMAIN, message, signature)).toBe(true);
  });

  it('pins one signature (regression known answer for key 1)', () => {
    expect(hex(signMessage(secret(1n), DOMAIN, message))).toBe(PINNED_SIGNATURE);
  });

  it('rejects wrong domain, wrong message, wrong key, flipped bits and high S', () => {
    const signature = signMessage(keys.secretKey, DOMAIN, message);
    const other = generateMemberKeyPair(new SeededRandom('other'));
    expect(verifyMessage(keys.publicKey, 'brightchain/test/v2', message, signature)).toBe(false);
    expect(verifyMessage(keys.publicKey, DOMAIN, Uint8Array.of(1, 2, 4), signature)).toBe(false);
    expect(verifyMessage(keys.publicKey, DOMAIN, Uint8Array.of(1, 2, 3, 0), signature)).toBe(false);
    expect(verifyMessage(other.publicKey, DOMAIN, message, signature)).toBe(false);
    for (let bit = 0; bit < 512; bit += 37) {
      const flipped = Uint8Array.from(signature);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(verifyMessage(keys.publicKey, DOMAIN, message, flipped)).toBe(false);
    }
    expect(verifyMessage(keys.publicKey, DOMAIN, message, highS(signature))).toBe(false);
  });

  it('rejects malformed signatures and keys with false, and accepts uncompressed keys', () => {
    const signature = signMessage(keys.secretKey, DOMAIN, message);
    const uncompressed = secp256k1.Point.fromBytes(keys.publicKey).toBytes(false);
    expect(verifyMessage(uncompressed, DOMAIN, message, signature)).toBe(true);
    for (const bad of [
      new Uint8Array(0),
      signature.subarray(0, 63),
      Uint8Array.of(...signature, 0),
      new Uint8Array(64),
    ]) {
      expect(verifyMessage(keys.publicKey, DOMAIN, message, bad)).toBe(false);
    }
    expect(verifyMessage(keys.publicKey, DOMAIN, message, 'sig' as unknown as Uint8Array)).toBe(false);
    for (const badKey of [
      new Uint8Array(33),
      keys.publicKey.subarray(1),
      Uint8Array.of(0x04, ...keys.publicKey.subarray(1)),
    ]) {
      expect(verifyMessage(badKey, DOMAIN, message, signature)).toBe(false);
      expect(verifyMessage(badKey, DOMAIN, message, signature)).toBe(false); // also when cached as invalid
    }
    expect(verifyMessage('key' as unknown as Uint8Array, DOMAIN, message, signature)).toBe(false);
  });

  it('throws for a bad domain or message (programming errors, not bad input)', () => {
    const signature = signMessage(keys.secretKey, DOMAIN, message);
    expect(code(() => verifyMessage(keys.publicKey, 'has space', message, signature))).toBe(
      'BC_HASH_DOMAIN_INVALID',
    );
    expect(code(() => signMessage(keys.secretKey, '', message))).toBe('BC_HASH_DOMAIN_INVALID');
    expect(code(() => verifyMessage(keys.publicKey, DOMAIN, 'm' as unknown as Uint8Array, signature))).toBe(
      'BC_INVALID_ARGUMENT',
    );
  });

  it('assertSignature throws BC_SIGNATURE_INVALID exactly when verifyMessage is false', () => {
    const signature = signMessage(keys.secretKey, DOMAIN, message);
    expect(() => assertSignature(keys.publicKey, DOMAIN, message, signature)).not.toThrow();
    expect(code(() => assertSignature(keys.publicKey, 'brightchain/other/v1', message, signature))).toBe(
      'BC_SIGNATURE_INVALID',
    );
    expect(code(() => assertSignature(keys.publicKey, DOMAIN, message, highS(signature)))).toBe(
      'BC_SIGNATURE_INVALID',
    );
  });
});

describe('node:crypto (OpenSSL) and noble agree', () => {
  it('this Node has secp256k1 in OpenSSL, so verifyMessage takes the fast path', () => {
    expect(opensslHasSecp256k1()).toBe(true);
  });

  const secretKeyArb = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .filter((bytes) => secp256k1.utils.isValidSecretKey(bytes));
  const domainArb = fc.constantFrom('brightchain/test/v1', 'brightchain/vote/v1', 'brightchain/envelope/v1');

  it('on valid signatures, wrong keys and domains, bit flips and high-S twins', () => {
    fc.assert(
      fc.property(
        secretKeyArb,
        secretKeyArb,
        domainArb,
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(511),
        (secretKey, otherKey, domain, message, bit) => {
          const publicKey = publicKeyOf(secretKey);
          const signature = signMessage(secretKey, domain, message);
          const framed = frameParts(domain, [message]);
          const flipped = Uint8Array.from(signature);
          flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
          const flippedMessage = Uint8Array.of(...message, bit & 0xff);
          const cases: [Uint8Array, string, Uint8Array, Uint8Array, boolean][] = [
            [publicKey, domain, message, signature, true],
            [secp256k1.Point.fromBytes(publicKey).toBytes(false), domain, message, signature, true],
            [publicKeyOf(otherKey), domain, message, signature, false],
            [publicKey, 'brightchain/wrong/v1', message, signature, false],
            [publicKey, domain, flippedMessage, signature, false],
            [publicKey, domain, message, flipped, false],
            [publicKey, domain, message, highS(signature), false],
          ];
          for (const [key, d, m, sig, expected] of cases) {
            const f = frameParts(d, [m]);
            expect(verifyFramedWithOpenSsl(key, f, sig)).toBe(expected);
            expect(verifyFramedWithNoble(key, f, sig)).toBe(expected);
            expect(nobleReference(key, d, m, sig)).toBe(expected);
            expect(verifyMessage(key, d, m, sig)).toBe(expected);
          }
          // OpenSSL on its own accepts the high-S twin: the explicit low-S check is what rejects it.
          const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
          const key = createPublicKey({
            key: {
              kty: 'EC',
              crv: 'secp256k1',
              x: Buffer.from(uncompressed.subarray(1, 33)).toString('base64url'),
              y: Buffer.from(uncompressed.subarray(33)).toString('base64url'),
            },
            format: 'jwk',
          });
          expect(
            opensslVerify('sha3-256', framed, { key, dsaEncoding: 'ieee-p1363' }, highS(signature)),
          ).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('on out-of-range r and s', () => {
    const keys = generateMemberKeyPair(new SeededRandom('ranges'));
    const framed = frameParts(DOMAIN, [Uint8Array.of(7)]);
    const good = signMessage(keys.secretKey, DOMAIN, Uint8Array.of(7));
    const r = BigInt(`0x${hex(good.subarray(0, 32))}`);
    const s = BigInt(`0x${hex(good.subarray(32))}`);
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [N, s],
      [r, N],
      [r, N - 1n],
      [2n ** 256n - 1n, s],
    ] as const) {
      const signature = withScalars(rr, ss);
      expect(verifyFramedWithOpenSsl(keys.publicKey, framed, signature)).toBe(false);
      expect(verifyFramedWithNoble(keys.publicKey, framed, signature)).toBe(false);
    }
  });

  it('on random byte strings as signatures and keys', () => {
    const keys = generateMemberKeyPair(new SeededRandom('random-bytes'));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 33, maxLength: 33 }),
        (signature, key) => {
          const framed = frameParts(DOMAIN, [signature]);
          expect(verifyFramedWithOpenSsl(keys.publicKey, framed, signature)).toBe(false);
          expect(verifyFramedWithNoble(keys.publicKey, framed, signature)).toBe(false);
          expect(verifyFramedWithOpenSsl(key, framed, signature)).toBe(
            verifyFramedWithNoble(key, framed, signature),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it(`stays correct when more than ${KEY_OBJECT_CACHE_SIZE} keys evict each other from the cache`, () => {
    const random = new SeededRandom('cache');
    const first = generateMemberKeyPair(random);
    const firstSignature = signMessage(first.secretKey, DOMAIN, Uint8Array.of(1));
    expect(verifyMessage(first.publicKey, DOMAIN, Uint8Array.of(1), firstSignature)).toBe(true);
    const message = Uint8Array.of(2);
    for (let i = 0; i < KEY_OBJECT_CACHE_SIZE + 20; i++) {
      // Cheap distinct valid keys: k·G for consecutive k, verified against a signature by the first key.
      const publicKey = secp256k1.Point.BASE.multiply(BigInt(i + 5)).toBytes(true);
      expect(verifyMessage(publicKey, DOMAIN, message, firstSignature)).toBe(false);
    }
    expect(verifyMessage(first.publicKey, DOMAIN, Uint8Array.of(1), firstSignature)).toBe(true);
    expect(verifyMessage(first.publicKey, DOMAIN, Uint8Array.of(3), firstSignature)).toBe(false);
  });
});

describe('parsePublicKey', () => {
  const { publicKey } = generateMemberKeyPair(new SeededRandom('parse'));
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  const notOnCurveX = (() => {
    // The smallest x ≥ 1 with no point on the curve (x³ + 7 is not a square mod p).
    for (let x = 1n; ; x++) {
      const candidate = Uint8Array.of(0x02, ...bigintToBytes(x, 32));
      try {
        secp256k1.Point.fromBytes(candidate);
      } catch {
        return candidate;
      }
    }
  })();
  const wrongY = Uint8Array.from(uncompressed);
  wrongY[64] = (wrongY[64] as number) ^ 1;

  it('returns a fresh compressed copy', () => {
    const parsed = parsePublicKey(publicKey);
    expect(parsed).toEqual(publicKey);
    expect(parsed).not.toBe(publicKey);
    expect(parsePublicKey(uncompressed)).toEqual(publicKey);
  });

  it.each<[string, Uint8Array]>([
    ['empty', new Uint8Array(0)],
    ['point at infinity (0x00)', Uint8Array.of(0)],
    ['32 bytes', new Uint8Array(32).fill(2)],
    ['34 bytes', Uint8Array.of(...publicKey, 0)],
    ['64 bytes (raw x ‖ y)', uncompressed.subarray(1)],
    ['66 bytes', Uint8Array.of(...uncompressed, 0)],
    ['33 bytes with prefix 0x04', Uint8Array.of(0x04, ...publicKey.subarray(1))],
    ['33 bytes with prefix 0x05', Uint8Array.of(0x05, ...publicKey.subarray(1))],
    ['65 bytes with prefix 0x02', Uint8Array.of(0x02, ...uncompressed.subarray(1))],
    ['hybrid 0x06', Uint8Array.of(0x06, ...uncompressed.subarray(1))],
    ['hybrid 0x07', Uint8Array.of(0x07, ...uncompressed.subarray(1))],
    ['x = 0', Uint8Array.of(0x02, ...new Uint8Array(32))],
    ['x = p', Uint8Array.of(0x02, ...bigintToBytes(P, 32))],
    ['x = 2^256 − 1', Uint8Array.of(0x03, ...new Uint8Array(32).fill(0xff))],
    ['x not on the curve', notOnCurveX],
    ['uncompressed with a wrong y', wrongY],
    ['all zero uncompressed', Uint8Array.of(0x04, ...new Uint8Array(64))],
  ])('rejects %s with BC_KEY_INVALID', (_name, key) => {
    let error: unknown;
    try {
      parsePublicKey(key);
    } catch (caught) {
      error = caught;
    }
    expect(BrightChainError.isInstance(error, 'BC_KEY_INVALID')).toBe(true);
    expect(typeof (error as BrightChainError).details.reason).toBe('string');
  });

  it('rejects non-Uint8Array input', () => {
    expect(code(() => parsePublicKey('02' as unknown as Uint8Array))).toBe('BC_KEY_INVALID');
    expect(code(() => parsePublicKey([2, 3] as unknown as Uint8Array))).toBe('BC_KEY_INVALID');
  });
});

describe('parseSignature', () => {
  const HALF = N >> 1n;

  it('accepts the low-S boundary s = ⌊n/2⌋ and returns a copy', () => {
    const signature = withScalars(1n, HALF);
    const parsed = parseSignature(signature);
    expect(parsed).toEqual(signature);
    expect(parsed).not.toBe(signature);
  });

  it.each<[string, Uint8Array, string]>([
    ['63 bytes', new Uint8Array(63), 'length must be 64 bytes'],
    ['65 bytes', new Uint8Array(65), 'length must be 64 bytes'],
    ['r = 0', withScalars(0n, 1n), 'r out of range'],
    ['r = n', withScalars(N, 1n), 'r out of range'],
    ['s = 0', withScalars(1n, 0n), 's out of range'],
    ['s = n', withScalars(1n, N), 's out of range'],
    ['s = ⌊n/2⌋ + 1 (high S)', withScalars(1n, HALF + 1n), 'high S'],
    ['s = n − 1 (high S)', withScalars(1n, N - 1n), 'high S'],
  ])('rejects %s', (_name, signature, reason) => {
    let error: unknown;
    try {
      parseSignature(signature);
    } catch (caught) {
      error = caught;
    }
    expect(BrightChainError.isInstance(error, 'BC_SIGNATURE_INVALID')).toBe(true);
    expect((error as BrightChainError).details.reason).toBe(reason);
  });

  it('rejects non-Uint8Array input', () => {
    expect(code(() => parseSignature('x' as unknown as Uint8Array))).toBe('BC_SIGNATURE_INVALID');
  });
});

describe('secret keys', () => {
  it.each<[string, unknown]>([
    ['0', secret(0n)],
    ['n', secret(N)],
    ['n + 1', secret(N + 1n)],
    ['2^256 − 1', new Uint8Array(32).fill(0xff)],
    ['31 bytes', new Uint8Array(31).fill(1)],
    ['33 bytes', new Uint8Array(33).fill(1)],
    ['a hex string', '01'.repeat(32)],
    ['an array', new Array(32).fill(1)],
  ])('rejects %s with BC_KEY_INVALID', (_name, secretKey) => {
    expect(code(() => publicKeyOf(secretKey as Uint8Array))).toBe('BC_KEY_INVALID');
    expect(code(() => signMessage(secretKey as Uint8Array, DOMAIN, new Uint8Array(1)))).toBe(
      'BC_KEY_INVALID',
    );
  });

  it('accepts 1 and n − 1', () => {
    expect(publicKeyOf(secret(1n)).length).toBe(33);
    expect(publicKeyOf(secret(N - 1n)).length).toBe(33);
  });

  it('generateMemberKeyPair is reproducible with a seeded Random and redraws invalid scalars', () => {
    const a = generateMemberKeyPair(new SeededRandom(5));
    const b = generateMemberKeyPair(new SeededRandom(5));
    expect(a).toEqual(b);
    expect(publicKeyOf(a.secretKey)).toEqual(a.publicKey);
    const draws = [secret(0n), secret(N), secret(42n)];
    const scripted: Random = {
      bytes: () => draws.shift() as Uint8Array,
      int: () => 0,
      float: () => 0,
    };
    const keys = generateMemberKeyPair(scripted);
    expect(keys.secretKey).toEqual(secret(42n));
    expect(draws).toHaveLength(0);
    expect(generateMemberKeyPair().publicKey.length).toBe(33);
  });
});

/** noble's RFC 6979 signature with key 1 over SHA3-256 of the framing built by hand (u16 len ‖ domain ‖ u32 1 ‖ u32 3 ‖ 01 02 03). */
const PINNED_SIGNATURE =
  '34ed2334d24006fa3283f236e9534ecb70149ce80ca976dee6deeab8f9f1d133' +
  '381e0a3e0c380ffcfd34c62bd64c0eaf3c9c8a192833347468546e149e5ad04d';
