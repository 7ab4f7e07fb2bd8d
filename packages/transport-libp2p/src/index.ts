/**
 * `@brightchain/transport-libp2p`: the BrightChain `Transport` port on js-libp2p — TCP and WebSocket,
 * noise, yamux, length-prefixed frames with size limits, bounded per-peer queues, and a PeerId that is
 * the member's secp256k1 key, with node ids bound to keys by signed announcements.
 */
export { createLibp2pTransport } from './libp2p-transport';
export type { Libp2pTransport } from './libp2p-transport';
export type { Libp2pTransportOptions } from './transport-options';
export type { NodeKeyLookup } from './node-directory';
export type { QueueFullPolicy } from './peer-link';
export { peerIdForMemberKey } from './member-peer-id';
export { Libp2pTransportErrorCode } from './error-codes';
