/**
 * The peer exchange message, sent both ways on `/brightchain/peer-exchange/1.0.0` when a connection
 * opens and periodically afterwards:
 *
 *   `[1, announcement, [[announcement, [multiaddr, …]], …]]`
 *
 * — the sender's own signed announcement, then up to {@link MAX_EXCHANGED_PEERS} other nodes it knows,
 * each as that node's own signed announcement and up to {@link MAX_ADDRESSES_PER_PEER} multiaddrs it was
 * reachable at. Relayed announcements are verified like direct ones; relayed addresses are only hints
 * (dialling a wrong one fails the noise handshake, since the PeerId is the key).
 */
import { BrightChainError, decodeTuple, encodeCanonical } from '@brightchain/core';
import { Libp2pTransportErrorCode } from './error-codes';

/** Version of the exchange message. */
export const PEER_EXCHANGE_VERSION = 1;
/** Most relayed peers in one exchange message. */
export const MAX_EXCHANGED_PEERS = 64;
/** Most addresses per relayed peer. */
export const MAX_ADDRESSES_PER_PEER = 8;
/** Longest accepted multiaddr string. */
export const MAX_ADDRESS_LENGTH = 256;
/** Largest accepted exchange message in bytes. */
export const PEER_EXCHANGE_MAX_BYTES = 256 * 1024;

/** One relayed peer: its announcement (unverified) and where it was reachable. */
export interface ExchangedPeer {
  readonly announcement: Uint8Array;
  readonly addresses: readonly string[];
}

/** A decoded exchange message. */
export interface PeerExchangeMessage {
  /** The sender's own announcement (unverified). */
  readonly announcement: Uint8Array;
  /** Other nodes the sender knows. */
  readonly peers: readonly ExchangedPeer[];
}

/** Encodes an exchange message, truncating to the limits. Internal. */
export function encodePeerExchange(message: PeerExchangeMessage): Uint8Array {
  const peers = message.peers
    .slice(0, MAX_EXCHANGED_PEERS)
    .map((peer) => [
      peer.announcement,
      peer.addresses
        .filter((address) => address.length <= MAX_ADDRESS_LENGTH)
        .slice(0, MAX_ADDRESSES_PER_PEER),
    ]);
  return encodeCanonical([PEER_EXCHANGE_VERSION, message.announcement, peers]);
}

function violation(reason: string, cause?: unknown): BrightChainError {
  return new BrightChainError(
    Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
    `malformed peer exchange message: ${reason}`,
    cause === undefined
      ? { details: { reason: 'peer-exchange', problem: reason } }
      : { details: { reason: 'peer-exchange', problem: reason }, cause },
  );
}

/**
 * Decodes an exchange message and checks its structure and limits (not the announcements).
 *
 * @throws BrightChainError `BC_LIBP2P_PROTOCOL_VIOLATION` (details: `reason: 'peer-exchange'`, `problem`)
 */
export function decodePeerExchange(bytes: Uint8Array): PeerExchangeMessage {
  let fields: [number, Uint8Array, readonly unknown[]];
  try {
    fields = decodeTuple(bytes, ['integer', 'bytes', 'array'], {
      maxBytes: PEER_EXCHANGE_MAX_BYTES,
      maxDepth: 4,
    });
  } catch (error) {
    throw violation('shape', error);
  }
  const [version, announcement, rawPeers] = fields;
  if (version !== PEER_EXCHANGE_VERSION) throw violation(`version ${version}`);
  if (rawPeers.length > MAX_EXCHANGED_PEERS) throw violation('too many peers');
  const peers = rawPeers.map((raw): ExchangedPeer => {
    if (!Array.isArray(raw) || raw.length !== 2) throw violation('peer entry shape');
    const [peerAnnouncement, addresses] = raw as [unknown, unknown];
    if (!(peerAnnouncement instanceof Uint8Array)) throw violation('peer announcement');
    if (!Array.isArray(addresses) || addresses.length > MAX_ADDRESSES_PER_PEER)
      throw violation('peer addresses');
    for (const address of addresses) {
      if (typeof address !== 'string' || address.length > MAX_ADDRESS_LENGTH) throw violation('peer address');
    }
    return { announcement: peerAnnouncement, addresses: addresses as string[] };
  });
  return { announcement, peers };
}
