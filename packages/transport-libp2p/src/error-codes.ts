/**
 * Error codes thrown or reported by `@brightchain/transport-libp2p`, besides core's `BC_TRANSPORT_*`
 * codes (`BC_TRANSPORT_MESSAGE_TOO_LARGE`, `BC_TRANSPORT_UNREACHABLE`, `BC_TRANSPORT_CLOSED`).
 *
 * @example
 * ```ts
 * onError: (error) => {
 *   if (error.code === Libp2pTransportErrorCode.IDENTITY_REJECTED) audit.log(error.details);
 * };
 * ```
 */
export const Libp2pTransportErrorCode = {
  /** A multiaddr is malformed, uses an unsupported transport, or a bootstrap address lacks `/p2p/<peer id>`. */
  ADDRESS_INVALID: 'BC_LIBP2P_ADDRESS_INVALID',
  /** The libp2p node could not start (for example the listen port is in use). */
  START_FAILED: 'BC_LIBP2P_START_FAILED',
  /** An inbound stream broke the wire protocol (bad length prefix, truncated frame, bad stream header, wrong recipient); the stream was dropped. */
  PROTOCOL_VIOLATION: 'BC_LIBP2P_PROTOCOL_VIOLATION',
  /** A node announcement is malformed, its signature does not verify, or its key is not the connection's peer key. */
  IDENTITY_INVALID: 'BC_LIBP2P_IDENTITY_INVALID',
  /** A validly signed announcement was refused: its GuidV4 or key is bound to another, the directory disagrees, or unknown nodes are not accepted. */
  IDENTITY_REJECTED: 'BC_LIBP2P_IDENTITY_REJECTED',
  /** The send queue to one peer is full and the transport was configured to reject rather than wait. */
  QUEUE_FULL: 'BC_LIBP2P_QUEUE_FULL',
  /** The table of known nodes is full; a newly announced node was not recorded. */
  DIRECTORY_FULL: 'BC_LIBP2P_DIRECTORY_FULL',
  /** A message handler threw; the error is the `cause`. Delivery to other handlers continued. */
  HANDLER_FAILED: 'BC_LIBP2P_HANDLER_FAILED',
} as const;

/** Union of the transport-libp2p error code strings. */
export type Libp2pTransportErrorCode =
  (typeof Libp2pTransportErrorCode)[keyof typeof Libp2pTransportErrorCode];
