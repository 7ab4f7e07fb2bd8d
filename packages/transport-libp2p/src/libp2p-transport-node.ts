/**
 * `Libp2pTransportNode`: the implementation of {@link Libp2pTransport} (internal; users get it from
 * `createLibp2pTransport`).
 *
 * Wire protocols (all length-prefixed frames, see `length-prefixed-frames.ts`):
 * - `/brightchain/<family>/1.0.0`, one per message family: one stream per (peer, family), opened by
 *   the sender; first frame the stream header (`stream-header.ts`), then one frame per message.
 * - `/brightchain/peer-exchange/1.0.0`: one request frame and one reply frame carrying the two nodes'
 *   announcements and other nodes they know (`peer-exchange.ts`). Run by the dialling side of every new
 *   connection, by `dial`, and periodically with known peers.
 */
import {
  BrightChainError,
  CoreErrorCode,
  type GuidV4,
  type MessageHandler,
  type Transport,
  isGuidV4,
} from '@brightchain/core';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { BoundedCache } from './bounded-cache';
import { Libp2pTransportErrorCode } from './error-codes';
import { type ChannelHost, FamilyChannel } from './family-channel';
import { encodeFrame, readFrames, readOneFrame } from './length-prefixed-frames';
import type { Libp2pTransport } from './libp2p-transport';
import { type NodeAnnouncement, readAnnouncement } from './node-announcement';
import { NodeDirectory } from './node-directory';
import {
  type ExchangedPeer,
  MAX_ADDRESSES_PER_PEER,
  MAX_EXCHANGED_PEERS,
  PEER_EXCHANGE_MAX_BYTES,
  type PeerExchangeMessage,
  decodePeerExchange,
  encodePeerExchange,
} from './peer-exchange';
import { PeerLink } from './peer-link';
import { STREAM_HEADER_MAX_BYTES, decodeStreamHeader, encodeStreamHeader } from './stream-header';
import {
  DEFAULT_FAMILY,
  PEER_EXCHANGE_PROTOCOL,
  type ResolvedOptions,
  familyProtocol,
  parseAddress,
} from './transport-options';

/** Known peers exchanged with per periodic round. */
const EXCHANGE_PEERS_PER_ROUND = 32;
/**
 * Verified announcements and parsed PeerIds remembered. Verifying an announcement costs two point
 * decompressions and an ECDSA verification; signatures are deterministic, so the same node relays
 * byte-identical announcements and the cache turns repeats into one map lookup.
 */
const IDENTITY_CACHE_SIZE = 4096;

/** Adds context to a typed error, keeping its code and message. */
function withContext(error: BrightChainError, context: Record<string, unknown>): BrightChainError {
  return new BrightChainError(
    error.code,
    error.message,
    error.cause === undefined
      ? { details: { ...error.details, ...context } }
      : { details: { ...error.details, ...context }, cause: error.cause },
  );
}

function unreachable(reason: string, details: Record<string, unknown>, cause?: unknown): BrightChainError {
  return new BrightChainError(
    CoreErrorCode.TRANSPORT_UNREACHABLE,
    `peer unreachable: ${reason}`,
    cause === undefined ? { details: { ...details, reason } } : { details: { ...details, reason }, cause },
  );
}

/** The transport node behind {@link Libp2pTransport}. Internal. */
export class Libp2pTransportNode implements Libp2pTransport, ChannelHost {
  /** This node's id. */
  readonly localId: GuidV4;
  /** Largest message in bytes, on send and on receipt. */
  readonly maxMessageBytes: number;
  /** Messages on one (peer, family) link arrive in send order. */
  readonly orderedPerLink = true;
  /** This node's PeerId string: the member public key (see `peerIdForMemberKey`). */
  readonly peerId: string;

  private readonly families = new Map<string, Set<FamilyChannel>>();
  private readonly main: FamilyChannel;
  private readonly links = new Map<string, PeerLink>();
  private readonly exchanges = new Map<string, Promise<NodeAnnouncement>>();
  private readonly verified = new BoundedCache<string, NodeAnnouncement>(IDENTITY_CACHE_SIZE);
  private readonly peerIds = new BoundedCache<string, PeerId>(IDENTITY_CACHE_SIZE);
  private readonly inbound = new Set<Stream>();
  private readonly directory: NodeDirectory;
  private readonly bootstrapPeers: readonly { peerId: string; address: Multiaddr }[];
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing = false;
  private exchangeOffset = 0;
  private refreshOffset = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly libp2p: Libp2p,
    private readonly options: ResolvedOptions,
    private readonly local: NodeAnnouncement,
  ) {
    this.localId = options.nodeId;
    this.maxMessageBytes = options.maxMessageBytes;
    this.peerId = local.peerId;
    this.directory = new NodeDirectory({
      local,
      lookup: options.directory,
      acceptUnknownNodes: options.acceptUnknownNodes,
      maxNodes: options.maxKnownNodes,
    });
    this.bootstrapPeers = options.bootstrap.map((address) => ({
      address,
      peerId:
        address
          .getComponents()
          .filter((component) => component.name === 'p2p')
          .map((component) => component.value ?? '')
          .pop() ?? '',
    }));
    for (const family of options.families) this.families.set(family, new Set());
    this.main = this.openChannel(DEFAULT_FAMILY);
  }

  /** The addresses peers can dial, each ending in `/p2p/<peerId>`. Empty once closed. */
  get multiaddrs(): string[] {
    if (this.closed) return [];
    return this.libp2p.getMultiaddrs().map((address) => address.toString());
  }

  /** See {@link Libp2pTransport}. */
  send(to: GuidV4, message: Uint8Array): Promise<void> {
    return this.main.send(to, message);
  }

  /** See {@link Libp2pTransport}. */
  onMessage(handler: MessageHandler): () => void {
    return this.main.onMessage(handler);
  }

  /** See {@link Libp2pTransport}. */
  channel(family: string): Transport {
    if (this.closed) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_CLOSED, 'this transport is closed', {
        details: { localId: this.localId },
      });
    }
    if (!this.families.has(family)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'unknown message family', {
        details: { family: String(family).slice(0, 64), families: [...this.families.keys()] },
      });
    }
    return this.openChannel(family);
  }

  /** See {@link Libp2pTransport}. */
  async dial(address: string): Promise<GuidV4> {
    this.assertOpen();
    const target = parseAddress(address);
    let connection: Connection;
    try {
      connection = await this.libp2p.dial(target, {
        signal: AbortSignal.timeout(this.options.dialTimeoutMs),
      });
    } catch (error) {
      this.assertOpen();
      throw unreachable('dial-failed', { address: address.slice(0, 256) }, error);
    }
    return (await this.exchangeWith(connection.remotePeer)).nodeId;
  }

  /** See {@link Libp2pTransport}. */
  knownNodeIds(): GuidV4[] {
    return this.directory
      .remote()
      .filter((binding) => this.directory.byNodeId(binding.nodeId) !== undefined)
      .map((binding) => binding.nodeId);
  }

  /** See {@link Libp2pTransport}. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const channels of this.families.values()) for (const channel of [...channels]) channel.closeNow();
    const links = [...this.links.values()];
    this.links.clear();
    for (const stream of this.inbound) stream.abort(new Error('transport closed'));
    this.inbound.clear();
    const closing = Promise.all(links.map((link) => link.close()))
      .then(() => this.libp2p.stop())
      .catch(() => {});
    this.closing = closing;
    return closing;
  }

  /** Starts protocol handlers, listeners and the bootstrap/peer-exchange timer. */
  async start(): Promise<void> {
    const handlerOptions = { maxInboundStreams: 64 } as const;
    for (const family of this.families.keys()) {
      await this.libp2p.handle(
        familyProtocol(family),
        (stream, connection) => this.acceptMessages(family, stream, connection),
        handlerOptions,
      );
    }
    await this.libp2p.handle(
      PEER_EXCHANGE_PROTOCOL,
      (stream, connection) => this.answerExchange(stream, connection),
      handlerOptions,
    );
    this.libp2p.addEventListener('connection:open', (event) => {
      const connection = event.detail;
      if (this.closed || connection.direction !== 'outbound') return;
      this.exchangeWith(connection.remotePeer).catch((error: unknown) => this.reportBackground(error));
    });
    this.libp2p.addEventListener('peer:disconnect', (event) => this.pruneLinks(event.detail.toString()));
    await this.libp2p.start();
    if (this.options.peerExchangeIntervalMs > 0) {
      this.timer = setInterval(() => this.refresh(), this.options.peerExchangeIntervalMs);
      this.timer.unref?.();
    }
  }

  // ChannelHost ---------------------------------------------------------------------------------

  /** Sends on a family (see {@link ChannelHost.sendOn}). */
  async sendOn(family: string, to: GuidV4, message: Uint8Array): Promise<void> {
    this.assertOpen();
    if (!(message instanceof Uint8Array)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'message must be a Uint8Array');
    }
    if (message.length > this.maxMessageBytes) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE, 'message is too large', {
        details: { messageBytes: message.length, maxMessageBytes: this.maxMessageBytes },
      });
    }
    if (to === this.localId) {
      const copy = message.slice();
      setImmediate(() => this.deliver(family, this.localId, copy));
      return;
    }
    const binding = isGuidV4(to) ? this.directory.byNodeId(to) : undefined;
    if (binding === undefined) {
      throw unreachable('unknown-node', { to: String(to).slice(0, 64) });
    }
    return this.linkFor(binding, family).send(message.slice());
  }

  /** Forgets a closed channel view. */
  detach(channel: FamilyChannel): void {
    this.families.get(channel.family)?.delete(channel);
  }

  // Outbound ------------------------------------------------------------------------------------

  private openChannel(family: string): FamilyChannel {
    const channel = new FamilyChannel(this, family);
    this.families.get(family)?.add(channel);
    return channel;
  }

  private linkFor(binding: NodeAnnouncement, family: string): PeerLink {
    const key = `${binding.peerId}\n${binding.nodeId}\n${family}`;
    let link = this.links.get(key);
    if (link === undefined) {
      const protocol = familyProtocol(family);
      const header = encodeFrame(encodeStreamHeader(this.local.bytes, binding.nodeId));
      const peer = this.peerObject(binding.peerId);
      link = new PeerLink({
        openStream: async (signal) => {
          const stream = await this.libp2p.dialProtocol(peer, protocol, { signal });
          stream.send(header);
          return stream;
        },
        capacity: this.options.maxQueuedMessagesPerPeer,
        whenFull: this.options.whenQueueFull,
        dialTimeoutMs: this.options.dialTimeoutMs,
        sendTimeoutMs: this.options.sendTimeoutMs,
        details: { to: binding.nodeId, peerId: binding.peerId, family },
      });
      this.links.set(key, link);
    }
    return link;
  }

  private pruneLinks(peerId: string): void {
    for (const [key, link] of this.links) {
      if (key.startsWith(`${peerId}\n`) && link.idle) this.links.delete(key);
    }
  }

  // Inbound -------------------------------------------------------------------------------------

  private async acceptMessages(family: string, stream: Stream, connection: Connection): Promise<void> {
    if (this.closed) {
      stream.abort(new Error('transport closed'));
      return;
    }
    const peerId = connection.remotePeer.toString();
    this.inbound.add(stream);
    try {
      let from: GuidV4 | undefined;
      const frames = readFrames(stream, {
        maxBytes: this.maxMessageBytes,
        maxFirstBytes: STREAM_HEADER_MAX_BYTES,
      });
      for await (const frame of frames) {
        if (this.closed) break;
        if (from === undefined) {
          from = this.verifyStreamHeader(frame, peerId);
          continue;
        }
        this.deliver(family, from, frame);
      }
      if (!this.closed) await stream.close().catch(() => {});
    } catch (error) {
      if (this.closed) return;
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      if (BrightChainError.isInstance(error)) this.report(withContext(error, { peerId, family }));
    } finally {
      this.inbound.delete(stream);
    }
  }

  /** Checks a stream header and returns the sender's node id. */
  private verifyStreamHeader(frame: Uint8Array, peerId: string): GuidV4 {
    const header = decodeStreamHeader(frame);
    const binding = this.acceptDirect(header.announcement, peerId);
    if (header.recipient !== this.localId) {
      throw new BrightChainError(
        Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
        'stream addressed to another node',
        {
          details: { reason: 'wrong-recipient', recipient: header.recipient, localId: this.localId },
        },
      );
    }
    return binding.nodeId;
  }

  /** `readAnnouncement` through the cache of byte-identical announcements already verified. */
  private verify(bytes: Uint8Array): NodeAnnouncement {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    return this.verified.get(key) ?? this.verified.set(key, readAnnouncement(bytes));
  }

  /** The PeerId object of a PeerId string (parsing one decompresses its key, so it is cached). */
  private peerObject(peerId: string): PeerId {
    return this.peerIds.get(peerId) ?? this.peerIds.set(peerId, peerIdFromString(peerId));
  }

  /** Verifies an announcement that must come from the connection's own peer, and binds it. */
  private acceptDirect(bytes: Uint8Array, peerId: string): NodeAnnouncement {
    const announcement = this.verify(bytes);
    if (announcement.peerId !== peerId) {
      throw new BrightChainError(
        Libp2pTransportErrorCode.IDENTITY_INVALID,
        "invalid node announcement: its key is not the connection's peer key",
        {
          details: {
            reason: 'peer-mismatch',
            nodeId: announcement.nodeId,
            announcedPeerId: announcement.peerId,
          },
        },
      );
    }
    return this.directory.accept(announcement);
  }

  private deliver(family: string, from: GuidV4, bytes: Uint8Array): void {
    const channels = this.families.get(family);
    if (channels === undefined) return;
    for (const channel of [...channels]) {
      for (const subscription of [...channel.subscriptions]) {
        if (this.closed || channel.isClosed) break;
        if (!channel.subscriptions.has(subscription)) continue;
        try {
          subscription.handler(from, bytes);
        } catch (error) {
          this.report(
            new BrightChainError(Libp2pTransportErrorCode.HANDLER_FAILED, 'a message handler threw', {
              details: { from, family },
              cause: error,
            }),
          );
        }
      }
    }
  }

  // Peer exchange -------------------------------------------------------------------------------

  /** Runs (or joins) an exchange with a connected peer; resolves with the peer's binding. */
  private exchangeWith(peer: PeerId): Promise<NodeAnnouncement> {
    const peerId = peer.toString();
    const running = this.exchanges.get(peerId);
    if (running !== undefined) return running;
    const exchange = this.runExchange(peer).finally(() => this.exchanges.delete(peerId));
    this.exchanges.set(peerId, exchange);
    return exchange;
  }

  private async runExchange(peer: PeerId): Promise<NodeAnnouncement> {
    this.assertOpen();
    const peerId = peer.toString();
    const signal = AbortSignal.timeout(this.options.dialTimeoutMs);
    let stream: Stream;
    try {
      stream = await this.libp2p.dialProtocol(peer, PEER_EXCHANGE_PROTOCOL, { signal });
    } catch (error) {
      this.assertOpen();
      throw unreachable('exchange-failed', { peerId }, error);
    }
    const onAbort = () => stream.abort(new Error('peer exchange timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      stream.send(encodeFrame(encodePeerExchange(await this.exchangeMessage(peerId))));
      const reply = decodePeerExchange(await readOneFrame(stream, PEER_EXCHANGE_MAX_BYTES));
      const binding = await this.absorbExchange(reply, peerId);
      await stream.close().catch(() => {});
      return binding;
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      this.assertOpen();
      if (BrightChainError.isInstance(error) && error.code !== CoreErrorCode.TRANSPORT_CLOSED) {
        throw withContext(error, { peerId });
      }
      throw unreachable('exchange-failed', { peerId }, error);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async answerExchange(stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString();
    if (this.closed) {
      stream.abort(new Error('transport closed'));
      return;
    }
    const timer = setTimeout(
      () => stream.abort(new Error('peer exchange timed out')),
      this.options.dialTimeoutMs,
    );
    this.inbound.add(stream);
    try {
      const request = decodePeerExchange(await readOneFrame(stream, PEER_EXCHANGE_MAX_BYTES));
      await this.absorbExchange(request, peerId);
      stream.send(encodeFrame(encodePeerExchange(await this.exchangeMessage(peerId))));
      await stream.close();
    } catch (error) {
      if (this.closed) return;
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      if (BrightChainError.isInstance(error))
        this.report(withContext(error, { peerId, protocol: PEER_EXCHANGE_PROTOCOL }));
    } finally {
      clearTimeout(timer);
      this.inbound.delete(stream);
    }
  }

  /** Our announcement plus a rotating window of other known nodes and their addresses. */
  private async exchangeMessage(excludePeerId: string): Promise<PeerExchangeMessage> {
    const known = this.directory.remote().filter((binding) => binding.peerId !== excludePeerId);
    const start = known.length === 0 ? 0 : this.exchangeOffset % known.length;
    const window = [...known.slice(start), ...known.slice(0, start)].slice(0, MAX_EXCHANGED_PEERS);
    this.exchangeOffset = start + window.length;
    const peers: ExchangedPeer[] = [];
    for (const binding of window) {
      let addresses: string[] = [];
      try {
        const stored = await this.libp2p.peerStore.get(this.peerObject(binding.peerId));
        addresses = stored.addresses
          .map((entry) => entry.multiaddr.toString())
          .slice(0, MAX_ADDRESSES_PER_PEER);
      } catch {
        // Not in the peer store (never connected, or evicted): relay the binding without addresses.
      }
      peers.push({ announcement: binding.bytes, addresses });
    }
    return { announcement: this.local.bytes, peers };
  }

  /**
   * Binds the exchanging peer (its announcement must be its own) and every relayed node the directory
   * accepts, and records relayed addresses. Relayed entries that fail are reported and skipped.
   *
   * @throws BrightChainError `BC_LIBP2P_IDENTITY_INVALID` / `BC_LIBP2P_IDENTITY_REJECTED` /
   * `BC_LIBP2P_DIRECTORY_FULL` for the peer's own announcement
   */
  private async absorbExchange(message: PeerExchangeMessage, peerId: string): Promise<NodeAnnouncement> {
    const binding = this.acceptDirect(message.announcement, peerId);
    for (const relayed of message.peers) {
      try {
        const announcement = this.verify(relayed.announcement);
        if (announcement.peerId === this.peerId && announcement.nodeId === this.localId) continue;
        this.directory.accept(announcement);
        const addresses: Multiaddr[] = [];
        for (const address of relayed.addresses) {
          try {
            addresses.push(multiaddr(address));
          } catch {
            // A malformed relayed address is only a useless hint.
          }
        }
        if (addresses.length > 0) {
          await this.libp2p.peerStore.merge(this.peerObject(announcement.peerId), { multiaddrs: addresses });
        }
      } catch (error) {
        if (BrightChainError.isInstance(error)) this.report(withContext(error, { relayedBy: peerId }));
      }
    }
    return binding;
  }

  /** Periodic: exchange with a window of known connected peers; redial disconnected bootstrap peers. */
  private refresh(): void {
    if (this.closed || this.refreshing) return;
    this.refreshing = true;
    const connected = new Set(this.libp2p.getPeers().map((peer) => peer.toString()));
    const tasks: Promise<unknown>[] = [];
    for (const { peerId, address } of this.bootstrapPeers) {
      if (peerId === this.peerId || connected.has(peerId)) continue;
      tasks.push(
        this.libp2p
          .dial(address, { signal: AbortSignal.timeout(this.options.dialTimeoutMs) })
          .catch(() => {}),
      );
    }
    const known = this.directory.remote().filter((binding) => connected.has(binding.peerId));
    const start = known.length === 0 ? 0 : this.refreshOffset % known.length;
    const round = [...known.slice(start), ...known.slice(0, start)].slice(0, EXCHANGE_PEERS_PER_ROUND);
    this.refreshOffset = start + round.length;
    for (const binding of round) {
      tasks.push(
        this.exchangeWith(this.peerObject(binding.peerId)).catch((error: unknown) =>
          this.reportBackground(error),
        ),
      );
    }
    void Promise.allSettled(tasks).finally(() => {
      this.refreshing = false;
    });
  }

  // Errors --------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_CLOSED, 'this transport is closed', {
        details: { localId: this.localId },
      });
    }
  }

  private reportBackground(error: unknown): void {
    if (this.closed) return;
    if (BrightChainError.isInstance(error)) this.report(error);
  }

  private report(error: BrightChainError): void {
    try {
      this.options.onError(error);
    } catch {
      // A failing error reporter must not stop the transport.
    }
  }
}
