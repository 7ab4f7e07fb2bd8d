/**
 * Test support: a bare libp2p node (TCP, noise, yamux, no BrightChain logic) that writes whatever bytes
 * a test wants on BrightChain protocols — to play a buggy or hostile peer.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Libp2p, Stream, StreamHandler } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { encodeFrame } from '../../src/length-prefixed-frames';
import { memberPrivateKey } from '../../src/member-peer-id';
import { ensurePromiseWithResolvers } from '../../src/promise-with-resolvers';

/** A bare libp2p peer under a member key. */
export class RawPeer {
  private constructor(readonly node: Libp2p) {}

  /** Starts a raw peer whose PeerId is `memberSecretKey`'s public key. */
  static async start(memberSecretKey: Uint8Array): Promise<RawPeer> {
    ensurePromiseWithResolvers();
    const node = await createLibp2p({
      privateKey: memberPrivateKey(memberSecretKey),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    });
    return new RawPeer(node);
  }

  get peerId(): string {
    return this.node.peerId.toString();
  }

  get address(): string {
    return this.node.getMultiaddrs()[0]!.toString();
  }

  /** Opens a stream on `protocol` to `address`. */
  open(address: string, protocol: string): Promise<Stream> {
    return this.node.dialProtocol(multiaddr(address), protocol, { signal: AbortSignal.timeout(3000) });
  }

  /** Opens a stream, writes `chunks` (raw bytes, no framing added), then closes its write side. */
  async write(address: string, protocol: string, chunks: readonly Uint8Array[]): Promise<void> {
    const stream = await this.open(address, protocol);
    for (const chunk of chunks) stream.send(chunk);
    await stream.close().catch(() => {});
  }

  /** Registers a stream handler (e.g. one that never reads). */
  handle(protocol: string, handler: StreamHandler): Promise<void> {
    return this.node.handle(protocol, handler);
  }

  async stop(): Promise<void> {
    await this.node.stop();
  }
}

/** One length-prefixed frame as plain bytes. */
export function frame(bytes: Uint8Array): Uint8Array {
  return encodeFrame(bytes).subarray();
}
