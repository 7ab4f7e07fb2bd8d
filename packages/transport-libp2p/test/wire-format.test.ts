/**
 * The wire formats without a network: length-prefixed framing (with limits), stream headers and peer
 * exchange messages.
 */
import { BrightChainError, CoreErrorCode, SeededRandom, encodeCanonical, newGuidV4 } from '@brightchain/core';
import { Libp2pTransportErrorCode } from '@brightchain/transport-libp2p';
import type { Stream } from '@libp2p/interface';
import fc from 'fast-check';
import { encodeFrame, readFrames, readOneFrame } from '../src/length-prefixed-frames';
import {
  MAX_ADDRESSES_PER_PEER,
  MAX_EXCHANGED_PEERS,
  decodePeerExchange,
  encodePeerExchange,
} from '../src/peer-exchange';
import { decodeStreamHeader, encodeStreamHeader } from '../src/stream-header';

/**
 * A stand-in for a libp2p stream that emits `message` events for the given chunks (on the next turn of
 * the event loop), then `remoteCloseWrite` — or, with `finFirst`, the remote's FIN in the same tick
 * before the last chunk, as yamux does when a data frame carries the FIN flag.
 */
function chunked(chunks: readonly Uint8Array[], finFirst = false): Stream {
  const stream = Object.assign(new EventTarget(), { status: 'open', remoteWriteStatus: 'writable' });
  const message = (data: Uint8Array) => stream.dispatchEvent(Object.assign(new Event('message'), { data }));
  const fin = () => {
    stream.remoteWriteStatus = 'closed';
    stream.dispatchEvent(new Event('remoteCloseWrite'));
  };
  setImmediate(() => {
    const last = chunks.length - 1;
    chunks.forEach((chunk, index) => {
      if (finFirst && index === last) fin();
      message(chunk);
    });
    if (!finFirst || chunks.length === 0) fin();
  });
  return stream as unknown as Stream;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** Naive reference: varint length then bytes. */
function referenceFrame(message: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let rest = message.length;
  while (rest >= 0x80) {
    prefix.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  prefix.push(rest);
  return concat([Uint8Array.from(prefix), message]);
}

async function collect(stream: Stream, maxBytes: number, maxFirstBytes?: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of readFrames(
    stream,
    maxFirstBytes === undefined ? { maxBytes } : { maxBytes, maxFirstBytes },
  )) {
    out.push(frame);
  }
  return out;
}

async function failure(promise: Promise<unknown>): Promise<BrightChainError> {
  try {
    await promise;
  } catch (error) {
    if (BrightChainError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('length-prefixed frames', () => {
  it.each([0, 1, 127, 128, 300, 16_383, 16_384, 70_000])(
    'encodes a %i-byte frame like the naive reference',
    (size) => {
      const message = new Uint8Array(size).map((_, i) => i % 251);
      expect(encodeFrame(message).subarray()).toEqual(referenceFrame(message));
    },
  );

  it('decodes any messages however the bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }),
        async (messages, cuts) => {
          const bytes = concat(messages.map((m) => encodeFrame(m).subarray()));
          const chunks: Uint8Array[] = [];
          let offset = 0;
          for (let i = 0; offset < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            chunks.push(bytes.subarray(offset, offset + size));
            offset += size;
          }
          expect(await collect(chunked(chunks), 300)).toEqual(messages);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps the last chunk when the remote's FIN is seen before it", async () => {
    const frames = [Uint8Array.of(1), Uint8Array.of(2, 3)].map((m) => encodeFrame(m).subarray());
    expect(await collect(chunked(frames, true), 10)).toEqual([Uint8Array.of(1), Uint8Array.of(2, 3)]);
  });

  it('accepts a frame of exactly the limit and refuses one byte more, from its prefix alone', async () => {
    expect(await collect(chunked([encodeFrame(new Uint8Array(64)).subarray()]), 64)).toHaveLength(1);
    // Only the prefix of the 65-byte frame is ever supplied: the reader must not wait for the body.
    const error = await failure(
      collect(chunked([encodeFrame(new Uint8Array(65)).subarray().subarray(0, 1)]), 64),
    );
    expect(error.code).toBe(CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE);
    expect(error.details).toMatchObject({ maxBytes: 64, declaredBytes: 65, frame: 'header' });
  });

  it('applies the first-frame limit to the first frame only', async () => {
    const ok = [encodeFrame(new Uint8Array(8)), encodeFrame(new Uint8Array(100))].map((f) => f.subarray());
    expect(await collect(chunked(ok), 100, 8)).toHaveLength(2);
    const error = await failure(collect(chunked([encodeFrame(new Uint8Array(9)).subarray()]), 100, 8));
    expect(error.details).toMatchObject({ frame: 'header', maxBytes: 8 });
    const second = await failure(
      collect(chunked([...ok, encodeFrame(new Uint8Array(101)).subarray()]), 100, 8),
    );
    expect(second.details).toMatchObject({ frame: 'message', maxBytes: 100 });
  });

  it.each([
    ['a varint longer than 8 bytes', [new Uint8Array(10).fill(0xff)], 'length-prefix'],
    ['a truncated frame', [Uint8Array.of(5, 1, 2)], 'truncated'],
    ['a truncated length prefix', [Uint8Array.of(0x80)], 'truncated'],
  ])('refuses %s with BC_LIBP2P_PROTOCOL_VIOLATION', async (_, chunks, reason) => {
    const error = await failure(collect(chunked(chunks), 1 << 20));
    expect(error.code).toBe(Libp2pTransportErrorCode.PROTOCOL_VIOLATION);
    expect(error.details.reason).toBe(reason);
  });

  it('reads one frame, and refuses a stream that ends before one', async () => {
    expect(await readOneFrame(chunked([encodeFrame(Uint8Array.of(7)).subarray()]), 10)).toEqual(
      Uint8Array.of(7),
    );
    const error = await failure(readOneFrame(chunked([]), 10));
    expect(error.details.reason).toBe('no-frame');
  });
});

describe('stream headers', () => {
  const random = new SeededRandom(3);
  const recipient = newGuidV4(random);

  it('round-trip', () => {
    const announcement = Uint8Array.of(1, 2, 3);
    expect(decodeStreamHeader(encodeStreamHeader(announcement, recipient))).toEqual({
      announcement,
      recipient,
    });
  });

  it.each([
    ['garbage', Uint8Array.of(0xc1)],
    ['version 2', encodeCanonical([2, Uint8Array.of(1), new Uint8Array(16)])],
    ['a 15-byte recipient', encodeCanonical([1, Uint8Array.of(1), new Uint8Array(15)])],
    ['a non-v4 recipient', encodeCanonical([1, Uint8Array.of(1), new Uint8Array(16)])],
    ['a string announcement', encodeCanonical([1, 'x', new Uint8Array(16)])],
    ['trailing bytes', Uint8Array.from([...encodeStreamHeader(Uint8Array.of(1), recipient), 0])],
  ])('refuses %s', (_, bytes) => {
    expect(() => decodeStreamHeader(bytes)).toThrow(
      expect.objectContaining({
        code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
        details: { reason: 'header' },
      }),
    );
  });
});

describe('peer exchange messages', () => {
  it('round-trip, truncating to the limits when encoding', () => {
    const peers = Array.from({ length: MAX_EXCHANGED_PEERS + 5 }, (_, i) => ({
      announcement: Uint8Array.of(i),
      addresses: Array.from(
        { length: MAX_ADDRESSES_PER_PEER + 2 },
        (__, j) => `/ip4/10.0.0.${j}/tcp/${i + 1}`,
      ),
    }));
    const decoded = decodePeerExchange(encodePeerExchange({ announcement: Uint8Array.of(9), peers }));
    expect(decoded.announcement).toEqual(Uint8Array.of(9));
    expect(decoded.peers).toHaveLength(MAX_EXCHANGED_PEERS);
    expect(decoded.peers[3]).toEqual({
      announcement: Uint8Array.of(3),
      addresses: peers[3]!.addresses.slice(0, MAX_ADDRESSES_PER_PEER),
    });
  });

  it.each([
    ['garbage', Uint8Array.of(0xc1)],
    ['version 2', encodeCanonical([2, Uint8Array.of(1), []])],
    [
      'too many peers',
      encodeCanonical([
        1,
        Uint8Array.of(1),
        Array.from({ length: MAX_EXCHANGED_PEERS + 1 }, () => [Uint8Array.of(1), []]),
      ]),
    ],
    ['a peer that is not a pair', encodeCanonical([1, Uint8Array.of(1), [[Uint8Array.of(1)]]])],
    ['a string announcement', encodeCanonical([1, Uint8Array.of(1), [['x', []]]])],
    [
      'too many addresses',
      encodeCanonical([
        1,
        Uint8Array.of(1),
        [[Uint8Array.of(1), Array(MAX_ADDRESSES_PER_PEER + 1).fill('/ip4/1.2.3.4/tcp/1')]],
      ]),
    ],
    ['a numeric address', encodeCanonical([1, Uint8Array.of(1), [[Uint8Array.of(1), [5]]]])],
    ['an overlong address', encodeCanonical([1, Uint8Array.of(1), [[Uint8Array.of(1), ['/'.repeat(257)]]]])],
  ])('refuses %s', (_, bytes) => {
    expect(() => decodePeerExchange(bytes)).toThrow(
      expect.objectContaining({
        code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
        details: expect.objectContaining({ reason: 'peer-exchange' }),
      }),
    );
  });
});
