/**
 * Bootstrap and peer exchange: nodes that know only one seed find each other (the last ones to join
 * are learnt by the first ones through periodic exchange with the seed); a node reconnects to a
 * bootstrap peer that was down when it started.
 */
import type { GuidV4 } from '@brightchain/core';
import {
  type Libp2pTransport,
  Libp2pTransportErrorCode,
  createLibp2pTransport,
} from '@brightchain/transport-libp2p';
import { LoopbackCluster, identities, loopbackOptions, waitFor } from './support/loopback-nodes';

const cluster = new LoopbackCluster(71);
afterEach(() => cluster.stopAll());

describe('bootstrap discovery', () => {
  it('lets four nodes that only know one seed reach every other node', async () => {
    const seed = await cluster.start({ peerExchangeIntervalMs: 150 });
    const nodes: Libp2pTransport[] = [seed];
    for (let i = 0; i < 3; i++) {
      nodes.push(await cluster.start({ bootstrap: [seed.multiaddrs[0]!], peerExchangeIntervalMs: 150 }));
    }
    await waitFor(
      () => nodes.every((node) => node.knownNodeIds().length === nodes.length - 1),
      'full discovery',
      15_000,
    );
    for (const node of nodes) {
      expect(node.knownNodeIds().sort()).toEqual(
        nodes
          .filter((n) => n !== node)
          .map((n) => n.localId)
          .sort(),
      );
    }

    const inboxes = nodes.map(() => [] as { from: GuidV4; bytes: Uint8Array }[]);
    nodes.forEach((node, j) => {
      node.onMessage((from, bytes) => inboxes[j]!.push({ from, bytes }));
    });
    const sends: Promise<void>[] = [];
    nodes.forEach((from, i) => {
      nodes.forEach((to, j) => {
        if (i !== j) sends.push(from.send(to.localId, Uint8Array.of(i, j)));
      });
    });
    await Promise.all(sends);
    await waitFor(() => inboxes.every((inbox) => inbox.length === nodes.length - 1), 'every message', 10_000);
    inboxes.forEach((inbox, j) => {
      for (const { from, bytes } of inbox) {
        expect(bytes[1]).toBe(j);
        expect(from).toBe(nodes[bytes[0]!]!.localId);
      }
    });
  });

  it('reconnects to a bootstrap peer that was down when the node started', async () => {
    const [seedIdentity] = identities(7101, 1);
    const first = await cluster.start({}, seedIdentity);
    const address = first.multiaddrs[0]!;
    const listen = address.slice(0, address.indexOf('/p2p/'));
    await first.close();

    const late = await cluster.start({ bootstrap: [address], peerExchangeIntervalMs: 150 });
    expect(late.knownNodeIds()).toEqual([]);
    const seed = await cluster.start({ listen: [listen] }, seedIdentity);
    await waitFor(() => late.knownNodeIds().includes(seed.localId), 'the late node to find the seed', 10_000);
    await waitFor(
      () => seed.knownNodeIds().includes(late.localId),
      'the seed to learn the late node',
      10_000,
    );
  });

  it.each([
    ['without /p2p/<peer id>', '/ip4/127.0.0.1/tcp/4001', 'no-peer-id'],
    ['malformed', '/ip4/127.0.0.1/tcp/notaport/p2p/x', 'malformed'],
  ])('refuses a bootstrap address %s', async (_, address, reason) => {
    const [identity] = identities(7102, 1);
    await expect(
      createLibp2pTransport(loopbackOptions(identity!, { bootstrap: [address] })),
    ).rejects.toMatchObject({
      code: Libp2pTransportErrorCode.ADDRESS_INVALID,
      details: { reason },
    });
  });
});
