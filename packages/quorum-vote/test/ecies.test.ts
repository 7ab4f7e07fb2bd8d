import { BrightChainError, SeededRandom, generateMemberKeyPair, utf8Bytes } from '@brightchain/core';
import { ECIES_OVERHEAD, QuorumErrorCode, eciesDecrypt, eciesEncrypt } from '@brightchain/quorum-vote';
import { gcm } from '@noble/ciphers/aes.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';

const random = new SeededRandom('ecies');
const alice = generateMemberKeyPair(random);
const bob = generateMemberKeyPair(random);
const context = utf8Bytes('share 3 of document D, epoch 7');

function expectEciesError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(BrightChainError.isInstance(error, QuorumErrorCode.ECIES_INVALID)).toBe(true);
    return;
  }
  throw new Error('expected BC_ECIES_INVALID');
}

describe('ECIES (SEC 1 §5.1, HKDF-SHA256, AES-256-GCM)', () => {
  it('round-trips arbitrary plaintexts and contexts (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (plaintext, ctx) => {
        const envelope = eciesEncrypt(alice.publicKey, plaintext, ctx, random);
        expect(envelope.length).toBe(plaintext.length + ECIES_OVERHEAD);
        expect(eciesDecrypt(alice.secretKey, envelope, ctx)).toEqual(plaintext);
      }),
      { numRuns: 30 },
    );
  });

  it('matches an independent computation of the scheme (known structure)', () => {
    const plaintext = utf8Bytes('hello');
    const envelope = eciesEncrypt(alice.publicKey, plaintext, context, new SeededRandom('fixed'));
    const ephemeral = envelope.subarray(0, 33);
    const shared = secp256k1.getSharedSecret(alice.secretKey, ephemeral, true).subarray(1);
    const salt = new Uint8Array([...ephemeral, ...alice.publicKey]);
    const okm = hkdf(sha256, shared, salt, utf8Bytes('brightchain/quorum/ecies/v1'), 44);
    const opened = gcm(okm.subarray(0, 32), okm.subarray(32), context).decrypt(envelope.subarray(33));
    expect(opened).toEqual(plaintext);
  });

  it('uses a fresh ephemeral key per envelope', () => {
    const a = eciesEncrypt(alice.publicKey, utf8Bytes('x'), context, random);
    const b = eciesEncrypt(alice.publicKey, utf8Bytes('x'), context, random);
    expect(a.subarray(0, 33)).not.toEqual(b.subarray(0, 33));
  });

  it('rejects every single-byte tampering', () => {
    const envelope = eciesEncrypt(
      alice.publicKey,
      utf8Bytes('a 32-byte Feldman share value..'),
      context,
      random,
    );
    for (let i = 0; i < envelope.length; i++) {
      const tampered = Uint8Array.from(envelope);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      expectEciesError(() => eciesDecrypt(alice.secretKey, tampered, context));
    }
  });

  it('rejects the wrong recipient key and the wrong context', () => {
    const envelope = eciesEncrypt(alice.publicKey, utf8Bytes('secret'), context, random);
    expectEciesError(() => eciesDecrypt(bob.secretKey, envelope, context));
    expectEciesError(() =>
      eciesDecrypt(alice.secretKey, envelope, utf8Bytes('share 4 of document D, epoch 7')),
    );
  });

  it('rejects truncated and malformed envelopes and keys', () => {
    const envelope = eciesEncrypt(alice.publicKey, utf8Bytes('secret'), context, random);
    expectEciesError(() => eciesDecrypt(alice.secretKey, envelope.subarray(0, ECIES_OVERHEAD - 1), context));
    expectEciesError(() => eciesDecrypt(alice.secretKey, envelope.subarray(0, envelope.length - 1), context));
    const badPoint = Uint8Array.from(envelope);
    badPoint.fill(0, 0, 33);
    expectEciesError(() => eciesDecrypt(alice.secretKey, badPoint, context));
    expectEciesError(() => eciesDecrypt(new Uint8Array(32), envelope, context));
    expectEciesError(() => eciesEncrypt(new Uint8Array(33), utf8Bytes('x'), context, random));
  });

  it('accepts an uncompressed recipient key', () => {
    const uncompressed = secp256k1.Point.fromBytes(bob.publicKey).toBytes(false);
    const envelope = eciesEncrypt(uncompressed, utf8Bytes('x'), context, random);
    expect(eciesDecrypt(bob.secretKey, envelope, context)).toEqual(utf8Bytes('x'));
  });
});
