/**
 * Option validation (refused before anything starts), start failures, message families as channels,
 * sends to self and handler failures.
 */
import { createServer } from 'node:net';
import { type BrightChainError, CoreErrorCode, type GuidV4 } from '@brightchain/core';
import {
  type Libp2pTransportOptions,
  Libp2pTransportErrorCode,
  createLibp2pTransport,
} from '@brightchain/transport-libp2p';
import { LoopbackCluster, identities, loopbackOptions, waitFor } from './support/loopback-nodes';

const [identity] = identities(91, 1);
const cluster = new LoopbackCluster(92);
afterEach(() => cluster.stopAll());

describe('options', () => {
  const bad: [string, Partial<Record<keyof Libp2pTransportOptions, unknown>>, string][] = [
    ['a malformed node id', { nodeId: 'node-1' }, CoreErrorCode.GUID_INVALID],
    ['a secret that is not bytes', { memberSecretKey: 'secret' }, CoreErrorCode.KEY_INVALID],
    ['a zero secret', { memberSecretKey: new Uint8Array(32) }, CoreErrorCode.KEY_INVALID],
    ['a malformed listen address', { listen: ['not a multiaddr'] }, Libp2pTransportErrorCode.ADDRESS_INVALID],
    [
      'a UDP listen address',
      { listen: ['/ip4/127.0.0.1/udp/4001'] },
      Libp2pTransportErrorCode.ADDRESS_INVALID,
    ],
    ['listen that is not an array', { listen: '/ip4/127.0.0.1/tcp/0' }, CoreErrorCode.INVALID_ARGUMENT],
    ['a malformed announce address', { announce: ['/nope'] }, Libp2pTransportErrorCode.ADDRESS_INVALID],
    ['an upper-case family', { families: ['Blocks'] }, CoreErrorCode.INVALID_ARGUMENT],
    ['the reserved family', { families: ['peer-exchange'] }, CoreErrorCode.INVALID_ARGUMENT],
    ['a 33-character family', { families: ['a'.repeat(33)] }, CoreErrorCode.INVALID_ARGUMENT],
    ['maxMessageBytes 0', { maxMessageBytes: 0 }, CoreErrorCode.INVALID_ARGUMENT],
    ['maxMessageBytes 1.5', { maxMessageBytes: 1.5 }, CoreErrorCode.INVALID_ARGUMENT],
    ['maxQueuedMessagesPerPeer -1', { maxQueuedMessagesPerPeer: -1 }, CoreErrorCode.INVALID_ARGUMENT],
    ['an unknown queue policy', { whenQueueFull: 'drop' }, CoreErrorCode.INVALID_ARGUMENT],
    ['dialTimeoutMs NaN', { dialTimeoutMs: Number.NaN }, CoreErrorCode.INVALID_ARGUMENT],
    ['a negative exchange interval', { peerExchangeIntervalMs: -1 }, CoreErrorCode.INVALID_ARGUMENT],
    ['a directory that is not a function', { directory: new Map() }, CoreErrorCode.INVALID_ARGUMENT],
    ['acceptUnknownNodes as a string', { acceptUnknownNodes: 'yes' }, CoreErrorCode.INVALID_ARGUMENT],
    ['onError that is not a function', { onError: 5 }, CoreErrorCode.INVALID_ARGUMENT],
  ];

  it.each(bad)('refuses %s before starting anything', async (_, override, code) => {
    const options = { ...loopbackOptions(identity!), ...override } as Libp2pTransportOptions;
    await expect(createLibp2pTransport(options)).rejects.toMatchObject({ code });
  });

  it('reports BC_LIBP2P_START_FAILED when the listen port is taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await expect(
        createLibp2pTransport(loopbackOptions(identity!, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })),
      ).rejects.toMatchObject({ code: Libp2pTransportErrorCode.START_FAILED });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('message families', () => {
  it('keeps families apart: own protocol, own handlers, own order', async () => {
    const [a, b] = await cluster.startMesh(2, { families: ['blocks', 'votes'] });
    const mainAtB: number[] = [];
    const blocksAtB: { from: GuidV4; value: number }[] = [];
    b!.onMessage((_, bytes) => mainAtB.push(bytes[0]!));
    const blocksB = b!.channel('blocks');
    blocksB.onMessage((from, bytes) => blocksAtB.push({ from, value: bytes[0]! }));
    const blocksA = a!.channel('blocks');
    expect(blocksA.localId).toBe(a!.localId);
    expect(blocksA.maxMessageBytes).toBe(a!.maxMessageBytes);
    expect(blocksA.orderedPerLink).toBe(true);
    for (let i = 0; i < 20; i++) {
      await blocksA.send(b!.localId, Uint8Array.of(100 + i));
      await a!.send(b!.localId, Uint8Array.of(i));
    }
    await waitFor(() => mainAtB.length === 20 && blocksAtB.length === 20, 'both families');
    expect(mainAtB).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(blocksAtB.map((m) => m.value)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(blocksAtB.every((m) => m.from === a!.localId)).toBe(true);
  });

  it('refuses undeclared families and closes a channel without closing the node', async () => {
    const [a, b] = await cluster.startMesh(2, { families: ['blocks'] });
    expect(() => a!.channel('votes')).toThrow(
      expect.objectContaining({ code: CoreErrorCode.INVALID_ARGUMENT }),
    );
    const received: number[] = [];
    b!.onMessage((_, bytes) => received.push(bytes[0]!));
    const blocks = a!.channel('blocks');
    await blocks.close();
    await blocks.close();
    await expect(blocks.send(b!.localId, Uint8Array.of(1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_CLOSED,
    });
    await a!.send(b!.localId, Uint8Array.of(2));
    await waitFor(() => received.length === 1, 'the main family still working');
    await a!.channel('blocks').send(b!.localId, Uint8Array.of(3)); // a fresh view of the same family works
  });
});

describe('delivery details', () => {
  it('delivers a message sent to itself, after send resolves', async () => {
    const a = await cluster.start();
    const received: GuidV4[] = [];
    a.onMessage((from) => received.push(from));
    const bytes = Uint8Array.of(5);
    await a.send(a.localId, bytes);
    bytes[0] = 0;
    expect(received).toEqual([]);
    await waitFor(() => received.length === 1, 'the message to itself');
    expect(received).toEqual([a.localId]);
  });

  it('reports a throwing handler as BC_LIBP2P_HANDLER_FAILED and survives a throwing onError', async () => {
    const errors: BrightChainError[] = [];
    const [a, b] = await cluster.startMesh(2, {
      onError: (error) => {
        errors.push(error);
        throw new Error('reporter failure (expected by the test)');
      },
    });
    const failure = new Error('handler failure (expected by the test)');
    b!.onMessage(() => {
      throw failure;
    });
    const received: number[] = [];
    b!.onMessage((_, bytes) => received.push(bytes[0]!));
    await a!.send(b!.localId, Uint8Array.of(1));
    await a!.send(b!.localId, Uint8Array.of(2));
    await waitFor(() => received.length === 2 && errors.length === 2, 'both messages and both reports');
    expect(errors[0]).toMatchObject({
      code: Libp2pTransportErrorCode.HANDLER_FAILED,
      details: { from: a!.localId, family: 'envelope' },
    });
    expect(errors[0]!.cause).toBe(failure);
  });

  it('flushes messages already written when the sender closes right after sending', async () => {
    const [a, b] = await cluster.startMesh(2);
    const received: number[] = [];
    b!.onMessage((_, bytes) => received.push(bytes[0]!));
    for (let i = 0; i < 50; i++) await a!.send(b!.localId, Uint8Array.of(i));
    await a!.close();
    await waitFor(() => received.length === 50, 'all 50 messages after the sender closed').catch((e) => {
      console.log('DEBUG received', received.length, received.slice(0, 5));
      throw e;
    });
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('exposes a PeerId and dialable addresses with /p2p/', async () => {
    const a = await cluster.start();
    expect(a.multiaddrs.length).toBeGreaterThan(0);
    for (const address of a.multiaddrs) expect(address.endsWith(`/p2p/${a.peerId}`)).toBe(true);
    expect(a.multiaddrs.every((address) => address.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true);
  });
});
