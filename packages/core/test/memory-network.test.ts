import fc from 'fast-check';
import {
  BrightChainError,
  type DeliveryFailure,
  type GuidV4,
  MemoryNetwork,
  SeededRandom,
  type Transport,
  newGuidV4,
} from '@brightchain/core';

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `foreign: ${String(error)}`;
  }
  return 'nothing thrown';
}

function setup(
  count: number,
  network = new MemoryNetwork(),
  seed = 1,
): { network: MemoryNetwork; peers: Transport[] } {
  const random = new SeededRandom(seed);
  return { network, peers: Array.from({ length: count }, () => network.endpoint(newGuidV4(random))) };
}

describe('MemoryNetwork endpoints', () => {
  it('opens one endpoint per id; a closed id can be opened again', async () => {
    const { network, peers } = setup(2);
    const [a] = peers as [Transport];
    expect(network.endpointIds()).toEqual(peers.map((p) => p.localId));
    expect(await codeOf(() => network.endpoint(a.localId))).toBe('BC_TRANSPORT_ENDPOINT_IN_USE');
    await a.close();
    expect(network.endpointIds()).toEqual([peers[1]?.localId]);
    const again = network.endpoint(a.localId);
    expect(again.localId).toBe(a.localId);
  });

  it('rejects ids that are not canonical GuidV4 strings', async () => {
    const network = new MemoryNetwork();
    const id = newGuidV4(new SeededRandom(3));
    for (const bad of ['', 'nope', id.toUpperCase(), `${id}0`]) {
      expect(await codeOf(() => network.endpoint(bad as GuidV4))).toBe('BC_GUID_INVALID');
    }
  });

  it('validates maxMessageBytes and declares ordered links', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(await codeOf(() => new MemoryNetwork({ maxMessageBytes: bad }))).toBe('BC_INVALID_ARGUMENT');
    }
    const { peers } = setup(1, new MemoryNetwork({ maxMessageBytes: 10 }));
    expect(peers[0]?.maxMessageBytes).toBe(10);
    expect(peers[0]?.orderedPerLink).toBe(true);
    expect(new MemoryNetwork().maxMessageBytes).toBe(MemoryNetwork.defaultMaxMessageBytes);
  });
});

describe('MemoryNetwork delivery', () => {
  it('delivers after send resolves, never during it', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    const received: number[] = [];
    b.onMessage((_, message) => received.push(message[0] as number));
    const sending = a.send(b.localId, Uint8Array.of(1));
    expect(received).toEqual([]);
    await sending;
    expect(received).toEqual([]);
    expect(network.pendingMessages).toBe(1);
    await network.settled();
    expect(received).toEqual([1]);
    expect(network.pendingMessages).toBe(0);
  });

  it('rejects closed senders, oversized messages, non-bytes and unknown or closed peers', async () => {
    const { peers } = setup(3, new MemoryNetwork({ maxMessageBytes: 4 }));
    const [a, b, c] = peers as [Transport, Transport, Transport];
    expect(await codeOf(() => a.send(b.localId, new Uint8Array(5)))).toBe('BC_TRANSPORT_MESSAGE_TOO_LARGE');
    expect(await codeOf(() => a.send(b.localId, 'hi' as unknown as Uint8Array))).toBe('BC_INVALID_ARGUMENT');
    expect(await codeOf(() => a.send(newGuidV4(new SeededRandom(99)), new Uint8Array(1)))).toBe(
      'BC_TRANSPORT_UNREACHABLE',
    );
    await c.close();
    expect(await codeOf(() => a.send(c.localId, new Uint8Array(1)))).toBe('BC_TRANSPORT_UNREACHABLE');
    await a.close();
    expect(await codeOf(() => a.send(b.localId, new Uint8Array(1)))).toBe('BC_TRANSPORT_CLOSED');
  });

  it('drops messages queued for an endpoint that closes, and never hands them to its successor', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    const old: Uint8Array[] = [];
    b.onMessage((_, message) => old.push(message));
    await a.send(b.localId, Uint8Array.of(1));
    await b.close();
    const successor = network.endpoint(b.localId);
    const fresh: Uint8Array[] = [];
    successor.onMessage((_, message) => fresh.push(message));
    await a.send(b.localId, Uint8Array.of(2));
    await network.settled();
    expect(old).toEqual([]);
    expect(fresh).toEqual([Uint8Array.of(2)]);
  });

  it('still delivers what a sender sent before it closed (it was already on the wire)', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    const received: GuidV4[] = [];
    b.onMessage((from) => received.push(from));
    await a.send(b.localId, Uint8Array.of(1));
    await a.close();
    await network.settled();
    expect(received).toEqual([a.localId]);
  });

  it('reports throwing handlers to onError and keeps delivering', async () => {
    const failures: [string, DeliveryFailure][] = [];
    const network = new MemoryNetwork({
      onError: (error, failure) => {
        failures.push([(error as Error).message, failure]);
        throw new Error('the reporter fails too');
      },
    });
    const { peers } = setup(2, network);
    const [a, b] = peers as [Transport, Transport];
    b.onMessage(() => {
      throw new Error('boom');
    });
    const received: number[] = [];
    b.onMessage((_, message) => received.push(message[0] as number));
    await a.send(b.localId, Uint8Array.of(1));
    await a.send(b.localId, Uint8Array.of(2));
    await network.settled();
    expect(received).toEqual([1, 2]);
    expect(failures).toEqual([
      ['boom', { from: a.localId, to: b.localId }],
      ['boom', { from: a.localId, to: b.localId }],
    ]);
  });

  it('skips a handler unsubscribed by an earlier handler during the same delivery', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    const calls: string[] = [];
    b.onMessage(() => {
      calls.push('first');
      unsubscribeSecond();
    });
    const unsubscribeSecond = b.onMessage(() => calls.push('second'));
    await a.send(b.localId, Uint8Array.of(1));
    await network.settled();
    expect(calls).toEqual(['first']);
  });

  it('never calls handlers registered on a closed endpoint', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    await b.close();
    const calls: number[] = [];
    const unsubscribe = b.onMessage(() => calls.push(1));
    unsubscribe();
    expect(await codeOf(() => a.send(b.localId, Uint8Array.of(1)))).toBe('BC_TRANSPORT_UNREACHABLE');
    await network.settled();
    expect(calls).toEqual([]);
  });

  it('settled() waits for replies that handlers send while it waits', async () => {
    const { network, peers } = setup(2);
    const [a, b] = peers as [Transport, Transport];
    const hops: number[] = [];
    const bounce = (self: Transport) => (from: GuidV4, message: Uint8Array) => {
      const hop = message[0] as number;
      hops.push(hop);
      if (hop < 10) void self.send(from, Uint8Array.of(hop + 1));
    };
    a.onMessage(bounce(a));
    b.onMessage(bounce(b));
    await a.send(b.localId, Uint8Array.of(0));
    await network.settled();
    expect(hops).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('uses the given scheduler', async () => {
    let scheduled = 0;
    const network = new MemoryNetwork({
      schedule: (drain) => {
        scheduled += 1;
        queueMicrotask(drain);
      },
    });
    const { peers } = setup(2, network);
    const [a, b] = peers as [Transport, Transport];
    const received: number[] = [];
    b.onMessage((_, message) => received.push(message[0] as number));
    await Promise.all([a.send(b.localId, Uint8Array.of(1)), a.send(b.localId, Uint8Array.of(2))]);
    await network.settled();
    expect(received).toEqual([1, 2]);
    expect(scheduled).toBe(1);
  });

  it('closeAll closes every endpoint and leaves the network usable', async () => {
    const { network, peers } = setup(3);
    await network.closeAll();
    expect(network.endpointIds()).toEqual([]);
    expect(await codeOf(() => peers[0]?.send(peers[1]?.localId as GuidV4, Uint8Array.of(1)))).toBe(
      'BC_TRANSPORT_CLOSED',
    );
    network.endpoint(peers[0]?.localId as GuidV4);
  });

  it('delivers in global send order, deterministically (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 60 }),
        async (links) => {
          const { network, peers } = setup(4);
          const delivered: string[] = [];
          peers.forEach((peer, j) => {
            peer.onMessage((from, message) => {
              delivered.push(`${peers.findIndex((p) => p.localId === from)}>${j}#${message[0]}`);
            });
          });
          const sent: string[] = [];
          await Promise.all(
            links.map(([i, j], n) => {
              sent.push(`${i}>${j}#${n}`);
              return peers[i]?.send(peers[j]?.localId as GuidV4, Uint8Array.of(n));
            }),
          );
          await network.settled();
          expect(delivered).toEqual(sent);
        },
      ),
      { numRuns: 100 },
    );
  });
});
