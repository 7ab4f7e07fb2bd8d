/**
 * The WebSocket transport: nodes listening only on `/ws` exchange messages, and a node listening on
 * TCP and WebSocket is reachable on either.
 */
import type { GuidV4 } from '@brightchain/core';
import { LoopbackCluster, waitFor } from './support/loopback-nodes';

const cluster = new LoopbackCluster(81);
afterEach(() => cluster.stopAll());

describe('WebSocket transport', () => {
  it('carries messages both ways between WebSocket-only nodes', async () => {
    const a = await cluster.start({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    const b = await cluster.start({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    expect(a.multiaddrs.every((address) => address.includes('/ws/p2p/'))).toBe(true);
    const atA: { from: GuidV4; bytes: Uint8Array }[] = [];
    const atB: { from: GuidV4; bytes: Uint8Array }[] = [];
    a.onMessage((from, bytes) => atA.push({ from, bytes }));
    b.onMessage((from, bytes) => atB.push({ from, bytes }));
    expect(await a.dial(b.multiaddrs[0]!)).toBe(b.localId);
    const count = 50;
    for (let i = 0; i < count; i++) await a.send(b.localId, Uint8Array.of(i));
    await b.send(a.localId, new Uint8Array(256 * 1024).fill(7));
    await waitFor(() => atB.length === count && atA.length === 1, 'messages over WebSocket');
    expect(atB.map((m) => m.bytes[0])).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(atB.every((m) => m.from === a.localId)).toBe(true);
    expect(atA[0]!.bytes.length).toBe(256 * 1024);
  });

  it('reaches a node listening on TCP and WebSocket through either address', async () => {
    const both = await cluster.start({ listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] });
    const wsAddress = both.multiaddrs.find((address) => address.includes('/ws/'))!;
    const tcpAddress = both.multiaddrs.find((address) => !address.includes('/ws/'))!;
    expect(wsAddress).toBeDefined();
    expect(tcpAddress).toBeDefined();
    const viaWs = await cluster.start({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] });
    const viaTcp = await cluster.start();
    const received: GuidV4[] = [];
    both.onMessage((from) => received.push(from));
    expect(await viaWs.dial(wsAddress)).toBe(both.localId);
    expect(await viaTcp.dial(tcpAddress)).toBe(both.localId);
    await viaWs.send(both.localId, Uint8Array.of(1));
    await viaTcp.send(both.localId, Uint8Array.of(2));
    await waitFor(() => received.length === 2, 'both messages');
    expect(received.sort()).toEqual([viaWs.localId, viaTcp.localId].sort());
  });
});
