/**
 * Test support: libp2p transports on 127.0.0.1, connected to each other, always stopped in teardown.
 */
import {
  type GuidV4,
  type MemberKeyPair,
  SeededRandom,
  generateMemberKeyPair,
  newGuidV4,
} from '@brightchain/core';
import {
  type Libp2pTransport,
  type Libp2pTransportOptions,
  createLibp2pTransport,
} from '@brightchain/transport-libp2p';

/** A node id and member key pair from a seeded generator (tests only; real members use CryptoRandom). */
export interface TestIdentity {
  readonly nodeId: GuidV4;
  readonly keys: MemberKeyPair;
}

/** Deterministic identities: the same seed gives the same ids and keys. */
export function identities(seed: number, count: number): TestIdentity[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => ({
    nodeId: newGuidV4(random),
    keys: generateMemberKeyPair(random),
  }));
}

/** Options for a loopback transport of `identity`, with background exchange off unless overridden. */
export function loopbackOptions(
  identity: TestIdentity,
  overrides: Partial<Libp2pTransportOptions> = {},
): Libp2pTransportOptions {
  return {
    nodeId: identity.nodeId,
    memberSecretKey: identity.keys.secretKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    peerExchangeIntervalMs: 0,
    // Generous bounds: a loaded 2-core machine can take seconds for a few noise handshakes.
    dialTimeoutMs: 10_000,
    sendTimeoutMs: 20_000,
    ...overrides,
  };
}

/** Starts transports and remembers them so {@link LoopbackCluster.stopAll} stops every one. */
export class LoopbackCluster {
  readonly started: Libp2pTransport[] = [];
  private seed: number;

  constructor(seed: number) {
    this.seed = seed;
  }

  /** Starts one transport (a fresh identity unless given). */
  async start(
    overrides: Partial<Libp2pTransportOptions> = {},
    identity?: TestIdentity,
  ): Promise<Libp2pTransport> {
    const chosen = identity ?? identities(this.seed++, 1)[0]!;
    const transport = await createLibp2pTransport(loopbackOptions(chosen, overrides));
    this.started.push(transport);
    return transport;
  }

  /** Starts `count` transports and dials every pair, so each knows every other. */
  async startMesh(
    count: number,
    overrides: Partial<Libp2pTransportOptions> = {},
  ): Promise<Libp2pTransport[]> {
    const nodes: Libp2pTransport[] = [];
    for (let i = 0; i < count; i++) nodes.push(await this.start(overrides));
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const peer = await nodes[i]!.dial(nodes[j]!.multiaddrs[0]!);
        if (peer !== nodes[j]!.localId) throw new Error('dial returned the wrong node id');
      }
    }
    return nodes;
  }

  /**
   * Closes every started transport, one after another: closing both ends of a connection at the same
   * instant makes libp2p wait 0.5 s for a graceful close that neither side answers.
   */
  async stopAll(): Promise<void> {
    const all = this.started.splice(0, this.started.length);
    for (const transport of all) await transport.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes (then throws). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
