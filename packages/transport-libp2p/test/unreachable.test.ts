/**
 * Unreachable peers, dial timeouts, stalled peers and backpressure, each a typed error within bounds.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type BrightChainError, CoreErrorCode } from '@brightchain/core';
import { Libp2pTransportErrorCode, peerIdForMemberKey } from '@brightchain/transport-libp2p';
import { createAnnouncement } from '../src/node-announcement';
import { encodePeerExchange } from '../src/peer-exchange';
import { readOneFrame } from '../src/length-prefixed-frames';
import { LoopbackCluster, identities } from './support/loopback-nodes';
import { RawPeer, frame } from './support/raw-peer';

/** 'ok' if the promise resolves, else the rejection. */
const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'ok',
    (error: unknown) => error,
  );

const cluster = new LoopbackCluster(51);
afterEach(() => cluster.stopAll());

describe('unreachable peers', () => {
  it('rejects a send to a node nobody announced, with reason unknown-node', async () => {
    const a = await cluster.start();
    const [stranger] = identities(999, 1);
    await expect(a.send(stranger!.nodeId, Uint8Array.of(1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
      details: { reason: 'unknown-node' },
    });
    await expect(a.send('not-a-guid' as never, Uint8Array.of(1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
    });
  });

  it('rejects sends to a known node that stopped, once its connection is gone', async () => {
    const a = await cluster.start({ dialTimeoutMs: 1000 });
    const b = await cluster.start();
    await a.dial(b.multiaddrs[0]!);
    await a.send(b.localId, Uint8Array.of(1));
    await b.close();
    let last: unknown = 'ok';
    for (let attempt = 0; attempt < 40 && last === 'ok'; attempt++) {
      last = await outcome(a.send(b.localId, Uint8Array.of(2)));
      if (last === 'ok') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(last).toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
      details: { reason: 'dial-failed', to: b.localId },
    });
  });

  it('rejects dialling a port where nobody listens', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    const address = b.multiaddrs[0]!;
    await b.close();
    await expect(a.dial(address)).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
      details: { reason: 'dial-failed' },
    });
  });

  it('gives up on a dial that never completes after dialTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket)); // accepts, never speaks
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const a = await cluster.start({ dialTimeoutMs: 300 });
      const [silent] = identities(998, 1);
      const peerId = peerIdForMemberKey(silent!.keys.publicKey);
      await expect(a.dial(`/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`)).rejects.toMatchObject({
        code: CoreErrorCode.TRANSPORT_UNREACHABLE,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses malformed dial addresses with BC_LIBP2P_ADDRESS_INVALID', async () => {
    const a = await cluster.start();
    await expect(a.dial('/ip4/not-an-ip/tcp/1')).rejects.toMatchObject({
      code: Libp2pTransportErrorCode.ADDRESS_INVALID,
    });
  });
});

describe('a peer that stops reading', () => {
  /** A raw peer that answers the peer exchange (so it can be dialled) but never reads messages. */
  async function stalledPeer(seed: number): Promise<RawPeer> {
    const [identity] = identities(seed, 1);
    const raw = await RawPeer.start(identity!.keys.secretKey);
    const announcement = createAnnouncement(identity!.keys.secretKey, identity!.nodeId).bytes;
    await raw.handle('/brightchain/peer-exchange/1.0.0', async (stream) => {
      await readOneFrame(stream, 1024 * 1024);
      stream.send(frame(encodePeerExchange({ announcement, peers: [] })));
      await stream.close();
    });
    await raw.handle('/brightchain/envelope/1.0.0', (stream) => {
      stream.pause();
    });
    return raw;
  }

  const big = () => new Uint8Array(64 * 1024);

  it("fails sends that cannot be written within sendTimeoutMs ('wait' policy)", async () => {
    const raw = await stalledPeer(61);
    try {
      const a = await cluster.start({ sendTimeoutMs: 400, maxQueuedMessagesPerPeer: 4 });
      const peer = await a.dial(raw.address);
      let written = 0;
      let failure: unknown;
      for (let i = 0; i < 64 && failure === undefined; i++) {
        const result = await outcome(a.send(peer, big()));
        if (result === 'ok') written += 1;
        else failure = result;
      }
      expect(failure).toMatchObject({ code: CoreErrorCode.TRANSPORT_UNREACHABLE });
      expect(['stalled', 'send-timeout'] as unknown[]).toContain(
        (failure as BrightChainError).details.reason,
      );
      expect(written).toBeGreaterThan(0);
    } finally {
      await raw.stop();
    }
  });

  it("refuses sends beyond the queue at once ('reject' policy), then fails queued ones on close", async () => {
    const raw = await stalledPeer(62);
    try {
      const a = await cluster.start({
        sendTimeoutMs: 5000,
        maxQueuedMessagesPerPeer: 2,
        whenQueueFull: 'reject',
      });
      const peer = await a.dial(raw.address);
      const pending: Promise<unknown>[] = [];
      let refused: unknown;
      for (let i = 0; i < 200 && refused === undefined; i++) {
        const attempt = outcome(a.send(peer, big()));
        const settledNow = await Promise.race([
          attempt,
          new Promise((resolve) => setTimeout(() => resolve('pending'), 20)),
        ]);
        if (settledNow === 'pending') pending.push(attempt);
        else if (settledNow !== 'ok') refused = settledNow;
      }
      expect(refused).toMatchObject({ code: Libp2pTransportErrorCode.QUEUE_FULL, details: { capacity: 2 } });
      // Sends still pending are either late writes or exactly the `capacity` queued messages, which the
      // close fails.
      await a.close();
      const late = await Promise.all(pending);
      expect(late.filter((result) => result !== 'ok')).toHaveLength(2);
      for (const result of late.filter((r) => r !== 'ok')) {
        expect(result).toMatchObject({ code: CoreErrorCode.TRANSPORT_CLOSED });
      }
    } finally {
      await raw.stop();
    }
  });
});

describe('a closed transport', () => {
  it('refuses send, dial and channel with BC_TRANSPORT_CLOSED and has no addresses', async () => {
    const a = await cluster.start({ families: ['blocks'] });
    const b = await cluster.start();
    const address = b.multiaddrs[0]!;
    await a.close();
    await expect(a.send(b.localId, Uint8Array.of(1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_CLOSED,
    });
    await expect(a.dial(address)).rejects.toMatchObject({ code: CoreErrorCode.TRANSPORT_CLOSED });
    expect(() => a.channel('blocks')).toThrow(
      expect.objectContaining({ code: CoreErrorCode.TRANSPORT_CLOSED }),
    );
    expect(a.multiaddrs).toEqual([]);
  });
});
