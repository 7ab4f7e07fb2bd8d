/**
 * Identity: the PeerId is the member key; node ids are bound to keys by signed announcements; no peer
 * can take over another node's GuidV4.
 */
import {
  BrightChainError,
  CoreErrorCode,
  type GuidV4,
  SeededRandom,
  generateMemberKeyPair,
  newGuidV4,
} from '@brightchain/core';
import {
  type Libp2pTransport,
  Libp2pTransportErrorCode,
  peerIdForMemberKey,
} from '@brightchain/transport-libp2p';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { memberKeyOfPeerId, memberPrivateKey } from '../src/member-peer-id';
import { ANNOUNCEMENT_MAX_BYTES, createAnnouncement, readAnnouncement } from '../src/node-announcement';
import { NodeDirectory } from '../src/node-directory';
import { encodePeerExchange } from '../src/peer-exchange';
import { encodeStreamHeader } from '../src/stream-header';
import { LoopbackCluster, type TestIdentity, identities, waitFor } from './support/loopback-nodes';
import { RawPeer, frame } from './support/raw-peer';

describe('PeerId from the member key', () => {
  it('is the member public key, for any valid secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        fc.pre(secp256k1.utils.isValidSecretKey(secret));
        const publicKey = secp256k1.getPublicKey(secret, true);
        const privateKey = memberPrivateKey(secret);
        expect(privateKey.type).toBe('secp256k1');
        expect(privateKey.publicKey.raw).toEqual(publicKey);
        const peerId = peerIdForMemberKey(publicKey);
        expect(memberKeyOfPeerId(peerId)).toEqual(publicKey);
        // The uncompressed form of the same key names the same peer.
        expect(peerIdForMemberKey(secp256k1.getPublicKey(secret, false))).toBe(peerId);
      }),
      { numRuns: 25 },
    );
  });

  it.each([
    ['zero', new Uint8Array(32)],
    [
      'the group order n',
      Uint8Array.from(Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex')),
    ],
    ['31 bytes', new Uint8Array(31).fill(1)],
    ['64 bytes (an Ed25519-sized key)', new Uint8Array(64).fill(1)],
  ])('refuses a member secret that is %s', (_, secret) => {
    expect(() => memberPrivateKey(secret)).toThrow(
      expect.objectContaining({ code: CoreErrorCode.KEY_INVALID }),
    );
  });

  it.each([
    ['33 zero bytes', new Uint8Array(33)],
    ['a point off the curve', Uint8Array.from([0x02, ...new Uint8Array(32).fill(0xff)])],
    ['32 bytes', new Uint8Array(32).fill(2)],
  ])('refuses a public key that is %s', (_, key) => {
    expect(() => peerIdForMemberKey(key)).toThrow(
      expect.objectContaining({ code: CoreErrorCode.KEY_INVALID }),
    );
  });

  it('finds no member key in a non-secp256k1 or malformed PeerId', () => {
    expect(memberKeyOfPeerId('12D3KooWHm97ZZg9jaLpUGRvbDpGvoKqF5Dv4e6RDZqKkTP3WhEa')).toBeUndefined(); // Ed25519
    expect(memberKeyOfPeerId('not a peer id')).toBeUndefined();
  });
});

describe('node announcements', () => {
  const [alice] = identities(11, 1);

  it('round-trips and names the key and PeerId', () => {
    const announcement = createAnnouncement(alice!.keys.secretKey, alice!.nodeId);
    expect(announcement.bytes.length).toBeLessThan(ANNOUNCEMENT_MAX_BYTES);
    const read = readAnnouncement(announcement.bytes);
    expect(read.nodeId).toBe(alice!.nodeId);
    expect(read.publicKey).toEqual(alice!.keys.publicKey);
    expect(read.peerId).toBe(peerIdForMemberKey(alice!.keys.publicKey));
  });

  it('is invalid after any change of one byte', () => {
    const bytes = createAnnouncement(alice!.keys.secretKey, alice!.nodeId).bytes;
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const tampered = bytes.slice();
        tampered[index]! ^= flip;
        expect(() => readAnnouncement(tampered)).toThrow(
          expect.objectContaining({ code: Libp2pTransportErrorCode.IDENTITY_INVALID }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it.each([
    ['empty', new Uint8Array(0), 'envelope'],
    ['oversized', new Uint8Array(ANNOUNCEMENT_MAX_BYTES + 1), 'size'],
  ])('rejects %s bytes', (_, bytes, reason) => {
    expect(() => readAnnouncement(bytes)).toThrow(
      expect.objectContaining({ code: Libp2pTransportErrorCode.IDENTITY_INVALID, details: { reason } }),
    );
  });
});

describe('NodeDirectory against a naive model', () => {
  const random = new SeededRandom(21);
  const local: TestIdentity = { nodeId: newGuidV4(random), keys: generateMemberKeyPair(random) };
  const nodes: GuidV4[] = Array.from({ length: 4 }, () => newGuidV4(random));
  const keys = Array.from({ length: 4 }, () => generateMemberKeyPair(random));
  // Every (node, key) claim, including claims on the local node id and key.
  const allNodes = [...nodes, local.nodeId];
  const allKeys = [...keys, local.keys];
  const claims = allNodes.map((nodeId) => allKeys.map((key) => createAnnouncement(key.secretKey, nodeId)));
  const localAnnouncement = createAnnouncement(local.keys.secretKey, local.nodeId);

  it('keeps bindings one-to-one, protects the local node, and changes nothing on refusal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.nat(keys.length - 1), { nil: undefined }), {
          minLength: nodes.length,
          maxLength: nodes.length,
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(allNodes.length - 1), fc.nat(allKeys.length - 1)), { maxLength: 40 }),
        (directoryKeys, acceptUnknownNodes, maxNodes, steps) => {
          const lookup = (nodeId: GuidV4) => {
            const index = nodes.indexOf(nodeId);
            const keyIndex = index < 0 ? undefined : directoryKeys[index];
            return keyIndex === undefined ? undefined : keys[keyIndex]!.publicKey;
          };
          const directory = new NodeDirectory({
            local: localAnnouncement,
            lookup,
            acceptUnknownNodes,
            maxNodes,
          });
          const model = new Map<number, number>(); // node index -> key index, remote only
          for (const [n, k] of steps) {
            const before = new Map(model);
            const snapshot = () =>
              directory
                .remote()
                .map((b) => `${b.nodeId}/${b.peerId}`)
                .sort();
            const beforeSnapshot = snapshot();
            let outcome: string;
            try {
              directory.accept(claims[n]![k]!);
              outcome = 'ok';
            } catch (error) {
              if (!BrightChainError.isInstance(error)) throw error;
              outcome = error.code;
            }
            // Naive reference.
            const localNode = n === nodes.length;
            const localKey = k === keys.length;
            let expected: string;
            if (localNode || localKey) {
              expected = localNode && localKey ? 'ok' : Libp2pTransportErrorCode.IDENTITY_REJECTED;
            } else {
              const listed = directoryKeys[n];
              const owner = [...model.entries()].find(([, key]) => key === k)?.[0];
              if (listed !== undefined && listed !== k) expected = Libp2pTransportErrorCode.IDENTITY_REJECTED;
              else if (listed === undefined && !acceptUnknownNodes)
                expected = Libp2pTransportErrorCode.IDENTITY_REJECTED;
              else if (model.get(n) === k) expected = 'ok';
              else if (listed === undefined && (model.has(n) || owner !== undefined)) {
                expected = Libp2pTransportErrorCode.IDENTITY_REJECTED;
              } else if (!model.has(n) && owner === undefined && model.size >= maxNodes) {
                expected = Libp2pTransportErrorCode.DIRECTORY_FULL;
              } else {
                expected = 'ok';
                model.delete(n);
                if (owner !== undefined) model.delete(owner);
                model.set(n, k);
              }
            }
            expect(outcome).toBe(expected);
            if (outcome !== 'ok') expect(snapshot()).toEqual(beforeSnapshot);
            if (outcome !== 'ok') expect(model).toEqual(before);
            // Same bindings as the model, one-to-one, never the local id or key.
            const bindings = directory.remote();
            expect(bindings.map((b) => `${b.nodeId}/${b.peerId}`).sort()).toEqual(
              [...model.entries()]
                .map(([node, key]) => `${nodes[node]}/${claims[node]![key]!.peerId}`)
                .sort(),
            );
            expect(new Set(bindings.map((b) => b.peerId)).size).toBe(bindings.length);
            expect(
              bindings.some((b) => b.nodeId === local.nodeId || b.peerId === localAnnouncement.peerId),
            ).toBe(false);
            expect(bindings.length).toBeLessThanOrEqual(maxNodes);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops a binding the directory no longer accepts, and reports a throwing directory as a refusal', () => {
    let listed = true;
    const directory = new NodeDirectory({
      local: localAnnouncement,
      lookup: (nodeId) => {
        if (nodeId === nodes[1]) throw new Error('directory unavailable');
        return listed && nodeId === nodes[0] ? keys[0]!.publicKey : undefined;
      },
      acceptUnknownNodes: false,
      maxNodes: 10,
    });
    directory.accept(claims[0]![0]!);
    expect(directory.byNodeId(nodes[0]!)?.peerId).toBe(claims[0]![0]!.peerId);
    listed = false;
    expect(directory.byNodeId(nodes[0]!)).toBeUndefined();
    expect(directory.remote()).toEqual([]);
    expect(() => directory.accept(claims[1]![1]!)).toThrow(
      expect.objectContaining({
        code: Libp2pTransportErrorCode.IDENTITY_REJECTED,
        details: expect.objectContaining({ reason: 'directory-failed' }),
      }),
    );
  });

  it('lets a directory binding replace a binding first seen on trust', () => {
    let known = false;
    const directory = new NodeDirectory({
      local: localAnnouncement,
      lookup: (nodeId) => (known && nodeId === nodes[0] ? keys[1]!.publicKey : undefined),
      acceptUnknownNodes: true,
      maxNodes: 10,
    });
    directory.accept(claims[0]![0]!); // a squatter with key 0 claims node 0 first
    expect(() => directory.accept(claims[0]![1]!)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'node-bound-to-other-key' }) }),
    );
    known = true; // the member list now says node 0 is key 1
    expect(directory.byNodeId(nodes[0]!)).toBeUndefined();
    directory.accept(claims[0]![1]!);
    expect(directory.byNodeId(nodes[0]!)?.peerId).toBe(claims[0]![1]!.peerId);
  });
});

describe('forged node id claims between live nodes', () => {
  const cluster = new LoopbackCluster(31);
  const [aliceId, bobId, malloryKeys, carolId] = identities(31, 4);
  let alice: Libp2pTransport;
  let bob: Libp2pTransport;
  const bobErrors: BrightChainError[] = [];
  const atBob: { from: GuidV4; bytes: Uint8Array }[] = [];
  const atAlice: Uint8Array[] = [];

  beforeAll(async () => {
    alice = await cluster.start({}, aliceId);
    bob = await cluster.start({ onError: (error) => bobErrors.push(error) }, bobId);
    bob.onMessage((from, bytes) => atBob.push({ from, bytes }));
    alice.onMessage((_, bytes) => atAlice.push(bytes));
    expect(await alice.dial(bob.multiaddrs[0]!)).toBe(bob.localId);
  });
  afterAll(() => cluster.stopAll());

  it("binds each node's id to its own PeerId", () => {
    expect(alice.peerId).toBe(peerIdForMemberKey(aliceId!.keys.publicKey));
    expect(bob.knownNodeIds()).toEqual([alice.localId]);
    expect(alice.knownNodeIds()).toEqual([bob.localId]);
  });

  it("refuses a node that claims Alice's GuidV4 under its own key", async () => {
    const mallory = await cluster.start({}, { nodeId: aliceId!.nodeId, keys: malloryKeys!.keys });
    const before = bobErrors.length;
    await expect(mallory.dial(bob.multiaddrs[0]!)).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
    });
    await waitFor(() => bobErrors.length > before, "Bob's report");
    expect(bobErrors[before]).toMatchObject({
      code: Libp2pTransportErrorCode.IDENTITY_REJECTED,
      details: { reason: 'node-bound-to-other-key', nodeId: aliceId!.nodeId, peerId: mallory.peerId },
    });
    // Bob still reaches the real Alice.
    expect(bob.knownNodeIds()).toEqual([alice.localId]);
    await bob.send(alice.localId, Uint8Array.of(42));
    await waitFor(() => atAlice.length === 1, 'the message to the real Alice');
    await mallory.close();
  });

  it("drops a stream whose header claims Alice's GuidV4 under another key", async () => {
    const raw = await RawPeer.start(malloryKeys!.keys.secretKey);
    try {
      const before = bobErrors.length;
      const forged = createAnnouncement(malloryKeys!.keys.secretKey, aliceId!.nodeId).bytes;
      await raw.write(bob.multiaddrs[0]!, '/brightchain/envelope/1.0.0', [
        frame(encodeStreamHeader(forged, bob.localId)),
        frame(Uint8Array.of(1, 2, 3)),
      ]);
      await waitFor(() => bobErrors.length > before, "Bob's report");
      expect(bobErrors[before]).toMatchObject({
        code: Libp2pTransportErrorCode.IDENTITY_REJECTED,
        details: { reason: 'node-bound-to-other-key', peerId: raw.peerId },
      });
      expect(atBob.filter((m) => m.bytes.length === 3)).toEqual([]);
    } finally {
      await raw.stop();
    }
  });

  it('refuses forged and tampered announcements relayed by peer exchange, and keeps the honest sender', async () => {
    const raw = await RawPeer.start(carolId!.keys.secretKey);
    try {
      const before = bobErrors.length;
      // Carol relays Mallory's claim to Alice's id, and a tampered announcement.
      const forged = createAnnouncement(malloryKeys!.keys.secretKey, aliceId!.nodeId).bytes;
      const tampered = createAnnouncement(malloryKeys!.keys.secretKey, newGuidV4(new SeededRandom(5))).bytes;
      tampered[10]! ^= 0x40;
      const request = encodePeerExchange({
        announcement: createAnnouncement(carolId!.keys.secretKey, carolId!.nodeId).bytes,
        peers: [
          { announcement: forged, addresses: [] },
          { announcement: tampered, addresses: ['/ip4/127.0.0.1/tcp/1'] },
        ],
      });
      await raw.write(bob.multiaddrs[0]!, '/brightchain/peer-exchange/1.0.0', [frame(request)]);
      await waitFor(() => bobErrors.length >= before + 2, "Bob's two reports");
      const reports = bobErrors.slice(before);
      expect(reports.map((e) => e.code).sort()).toEqual(
        [Libp2pTransportErrorCode.IDENTITY_INVALID, Libp2pTransportErrorCode.IDENTITY_REJECTED].sort(),
      );
      for (const report of reports) expect(report.details.relayedBy).toBe(raw.peerId);
      // Carol herself (a valid direct announcement) is now known; Alice is still Alice.
      await waitFor(() => bob.knownNodeIds().includes(carolId!.nodeId), 'Carol bound');
      expect(bob.knownNodeIds().sort()).toEqual([alice.localId, carolId!.nodeId].sort());
    } finally {
      await raw.stop();
    }
  });
});

describe('a node with a member directory', () => {
  const cluster = new LoopbackCluster(41);
  const [aliceId, bobId, strangerId, impostorKeys] = identities(41, 4);

  afterEach(() => cluster.stopAll());

  it('accepts listed members, refuses strangers and impostors, and follows directory changes', async () => {
    const members = new Map<GuidV4, Uint8Array>([[aliceId!.nodeId, aliceId!.keys.publicKey]]);
    const errors: BrightChainError[] = [];
    const bob = await cluster.start(
      { directory: (id) => members.get(id), onError: (e) => errors.push(e) },
      bobId,
    );
    const alice = await cluster.start({}, aliceId);
    expect(await alice.dial(bob.multiaddrs[0]!)).toBe(bob.localId);
    expect(bob.knownNodeIds()).toEqual([alice.localId]);

    const stranger = await cluster.start({}, strangerId);
    await expect(stranger.dial(bob.multiaddrs[0]!)).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
    });
    const impostor = await cluster.start({}, { nodeId: aliceId!.nodeId, keys: impostorKeys!.keys });
    await expect(impostor.dial(bob.multiaddrs[0]!)).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
    });
    await waitFor(() => errors.length >= 2, 'two refusals');
    expect(errors.map((e) => e.details.reason).sort()).toEqual(['directory-mismatch', 'not-in-directory']);

    members.delete(aliceId!.nodeId); // Alice removed from the member list
    expect(bob.knownNodeIds()).toEqual([]);
    await expect(bob.send(alice.localId, Uint8Array.of(1))).rejects.toMatchObject({
      code: CoreErrorCode.TRANSPORT_UNREACHABLE,
      details: { reason: 'unknown-node' },
    });
  });
});
