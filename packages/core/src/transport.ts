/**
 * The transport port: unreliable, unordered-between-peers datagrams of encoded envelopes between
 * node ids. Protocols above it (SWIM, gossip, votes) tolerate loss, duplication and reordering;
 * adapters may do better (libp2p streams are ordered per connection) but callers must not rely on it.
 *
 * The compliance suite checks: delivery between two endpoints, per-link FIFO when the adapter
 * declares `orderedPerLink`, size limit errors, `BC_TRANSPORT_UNREACHABLE` for unknown peers,
 * no delivery after close, handler unsubscription.
 */
import type { GuidV4 } from './guid';

/** Receives one message: the sender's node id and the raw bytes (an encoded envelope). */
export type MessageHandler = (from: GuidV4, message: Uint8Array) => void;

/** The transport port. */
export interface Transport {
  /** This endpoint's node id. */
  readonly localId: GuidV4;
  /** Largest message this transport carries, in bytes. */
  readonly maxMessageBytes: number;
  /** Whether messages on one link (sender → receiver) arrive in send order. */
  readonly orderedPerLink: boolean;
  /**
   * Sends `message` to `to`. Resolves once handed to the network (not once delivered).
   * @throws BrightChainError `BC_TRANSPORT_MESSAGE_TOO_LARGE`, `BC_TRANSPORT_UNREACHABLE`, `BC_TRANSPORT_CLOSED`
   */
  send(to: GuidV4, message: Uint8Array): Promise<void>;
  /** Registers a handler; returns a function that removes it. */
  onMessage(handler: MessageHandler): () => void;
  /** Stops sending and delivering. Idempotent. */
  close(): Promise<void>;
}
