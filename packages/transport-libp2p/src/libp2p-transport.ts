/**
 * `Libp2pTransport`: core's `Transport` port on js-libp2p — TCP and WebSocket transports, noise
 * encryption, yamux multiplexing — with the PeerId bound to the member key, and the factory that starts
 * one.
 */
import { BrightChainError, type GuidV4, type MessageHandler, type Transport } from '@brightchain/core';
import { bootstrap } from '@libp2p/bootstrap';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { Libp2pTransportErrorCode } from './error-codes';
import { loadSecureChannelModules } from './esm-only-modules';
import { Libp2pTransportNode } from './libp2p-transport-node';
import { memberPrivateKey } from './member-peer-id';
import { createAnnouncement } from './node-announcement';
import { ensurePromiseWithResolvers } from './promise-with-resolvers';
import { type Libp2pTransportOptions, resolveOptions } from './transport-options';
import { ensureWebSocketGlobal } from './web-socket-global';

/** Inbound connections accepted per second from one host (libp2p's default, 5, is too few for a
 * cluster of nodes on one machine). */
const INBOUND_CONNECTIONS_PER_SECOND = 100;

/**
 * The transport port on js-libp2p. Create it with {@link createLibp2pTransport}.
 *
 * - `send(to, bytes)` / `onMessage` use the default message family (`/brightchain/envelope/1.0.0`);
 *   `channel(family)` gives the same interface for the other families declared in the options.
 * - `send` resolves once the message is written to the peer's stream (dialling first if needed); it
 *   rejects with `BC_TRANSPORT_MESSAGE_TOO_LARGE`, `BC_TRANSPORT_UNREACHABLE` (unknown node, dial
 *   failure or timeout, send timeout), `BC_TRANSPORT_CLOSED` or, with `whenQueueFull: 'reject'`,
 *   `BC_LIBP2P_QUEUE_FULL`.
 * - Messages on one (peer, family) link arrive in send order (`orderedPerLink`), as long as the
 *   connection holds.
 * - Inbound problems never throw: they are reported to `onError` and the node keeps serving.
 *
 * @example
 * ```ts
 * const transport = await createLibp2pTransport({ nodeId, memberSecretKey: keys.secretKey });
 * transport.onMessage((from, bytes) => console.log(from, bytes.length));
 * const peer = await transport.dial('/ip4/127.0.0.1/tcp/4001/p2p/16Uiu2HAm…');
 * await transport.send(peer, encodeEnvelope(envelope));
 * await transport.close();
 * ```
 */
export interface Libp2pTransport extends Transport {
  /** This node's id. */
  readonly localId: GuidV4;
  /** Largest message in bytes, on send and on receipt. */
  readonly maxMessageBytes: number;
  /** Messages on one (peer, family) link arrive in send order while the connection holds. */
  readonly orderedPerLink: boolean;
  /** This node's PeerId string: the member public key (see `peerIdForMemberKey`). */
  readonly peerId: string;
  /** The addresses peers can dial, each ending in `/p2p/<peerId>`. Empty once closed. */
  readonly multiaddrs: string[];

  /**
   * Sends `message` to node `to` on the default family. Resolves once the message is written to the
   * peer's stream (handed to the network, not delivered).
   *
   * @throws BrightChainError `BC_TRANSPORT_MESSAGE_TOO_LARGE`, `BC_TRANSPORT_UNREACHABLE` (details:
   * `reason`), `BC_TRANSPORT_CLOSED`, `BC_LIBP2P_QUEUE_FULL`, `BC_INVALID_ARGUMENT`
   * @example
   * ```ts
   * await transport.send(peerNodeId, bytes);
   * ```
   */
  send(to: GuidV4, message: Uint8Array): Promise<void>;

  /**
   * Registers a handler for messages of the default family; returns a function that removes it.
   *
   * @throws BrightChainError `BC_INVALID_ARGUMENT` if `handler` is not a function
   * @example
   * ```ts
   * const stop = transport.onMessage((from, bytes) => host.step(from, bytes));
   * ```
   */
  onMessage(handler: MessageHandler): () => void;

  /**
   * A `Transport` for another message family declared in `options.families`: same node and peers,
   * its own protocol, streams and handlers. Each call returns a new view with its own handlers;
   * closing a view closes only that view (close views you no longer use).
   *
   * @throws BrightChainError `BC_INVALID_ARGUMENT` for a family not declared at creation,
   * `BC_TRANSPORT_CLOSED` once the transport is closed
   * @example
   * ```ts
   * const blocks = transport.channel('blocks'); // options.families: ['blocks']
   * await blocks.send(peer, blockBytes);
   * ```
   */
  channel(family: string): Transport;

  /**
   * Connects to a peer by multiaddr, exchanges announcements and returns the peer's node id. The
   * exchange also teaches each side the other nodes the peer knows.
   *
   * @throws BrightChainError `BC_LIBP2P_ADDRESS_INVALID`, `BC_TRANSPORT_UNREACHABLE` (dial or exchange
   * failed or timed out), `BC_LIBP2P_IDENTITY_INVALID` / `BC_LIBP2P_IDENTITY_REJECTED` (the peer's
   * announcement), `BC_TRANSPORT_CLOSED`
   * @example
   * ```ts
   * const peer = await transport.dial('/ip4/192.0.2.7/tcp/4001/p2p/16Uiu2HAm…');
   * await transport.send(peer, bytes);
   * ```
   */
  dial(address: string): Promise<GuidV4>;

  /**
   * The ids of the remote nodes this transport can currently address: bound by a verified announcement
   * and still accepted by the directory.
   *
   * @throws nothing
   * @example
   * ```ts
   * transport.knownNodeIds().length; // peers learnt from bootstrap, dials and peer exchange
   * ```
   */
  knownNodeIds(): GuidV4[];

  /**
   * Stops the libp2p node: handlers are removed at once, messages not yet written fail with
   * `BC_TRANSPORT_CLOSED`, messages already written are flushed (up to 1 s), then every connection is
   * closed. Idempotent.
   *
   * @throws nothing
   * @example
   * ```ts
   * afterEach(() => transport.close());
   * ```
   */
  close(): Promise<void>;
}

/**
 * Starts a libp2p node for this member and returns it as a {@link Libp2pTransport}.
 *
 * The node listens on `options.listen` (default `/ip4/127.0.0.1/tcp/0`), with TCP and WebSocket
 * transports, noise and yamux; its PeerId is the member key. It dials `options.bootstrap` and learns
 * further nodes by peer exchange.
 *
 * @param options - see {@link Libp2pTransportOptions}; `nodeId` and `memberSecretKey` are required
 * @throws BrightChainError `BC_GUID_INVALID` (node id), `BC_KEY_INVALID` (secret), `BC_INVALID_ARGUMENT`
 * (other options), `BC_LIBP2P_ADDRESS_INVALID` (a multiaddr), `BC_LIBP2P_START_FAILED` (libp2p could not
 * start, e.g. port in use)
 * @example
 * ```ts
 * import { generateMemberKeyPair, newGuidV4, CryptoRandom } from '@brightchain/core';
 * import { createLibp2pTransport } from '@brightchain/transport-libp2p';
 *
 * const keys = generateMemberKeyPair();
 * const transport = await createLibp2pTransport({
 *   nodeId: newGuidV4(new CryptoRandom()),
 *   memberSecretKey: keys.secretKey,
 *   listen: ['/ip4/0.0.0.0/tcp/4001'],
 *   bootstrap: ['/ip4/192.0.2.10/tcp/4001/p2p/16Uiu2HAm…'],
 * });
 * console.log(transport.multiaddrs);
 * ```
 */
export async function createLibp2pTransport(options: Libp2pTransportOptions): Promise<Libp2pTransport> {
  const resolved = resolveOptions(options);
  const privateKey = memberPrivateKey(resolved.memberSecretKey);
  const local = createAnnouncement(resolved.memberSecretKey, resolved.nodeId);
  ensurePromiseWithResolvers();
  await ensureWebSocketGlobal();
  let node: Libp2p | undefined;
  try {
    const { noise, yamux } = await loadSecureChannelModules();
    node = await createLibp2p({
      privateKey,
      start: false,
      addresses: {
        listen: resolved.listen.map(String),
        ...(resolved.announce.length > 0 ? { announce: resolved.announce.map(String) } : {}),
      },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery:
        resolved.bootstrap.length > 0
          ? [bootstrap({ list: resolved.bootstrap.map(String), timeout: 0 })]
          : [],
      connectionManager: {
        dialTimeout: resolved.dialTimeoutMs,
        inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND,
      },
      services: { identify: identify() },
    });
    const transport = new Libp2pTransportNode(node, resolved, local);
    await transport.start();
    return transport;
  } catch (error) {
    await Promise.resolve()
      .then(() => node?.stop())
      .catch(() => {});
    if (BrightChainError.isInstance(error)) throw error;
    throw new BrightChainError(Libp2pTransportErrorCode.START_FAILED, 'the libp2p node could not start', {
      details: {
        listen: resolved.listen.map(String),
        message: error instanceof Error ? error.message : String(error),
      },
      cause: error,
    });
  }
}
