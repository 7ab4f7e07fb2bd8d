/**
 * Options of `createLibp2pTransport`, their defaults and their validation.
 */
import { BrightChainError, CoreErrorCode, type GuidV4, parseGuidV4 } from '@brightchain/core';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { Libp2pTransportErrorCode } from './error-codes';
import type { NodeKeyLookup } from './node-directory';
import type { QueueFullPolicy } from './peer-link';

/**
 * Options of {@link createLibp2pTransport}. Only `nodeId` and `memberSecretKey` are required; every
 * option is validated before anything starts.
 *
 * @example
 * ```ts
 * const options: Libp2pTransportOptions = {
 *   nodeId,
 *   memberSecretKey: keys.secretKey,
 *   listen: ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
 *   announce: ['/dns4/node1.example.org/tcp/4001'],
 *   bootstrap: ['/dns4/seed.example.org/tcp/4001/p2p/16Uiu2HAm…'],
 *   families: ['blocks'],
 *   directory: (id) => members.get(id),
 *   onError: (error) => log.warn(error.code, error.details),
 * };
 * ```
 */
export interface Libp2pTransportOptions {
  /** This node's id: the `localId` of the transport and the sender id peers see. */
  readonly nodeId: GuidV4;
  /**
   * The member's 32-byte secp256k1 secret (`generateMemberKeyPair().secretKey`). It is the libp2p
   * private key, so the node's PeerId is the member public key.
   */
  readonly memberSecretKey: Uint8Array;
  /**
   * Multiaddrs to listen on: TCP (`/ip4/0.0.0.0/tcp/4001`) and WebSocket (`/ip4/0.0.0.0/tcp/4002/ws`).
   * Port 0 picks a free port. Default `['/ip4/127.0.0.1/tcp/0']` (loopback only).
   */
  readonly listen?: readonly string[];
  /**
   * Multiaddrs to advertise to peers instead of the listen addresses, e.g. the public address of a host
   * behind NAT or in a container (`/dns4/node1.example.org/tcp/4001`). Default: the listen addresses.
   */
  readonly announce?: readonly string[];
  /**
   * Peers to connect to at start and reconnect to while disconnected, each ending in `/p2p/<peer id>`
   * (see `peerIdForMemberKey`). Other nodes are then learnt by peer exchange.
   */
  readonly bootstrap?: readonly string[];
  /**
   * Extra message families, each a protocol `/brightchain/<family>/1.0.0` with its own stream per peer
   * (so bulk traffic cannot hold up control messages). Use them through `channel(family)`. The default
   * family, used by `send`/`onMessage`, is `'envelope'`. Names: 1–32 of `a-z 0-9 -`, starting with a
   * letter or digit.
   */
  readonly families?: readonly string[];
  /**
   * The member key each node must present: return the public key for a GuidV4 you know, or undefined.
   * Known nodes must match it; unknown nodes are refused unless `acceptUnknownNodes` is true. Consulted
   * on every new binding and every send, so it may change at run time (members added or removed).
   */
  readonly directory?: NodeKeyLookup;
  /**
   * Whether a node the directory does not know (or any node, without a directory) is accepted on first
   * use. Default: true without a directory, false with one.
   */
  readonly acceptUnknownNodes?: boolean;
  /** Largest message in bytes, enforced on send and on receipt. Default 4 MiB. */
  readonly maxMessageBytes?: number;
  /** Most messages queued per peer and family before `whenQueueFull` applies. Default 1024. */
  readonly maxQueuedMessagesPerPeer?: number;
  /**
   * What a send does when its peer's queue is full: `'wait'` (default) for room, up to `sendTimeoutMs`,
   * or `'reject'` at once with `BC_LIBP2P_QUEUE_FULL`.
   */
  readonly whenQueueFull?: QueueFullPolicy;
  /** Bound on dialling a peer and opening a stream to it. Default 5000 ms. */
  readonly dialTimeoutMs?: number;
  /** Bound on the time from `send` to the message being written to the stream. Default 10000 ms. */
  readonly sendTimeoutMs?: number;
  /** Period of peer exchange with connected nodes and of bootstrap reconnection; 0 disables. Default 30000 ms. */
  readonly peerExchangeIntervalMs?: number;
  /** Most remote nodes remembered. Default 10000. */
  readonly maxKnownNodes?: number;
  /**
   * Receives every error the transport handles without throwing to a caller: refused or malformed
   * inbound streams and announcements, oversized inbound frames, handler exceptions, failed background
   * exchanges. The transport keeps serving. Default: ignore. An exception thrown here is ignored.
   */
  readonly onError?: (error: BrightChainError) => void;
}

/** The default message family. */
export const DEFAULT_FAMILY = 'envelope';
/** Protocol of the peer exchange; its family name is reserved. */
export const PEER_EXCHANGE_PROTOCOL = '/brightchain/peer-exchange/1.0.0';

const FAMILY_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
const RESERVED_FAMILIES = new Set(['peer-exchange']);

/** The protocol id of a message family. */
export function familyProtocol(family: string): string {
  return `/brightchain/${family}/1.0.0`;
}

/** Options after defaults and validation. Internal. */
export interface ResolvedOptions {
  readonly nodeId: GuidV4;
  readonly memberSecretKey: Uint8Array;
  readonly listen: readonly Multiaddr[];
  readonly announce: readonly Multiaddr[];
  readonly bootstrap: readonly Multiaddr[];
  readonly families: readonly string[];
  readonly directory: NodeKeyLookup | undefined;
  readonly acceptUnknownNodes: boolean;
  readonly maxMessageBytes: number;
  readonly maxQueuedMessagesPerPeer: number;
  readonly whenQueueFull: QueueFullPolicy;
  readonly dialTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly peerExchangeIntervalMs: number;
  readonly maxKnownNodes: number;
  readonly onError: (error: BrightChainError) => void;
}

function invalidArgument(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, message, { details });
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < (allowZero ? 0 : 1)) {
    throw invalidArgument(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`, {
      option: name,
      value: String(resolved),
    });
  }
  return resolved;
}

/**
 * Parses a multiaddr string.
 *
 * @throws BrightChainError `BC_LIBP2P_ADDRESS_INVALID` (details: `address`, `reason`)
 */
export function parseAddress(address: unknown, needs: { tcp?: boolean; peerId?: boolean } = {}): Multiaddr {
  const shown = typeof address === 'string' ? address.slice(0, 256) : typeof address;
  let parsed: Multiaddr;
  try {
    if (typeof address !== 'string') throw new TypeError('a multiaddr must be a string');
    parsed = multiaddr(address);
  } catch (error) {
    throw new BrightChainError(Libp2pTransportErrorCode.ADDRESS_INVALID, 'malformed multiaddr', {
      details: { address: shown, reason: 'malformed' },
      cause: error,
    });
  }
  const names = parsed.getComponents().map((component) => component.name);
  if (needs.tcp === true && !names.includes('tcp')) {
    throw new BrightChainError(
      Libp2pTransportErrorCode.ADDRESS_INVALID,
      'listen addresses must be TCP (/tcp/<port>) or WebSocket (/tcp/<port>/ws)',
      { details: { address: shown, reason: 'not-tcp' } },
    );
  }
  if (needs.peerId === true && !names.includes('p2p')) {
    throw new BrightChainError(
      Libp2pTransportErrorCode.ADDRESS_INVALID,
      'the address must end in /p2p/<peer id>',
      {
        details: { address: shown, reason: 'no-peer-id' },
      },
    );
  }
  return parsed;
}

function addressList(
  name: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
  needs: { tcp?: boolean; peerId?: boolean },
): Multiaddr[] {
  const list = value ?? fallback;
  if (!Array.isArray(list))
    throw invalidArgument(`${name} must be an array of multiaddr strings`, { option: name });
  return list.map((address) => parseAddress(address, needs));
}

/**
 * Applies defaults and validates every option. Throws before anything is started.
 *
 * @throws BrightChainError `BC_GUID_INVALID`, `BC_LIBP2P_ADDRESS_INVALID`, `BC_INVALID_ARGUMENT`
 */
export function resolveOptions(options: Libp2pTransportOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options must be an object', {});
  const nodeId = parseGuidV4(options.nodeId);
  if (!(options.memberSecretKey instanceof Uint8Array)) {
    throw new BrightChainError(CoreErrorCode.KEY_INVALID, 'memberSecretKey must be a 32-byte Uint8Array', {
      details: { type: typeof options.memberSecretKey },
    });
  }
  const families = [DEFAULT_FAMILY, ...(options.families ?? [])];
  for (const family of families) {
    if (typeof family !== 'string' || !FAMILY_PATTERN.test(family) || RESERVED_FAMILIES.has(family)) {
      throw invalidArgument('a family name must be 1–32 characters of a-z, 0-9 and -, and not reserved', {
        option: 'families',
        family: String(family).slice(0, 64),
      });
    }
  }
  if (options.directory !== undefined && typeof options.directory !== 'function') {
    throw invalidArgument('directory must be a function (nodeId) => publicKey | undefined', {
      option: 'directory',
    });
  }
  if (options.acceptUnknownNodes !== undefined && typeof options.acceptUnknownNodes !== 'boolean') {
    throw invalidArgument('acceptUnknownNodes must be a boolean', { option: 'acceptUnknownNodes' });
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw invalidArgument('onError must be a function', { option: 'onError' });
  }
  const whenQueueFull = options.whenQueueFull ?? 'wait';
  if (whenQueueFull !== 'wait' && whenQueueFull !== 'reject') {
    throw invalidArgument("whenQueueFull must be 'wait' or 'reject'", {
      option: 'whenQueueFull',
      value: String(whenQueueFull),
    });
  }
  return {
    nodeId,
    memberSecretKey: options.memberSecretKey,
    listen: addressList('listen', options.listen, ['/ip4/127.0.0.1/tcp/0'], { tcp: true }),
    announce: addressList('announce', options.announce, [], {}),
    bootstrap: addressList('bootstrap', options.bootstrap, [], { peerId: true }),
    families: [...new Set(families)],
    directory: options.directory,
    acceptUnknownNodes: options.acceptUnknownNodes ?? options.directory === undefined,
    maxMessageBytes: positiveInteger('maxMessageBytes', options.maxMessageBytes, 4 * 1024 * 1024),
    maxQueuedMessagesPerPeer: positiveInteger(
      'maxQueuedMessagesPerPeer',
      options.maxQueuedMessagesPerPeer,
      1024,
    ),
    whenQueueFull,
    dialTimeoutMs: positiveInteger('dialTimeoutMs', options.dialTimeoutMs, 5000),
    sendTimeoutMs: positiveInteger('sendTimeoutMs', options.sendTimeoutMs, 10_000),
    peerExchangeIntervalMs: positiveInteger(
      'peerExchangeIntervalMs',
      options.peerExchangeIntervalMs,
      30_000,
      true,
    ),
    maxKnownNodes: positiveInteger('maxKnownNodes', options.maxKnownNodes, 10_000),
    onError: options.onError ?? (() => {}),
  };
}
