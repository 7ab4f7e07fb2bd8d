/**
 * Hostile and broken inbound traffic from a raw libp2p peer: each case is dropped with a typed error
 * reported to `onError`, nothing is delivered under a false sender, and the node keeps serving.
 */
import { BrightChainError, CoreErrorCode, type GuidV4 } from '@brightchain/core';
import { type Libp2pTransport, Libp2pTransportErrorCode } from '@brightchain/transport-libp2p';
import { createAnnouncement } from '../src/node-announcement';
import { encodeStreamHeader, STREAM_HEADER_MAX_BYTES } from '../src/stream-header';
import { LoopbackCluster, identities, waitFor } from './support/loopback-nodes';
import { RawPeer, frame } from './support/raw-peer';

const MAX = 1024;
const ENVELOPE = '/brightchain/envelope/1.0.0';
const EXCHANGE = '/brightchain/peer-exchange/1.0.0';

/** Unsigned LEB128 varint (the length prefix format). */
function varint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

const cluster = new LoopbackCluster(77);
const [targetId, honestId, rawId] = identities(77, 3);
let target: Libp2pTransport;
let honest: Libp2pTransport;
let raw: RawPeer;
const errors: BrightChainError[] = [];
const received: { from: GuidV4; bytes: Uint8Array }[] = [];

beforeAll(async () => {
  target = await cluster.start({ maxMessageBytes: MAX, onError: (error) => errors.push(error) }, targetId);
  honest = await cluster.start({}, honestId);
  await honest.dial(target.multiaddrs[0]!);
  raw = await RawPeer.start(rawId!.keys.secretKey);
  target.onMessage((from, bytes) => received.push({ from, bytes }));
});

afterAll(async () => {
  await raw.stop();
  await cluster.stopAll();
});

const rawAnnouncement = () => createAnnouncement(rawId!.keys.secretKey, rawId!.nodeId).bytes;
const validHeader = () => frame(encodeStreamHeader(rawAnnouncement(), target.localId));

interface Case {
  readonly name: string;
  readonly protocol: string;
  readonly chunks: () => Uint8Array[];
  readonly code: string;
  readonly reason?: string;
  readonly frameKind?: string;
}

const cases: Case[] = [
  {
    name: 'a message frame one byte over the limit',
    protocol: ENVELOPE,
    chunks: () => [validHeader(), varint(MAX + 1), new Uint8Array(64)],
    code: CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE,
    frameKind: 'message',
  },
  {
    name: 'a frame declaring 2^40 bytes',
    protocol: ENVELOPE,
    chunks: () => [validHeader(), varint(2 ** 40)],
    code: CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE,
  },
  {
    name: 'an oversized stream header',
    protocol: ENVELOPE,
    chunks: () => [varint(STREAM_HEADER_MAX_BYTES + 1), new Uint8Array(16)],
    code: CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE,
    frameKind: 'header',
  },
  {
    name: 'a garbage stream header',
    protocol: ENVELOPE,
    chunks: () => [frame(new Uint8Array(40).fill(0xc1))],
    code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    reason: 'header',
  },
  {
    name: 'a malformed length prefix (varint longer than 8 bytes)',
    protocol: ENVELOPE,
    chunks: () => [new Uint8Array(12).fill(0xff)],
    code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    reason: 'length-prefix',
  },
  {
    name: 'a stream that ends inside a frame',
    protocol: ENVELOPE,
    chunks: () => [validHeader(), varint(100), new Uint8Array(10)],
    code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    reason: 'truncated',
  },
  {
    name: 'a stream addressed to another node',
    protocol: ENVELOPE,
    chunks: () => [frame(encodeStreamHeader(rawAnnouncement(), honest.localId)), frame(Uint8Array.of(1))],
    code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    reason: 'wrong-recipient',
  },
  {
    name: "a replay of another node's genuine announcement",
    protocol: ENVELOPE,
    chunks: () => [
      frame(
        encodeStreamHeader(
          createAnnouncement(honestId!.keys.secretKey, honestId!.nodeId).bytes,
          target.localId,
        ),
      ),
      frame(Uint8Array.of(9)),
    ],
    code: Libp2pTransportErrorCode.IDENTITY_INVALID,
    reason: 'peer-mismatch',
  },
  {
    name: 'a tampered announcement',
    protocol: ENVELOPE,
    chunks: () => {
      const announcement = rawAnnouncement();
      announcement[announcement.length - 1]! ^= 0x01;
      return [frame(encodeStreamHeader(announcement, target.localId)), frame(Uint8Array.of(9))];
    },
    code: Libp2pTransportErrorCode.IDENTITY_INVALID,
  },
  {
    name: 'a garbage peer exchange request',
    protocol: EXCHANGE,
    chunks: () => [frame(Uint8Array.of(0x93, 0x07, 0xc0, 0xc0))],
    code: Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    reason: 'peer-exchange',
  },
];

describe('inbound streams from a raw libp2p peer', () => {
  it.each(cases)('drops $name with a typed error and keeps serving', async (testCase) => {
    const errorsBefore = errors.length;
    const receivedBefore = received.length;
    await raw.write(target.multiaddrs[0]!, testCase.protocol, testCase.chunks());
    await waitFor(() => errors.slice(errorsBefore).some((e) => e.code === testCase.code), testCase.code);
    const error = errors.slice(errorsBefore).find((e) => e.code === testCase.code)!;
    expect(BrightChainError.isInstance(error)).toBe(true);
    expect(error.details.peerId).toBe(raw.peerId);
    if (testCase.reason !== undefined) expect(error.details.reason).toBe(testCase.reason);
    if (testCase.frameKind !== undefined) expect(error.details.frame).toBe(testCase.frameKind);
    // Nothing was delivered under another node's id.
    for (const message of received.slice(receivedBefore)) expect(message.from).toBe(rawId!.nodeId);
    // The node keeps serving: an honest peer's message still arrives.
    const probe = Uint8Array.of(0xab, errorsBefore);
    await honest.send(target.localId, probe);
    await waitFor(
      () => received.some((m) => m.from === honest.localId && m.bytes[1] === errorsBefore),
      'the probe',
    );
  });

  it('delivers the valid frames before an oversized one, then accepts a new stream from the same peer', async () => {
    const before = received.length;
    await raw.write(target.multiaddrs[0]!, ENVELOPE, [
      validHeader(),
      frame(Uint8Array.of(1)),
      varint(MAX + 1),
    ]);
    await waitFor(() => received.length > before, 'the frame before the oversized one');
    expect(received[before]).toEqual({ from: rawId!.nodeId, bytes: Uint8Array.of(1) });
    await raw.write(target.multiaddrs[0]!, ENVELOPE, [validHeader(), frame(new Uint8Array(MAX).fill(2))]);
    await waitFor(() => received.length > before + 1, 'a maximum-size frame on a new stream');
    expect(received[before + 1]!.bytes.length).toBe(MAX);
  });

  it('rejects an oversized send before it touches the network and stays usable', async () => {
    const before = received.length;
    await expect(honest.send(target.localId, new Uint8Array(4 * 1024 * 1024 + 1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE,
    });
    await honest.send(target.localId, Uint8Array.of(0xcd));
    await waitFor(() => received.length > before, 'the next message');
    expect(received[before]!.bytes).toEqual(Uint8Array.of(0xcd));
  });
});
