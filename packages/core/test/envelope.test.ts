import fc from 'fast-check';
import {
  BrightChainError,
  ENVELOPE_DOMAIN,
  ENVELOPE_VERSION,
  type Envelope,
  type GuidV4,
  SeededRandom,
  type UnsignedEnvelope,
  decodeEnvelope,
  encodeCanonical,
  encodeEnvelope,
  generateMemberKeyPair,
  guidV4ToBytes,
  newGuidV4,
  parseGuidV4,
  signEnvelope,
  signMessage,
  verifyEnvelope,
} from '@brightchain/core';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const random = new SeededRandom('envelope-test');
const sender = newGuidV4(random);
const keys = generateMemberKeyPair(random);
const unsigned: UnsignedEnvelope = {
  version: 1,
  type: 'node-state/heartbeat',
  sender,
  payload: encodeCanonical([1, 'up']),
};

function failure(fn: () => unknown): BrightChainError {
  try {
    fn();
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a BrightChainError');
}

describe('wire form', () => {
  it('is the canonical tuple [1, type, sender bytes, payload, signature | null]', () => {
    expect(ENVELOPE_VERSION).toBe(1);
    expect(ENVELOPE_DOMAIN).toBe('brightchain/envelope/v1');
    expect(hex(encodeEnvelope(unsigned))).toBe(
      hex(encodeCanonical([1, unsigned.type, guidV4ToBytes(sender), unsigned.payload, null])),
    );
    const signed = signEnvelope(keys.secretKey, unsigned);
    expect(hex(encodeEnvelope(signed))).toBe(
      hex(
        encodeCanonical([
          1,
          unsigned.type,
          guidV4ToBytes(sender),
          unsigned.payload,
          signed.signature as Uint8Array,
        ]),
      ),
    );
  });

  it('signs the unsigned tuple in the envelope domain', () => {
    const signed = signEnvelope(keys.secretKey, unsigned);
    const expected = signMessage(
      keys.secretKey,
      'brightchain/envelope/v1',
      encodeCanonical([1, unsigned.type, guidV4ToBytes(sender), unsigned.payload]),
    );
    expect(hex(signed.signature as Uint8Array)).toBe(hex(expected));
  });
});

describe('round trip', () => {
  const envelopeArb = fc.record({
    type: fc.stringMatching(/^[\x21-\x7e]{1,128}$/),
    sender: fc.uuid({ version: 4 }).map((id) => parseGuidV4(id)),
    payload: fc.uint8Array({ maxLength: 200 }),
  });

  it('decodeEnvelope(encodeEnvelope(e)) equals e, signed or not', () => {
    fc.assert(
      fc.property(envelopeArb, fc.boolean(), ({ type, sender: id, payload }, sign) => {
        const base: UnsignedEnvelope = { version: 1, type, sender: id, payload };
        const envelope: Envelope = sign ? signEnvelope(keys.secretKey, base) : base;
        const decoded = decodeEnvelope(encodeEnvelope(envelope));
        expect(decoded).toEqual(envelope);
        expect(verifyEnvelope(decoded, keys.publicKey)).toBe(sign);
      }),
      { numRuns: 150 },
    );
  });

  it('normalises an upper-case sender when signing', () => {
    const upper = sender.toUpperCase() as GuidV4;
    const signed = signEnvelope(keys.secretKey, { ...unsigned, sender: upper });
    expect(signed.sender).toBe(sender);
    expect(verifyEnvelope(signed, keys.publicKey)).toBe(true);
    expect(verifyEnvelope({ ...signed, sender: upper }, keys.publicKey)).toBe(true);
  });

  it('replaces an existing signature when signing again', () => {
    const other = generateMemberKeyPair(random);
    const once = signEnvelope(keys.secretKey, unsigned);
    const twice = signEnvelope(other.secretKey, once);
    expect(verifyEnvelope(twice, other.publicKey)).toBe(true);
    expect(verifyEnvelope(twice, keys.publicKey)).toBe(false);
  });
});

describe('verifyEnvelope', () => {
  const signed = signEnvelope(keys.secretKey, unsigned);

  it('rejects tampering with any field, the wrong key, and unsigned envelopes', () => {
    expect(verifyEnvelope(signed, keys.publicKey)).toBe(true);
    expect(verifyEnvelope({ ...signed, type: 'node-state/other' }, keys.publicKey)).toBe(false);
    expect(verifyEnvelope({ ...signed, sender: newGuidV4(random) }, keys.publicKey)).toBe(false);
    expect(verifyEnvelope({ ...signed, payload: Uint8Array.of(...signed.payload, 0) }, keys.publicKey)).toBe(
      false,
    );
    expect(verifyEnvelope(signed, generateMemberKeyPair(random).publicKey)).toBe(false);
    expect(verifyEnvelope(unsigned, keys.publicKey)).toBe(false);
  });

  it('rejects a signature by the same key over the same bytes in another domain', () => {
    const tuple = encodeCanonical([1, unsigned.type, guidV4ToBytes(sender), unsigned.payload]);
    const wrongDomain = signMessage(keys.secretKey, 'brightchain/vote/v1', tuple);
    expect(verifyEnvelope({ ...unsigned, signature: wrongDomain }, keys.publicKey)).toBe(false);
  });

  it('never throws, even for garbage', () => {
    for (const garbage of [
      {},
      null,
      { ...signed, version: 2 },
      { ...signed, sender: 'x' },
      { ...signed, payload: 'p' },
    ]) {
      expect(verifyEnvelope(garbage as unknown as Envelope, keys.publicKey)).toBe(false);
    }
    expect(verifyEnvelope(signed, new Uint8Array(33))).toBe(false);
  });
});

describe('decodeEnvelope rejects', () => {
  const senderBytes = guidV4ToBytes(sender);
  const signature = signEnvelope(keys.secretKey, unsigned).signature as Uint8Array;
  const highS = (() => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${hex(signature.subarray(32))}`);
    const out = Uint8Array.from(signature);
    out.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
    return out;
  })();
  const notV4 = Uint8Array.from(senderBytes);
  notV4[6] = ((notV4[6] as number) & 0x0f) | 0x10;

  it.each<[string, unknown]>([
    ['version 2 with the v1 shape', [2, 't', senderBytes, new Uint8Array(0), null]],
    ['version 2 with another shape', [2, { anything: true }]],
    ['version 2 alone', [2]],
    ['version 0', [0, 't', senderBytes, new Uint8Array(0), null]],
    ['version 1000', [1000]],
    ['negative version', [-1, 't']],
  ])('%s → BC_ENVELOPE_VERSION', (_name, value) => {
    const error = failure(() => decodeEnvelope(encodeCanonical(value)));
    expect(error.code).toBe('BC_ENVELOPE_VERSION');
    expect(error.details.supported).toBe(1);
  });

  it.each<[string, unknown]>([
    ['a string', 'envelope'],
    ['a map', { version: 1 }],
    ['an empty tuple', []],
    ['a string version', ['1', 't', senderBytes, new Uint8Array(0), null]],
    ['a float version', [1.5, 't', senderBytes, new Uint8Array(0), null]],
    ['four fields', [1, 't', senderBytes, new Uint8Array(0)]],
    ['six fields', [1, 't', senderBytes, new Uint8Array(0), null, null]],
    ['a numeric type', [1, 7, senderBytes, new Uint8Array(0), null]],
    ['an empty type', [1, '', senderBytes, new Uint8Array(0), null]],
    ['a type with a space', [1, 'a b', senderBytes, new Uint8Array(0), null]],
    ['a non-ASCII type', [1, 'tÿpe', senderBytes, new Uint8Array(0), null]],
    ['a 129-character type', [1, 'x'.repeat(129), senderBytes, new Uint8Array(0), null]],
    ['a string sender', [1, 't', sender, new Uint8Array(0), null]],
    ['a 15-byte sender', [1, 't', senderBytes.subarray(1), new Uint8Array(0), null]],
    ['a 17-byte sender', [1, 't', Uint8Array.of(...senderBytes, 0), new Uint8Array(0), null]],
    ['a version-1 GUID sender', [1, 't', notV4, new Uint8Array(0), null]],
    ['a string payload', [1, 't', senderBytes, 'payload', null]],
    ['a null payload', [1, 't', senderBytes, null, null]],
    ['a 63-byte signature', [1, 't', senderBytes, new Uint8Array(0), signature.subarray(1)]],
    ['a string signature', [1, 't', senderBytes, new Uint8Array(0), 'sig']],
    ['a high-S signature', [1, 't', senderBytes, new Uint8Array(0), highS]],
    ['an all-zero signature', [1, 't', senderBytes, new Uint8Array(0), new Uint8Array(64)]],
  ])('%s → BC_ENVELOPE_INVALID', (_name, value) => {
    expect(failure(() => decodeEnvelope(encodeCanonical(value))).code).toBe('BC_ENVELOPE_INVALID');
  });

  it('non-canonical or oversized bytes with the decoder codes', () => {
    const bytes = encodeEnvelope(unsigned);
    expect(failure(() => decodeEnvelope(bytes.subarray(0, bytes.length - 1))).code).toBe('BC_DECODE_INVALID');
    expect(failure(() => decodeEnvelope(Uint8Array.of(...bytes, 0))).code).toBe('BC_DECODE_INVALID');
    expect(failure(() => decodeEnvelope(bytes, { maxBytes: bytes.length - 1 })).code).toBe('BC_DECODE_LIMIT');
    expect(decodeEnvelope(bytes, { maxBytes: bytes.length })).toEqual(unsigned);
  });

  it('random mutations of a signed envelope give a typed error or an envelope that re-encodes identically', () => {
    const bytes = encodeEnvelope(signEnvelope(keys.secretKey, unsigned));
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const mutated = Uint8Array.from(bytes);
        mutated[at] = value;
        let envelope: Envelope;
        try {
          envelope = decodeEnvelope(mutated);
        } catch (error) {
          expect(BrightChainError.isInstance(error)).toBe(true);
          return;
        }
        expect(hex(encodeEnvelope(envelope))).toBe(hex(mutated));
        if (hex(mutated) !== hex(bytes)) expect(verifyEnvelope(envelope, keys.publicKey)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('encodeEnvelope and signEnvelope reject bad fields', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['version 2', { version: 2 }, 'BC_ENVELOPE_VERSION'],
    ['no version', { version: undefined }, 'BC_ENVELOPE_VERSION'],
    ['empty type', { type: '' }, 'BC_ENVELOPE_INVALID'],
    ['type with a newline', { type: 'a\nb' }, 'BC_ENVELOPE_INVALID'],
    ['numeric type', { type: 5 }, 'BC_ENVELOPE_INVALID'],
    ['bad sender', { sender: 'nope' }, 'BC_ENVELOPE_INVALID'],
    ['sender as bytes', { sender: guidV4ToBytes(sender) }, 'BC_ENVELOPE_INVALID'],
    ['string payload', { payload: 'x' }, 'BC_ENVELOPE_INVALID'],
  ])('%s', (_name, override, expected) => {
    const envelope = { ...unsigned, ...override } as unknown as UnsignedEnvelope;
    expect(failure(() => encodeEnvelope(envelope)).code).toBe(expected);
    expect(failure(() => signEnvelope(keys.secretKey, envelope)).code).toBe(expected);
  });

  it('a bad sender keeps the GUID error as the cause', () => {
    const error = failure(() => encodeEnvelope({ ...unsigned, sender: 'nope' as GuidV4 }));
    expect(BrightChainError.isInstance(error.cause, 'BC_GUID_INVALID')).toBe(true);
  });

  it('malformed or high-S signatures on encode, and bad secret keys on sign', () => {
    expect(failure(() => encodeEnvelope({ ...unsigned, signature: new Uint8Array(63) as never })).code).toBe(
      'BC_ENVELOPE_INVALID',
    );
    expect(failure(() => encodeEnvelope({ ...unsigned, signature: new Uint8Array(64) as never })).code).toBe(
      'BC_ENVELOPE_INVALID',
    );
    expect(failure(() => signEnvelope(new Uint8Array(32), unsigned)).code).toBe('BC_KEY_INVALID');
    expect(failure(() => encodeEnvelope(null as unknown as Envelope)).code).toBe('BC_ENVELOPE_INVALID');
  });
});
