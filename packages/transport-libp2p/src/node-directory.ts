/**
 * The node directory: which member key (hence which PeerId) each node GuidV4 runs under.
 *
 * Bindings are one-to-one — a GuidV4 has one key and a key serves one GuidV4 — and come only from
 * verified announcements (see `node-announcement.ts`). Whether an announcement is accepted:
 *
 * 1. With a caller-supplied lookup that knows the GuidV4, the announced key must be the one it returns
 *    (`directory-mismatch` otherwise). Such a binding is authoritative and replaces any conflicting one.
 * 2. A GuidV4 the lookup does not know (or any GuidV4, without a lookup) is refused when
 *    `acceptUnknownNodes` is false (`not-in-directory`); otherwise it is trusted on first use: the first
 *    key seen for a GuidV4 keeps it (`node-bound-to-other-key` for any later key) and a key keeps its
 *    first GuidV4 (`key-bound-to-other-node`).
 * 3. The local node's own GuidV4 and key are bound from the start, so no peer can claim them.
 *
 * Trust on first use means a GuidV4 nobody has seen yet can be squatted; a directory (for example the
 * member list agreed by quorum votes) closes that gap.
 */
import { BrightChainError, type GuidV4, parsePublicKey } from '@brightchain/core';
import { Libp2pTransportErrorCode } from './error-codes';
import type { NodeAnnouncement } from './node-announcement';

/**
 * Returns the member public key node `nodeId` must present, or undefined if the caller does not know
 * the node. It may throw or return a malformed key; either refuses the node (`directory-failed`).
 *
 * @example
 * ```ts
 * const members = new Map<GuidV4, Uint8Array>([[aliceNodeId, alicePublicKey]]);
 * const directory: NodeKeyLookup = (nodeId) => members.get(nodeId);
 * ```
 */
export type NodeKeyLookup = (nodeId: GuidV4) => Uint8Array | undefined;

/** Why an announcement was refused (`details.reason` of `BC_LIBP2P_IDENTITY_REJECTED`). */
export type IdentityRejection =
  | 'directory-mismatch'
  | 'not-in-directory'
  | 'node-bound-to-other-key'
  | 'key-bound-to-other-node'
  | 'directory-failed';

/** Internal options of {@link NodeDirectory}. */
export interface NodeDirectoryOptions {
  readonly local: NodeAnnouncement;
  readonly lookup: NodeKeyLookup | undefined;
  readonly acceptUnknownNodes: boolean;
  readonly maxNodes: number;
}

/** A directory verdict from the lookup: the expected key (compressed), unknown, or the lookup failed (threw or returned a bad key). */
type LookupResult =
  | { kind: 'known'; key: Uint8Array }
  | { kind: 'unknown' }
  | { kind: 'failed'; error: unknown };

/** The bindings of one transport. Internal. */
export class NodeDirectory {
  private readonly byNode = new Map<GuidV4, NodeAnnouncement>();
  private readonly byPeer = new Map<string, NodeAnnouncement>();

  constructor(private readonly options: NodeDirectoryOptions) {
    this.byNode.set(options.local.nodeId, options.local);
    this.byPeer.set(options.local.peerId, options.local);
  }

  /** Number of bound remote nodes. */
  get size(): number {
    return this.byNode.size - 1;
  }

  /**
   * Records a verified announcement if the policy accepts it, and returns the binding now in force.
   * A refused announcement changes nothing.
   *
   * @throws BrightChainError `BC_LIBP2P_IDENTITY_REJECTED` (details: `reason`, `nodeId`, `peerId`),
   * `BC_LIBP2P_DIRECTORY_FULL`
   */
  accept(announcement: NodeAnnouncement): NodeAnnouncement {
    const { nodeId, peerId } = announcement;
    const local = this.options.local;
    if (nodeId === local.nodeId || peerId === local.peerId) {
      if (nodeId === local.nodeId && peerId === local.peerId) return local;
      throw this.rejected(
        nodeId === local.nodeId ? 'node-bound-to-other-key' : 'key-bound-to-other-node',
        announcement,
      );
    }
    const verdict = this.lookup(nodeId);
    if (verdict.kind === 'failed') throw this.rejected('directory-failed', announcement, verdict.error);
    if (verdict.kind === 'known' && Buffer.compare(verdict.key, announcement.publicKey) !== 0) {
      throw this.rejected('directory-mismatch', announcement);
    }
    if (verdict.kind === 'unknown' && !this.options.acceptUnknownNodes) {
      throw this.rejected('not-in-directory', announcement);
    }
    const authoritative = verdict.kind === 'known';
    const sameNode = this.byNode.get(nodeId);
    const samePeer = this.byPeer.get(peerId);
    if (sameNode !== undefined && sameNode === samePeer) {
      // Same binding again: keep the newest signed bytes for relaying.
      this.set(announcement);
      return announcement;
    }
    if (!authoritative) {
      if (sameNode !== undefined) throw this.rejected('node-bound-to-other-key', announcement);
      if (samePeer !== undefined) throw this.rejected('key-bound-to-other-node', announcement);
    }
    const replacing = (sameNode === undefined ? 0 : 1) + (samePeer === undefined ? 0 : 1);
    if (replacing === 0 && this.size >= this.options.maxNodes) {
      throw new BrightChainError(Libp2pTransportErrorCode.DIRECTORY_FULL, 'the node directory is full', {
        details: { maxNodes: this.options.maxNodes, nodeId, peerId },
      });
    }
    if (sameNode !== undefined) this.delete(sameNode);
    if (samePeer !== undefined) this.delete(samePeer);
    this.set(announcement);
    return announcement;
  }

  /**
   * The binding of `nodeId` if it is still acceptable (a lookup that now disagrees, or forgets the node
   * while unknown nodes are refused, removes it).
   */
  byNodeId(nodeId: GuidV4): NodeAnnouncement | undefined {
    const binding = this.byNode.get(nodeId);
    if (binding === undefined || binding === this.options.local) return binding;
    return this.stillAccepted(binding) ? binding : undefined;
  }

  /** The binding of a PeerId string, with the same re-check as {@link byNodeId}. */
  byPeerId(peerId: string): NodeAnnouncement | undefined {
    const binding = this.byPeer.get(peerId);
    if (binding === undefined || binding === this.options.local) return binding;
    return this.stillAccepted(binding) ? binding : undefined;
  }

  /** Every remote binding, in the order they were recorded. */
  remote(): NodeAnnouncement[] {
    return [...this.byNode.values()].filter((binding) => binding !== this.options.local);
  }

  private stillAccepted(binding: NodeAnnouncement): boolean {
    const verdict = this.lookup(binding.nodeId);
    const ok =
      verdict.kind === 'known'
        ? Buffer.compare(verdict.key, binding.publicKey) === 0
        : verdict.kind === 'unknown' && this.options.acceptUnknownNodes;
    if (!ok) this.delete(binding);
    return ok;
  }

  private lookup(nodeId: GuidV4): LookupResult {
    const lookup = this.options.lookup;
    if (lookup === undefined) return { kind: 'unknown' };
    try {
      const key = lookup(nodeId);
      if (key === undefined) return { kind: 'unknown' };
      return { kind: 'known', key: parsePublicKey(key) };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  private set(binding: NodeAnnouncement): void {
    this.byNode.set(binding.nodeId, binding);
    this.byPeer.set(binding.peerId, binding);
  }

  private delete(binding: NodeAnnouncement): void {
    if (this.byNode.get(binding.nodeId) === binding) this.byNode.delete(binding.nodeId);
    if (this.byPeer.get(binding.peerId) === binding) this.byPeer.delete(binding.peerId);
  }

  private rejected(
    reason: IdentityRejection,
    announcement: NodeAnnouncement,
    cause?: unknown,
  ): BrightChainError {
    const details = { reason, nodeId: announcement.nodeId, peerId: announcement.peerId };
    return new BrightChainError(
      Libp2pTransportErrorCode.IDENTITY_REJECTED,
      `node announcement refused: ${reason}`,
      cause === undefined ? { details } : { details, cause },
    );
  }
}
