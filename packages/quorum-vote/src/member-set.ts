/**
 * The member set of one epoch. Epoch 0 is the genesis set every node is configured with; each
 * approved MEMBER_ADDITION or MEMBER_REMOVAL produces the next epoch. Members are kept sorted by
 * id, and a member's 1-based position is its share index for documents shared in that epoch.
 */
import {
  BrightChainError,
  type CanonicalValue,
  type GuidV4,
  type Member,
  domainHash,
  encodeCanonical,
  isGuidV4,
} from '@brightchain/core';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  MAX_TEXT_BYTES,
  guidBytes,
  readBytes,
  readGuid,
  readInt,
  readList,
  readText,
  readTuple,
} from './canonical-fields';
import { QuorumErrorCode } from './error-codes';

const MEMBER_SET_DOMAIN = 'brightchain/quorum/member-set/v1';

/** Most members a set may hold. */
export const MAX_MEMBERS = 100_000;

function configError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(QuorumErrorCode.CONFIG_INVALID, message, { details });
}

function normaliseMember(member: Member): Member {
  if (typeof member !== 'object' || member === null || !isGuidV4(member.id)) {
    throw configError('member id must be a canonical GuidV4');
  }
  if (!(member.publicKey instanceof Uint8Array) || !secp256k1.utils.isValidPublicKey(member.publicKey)) {
    throw configError('member public key must be a valid secp256k1 point', { member: member.id });
  }
  const publicKey = secp256k1.Point.fromBytes(member.publicKey).toBytes(true);
  if (member.name !== undefined) {
    if (typeof member.name !== 'string' || Buffer.byteLength(member.name) > MAX_TEXT_BYTES) {
      throw configError('member name must be a short string', { member: member.id });
    }
    return { id: member.id, publicKey, name: member.name };
  }
  return { id: member.id, publicKey };
}

/**
 * An immutable member set with its epoch.
 *
 * @example
 * ```ts
 * const set = MemberSet.create(0, [alice, bob, carol]);
 * const next = set.withMember(dave); // epoch 1
 * next.indexOf(dave.id);             // dave's 1-based share index
 * ```
 */
export class MemberSet {
  /** The epoch number (0 for genesis). */
  readonly epoch: number;
  /** Members sorted by id. */
  readonly members: readonly Member[];
  /** Domain-separated SHA3-256 of the canonical (epoch, members) encoding. */
  readonly hash: Uint8Array;
  private readonly positions: ReadonlyMap<GuidV4, number>;

  private constructor(epoch: number, members: readonly Member[]) {
    this.epoch = epoch;
    this.members = members;
    this.positions = new Map(members.map((member, i) => [member.id, i]));
    this.hash = domainHash(MEMBER_SET_DOMAIN, encodeCanonical(this.toCanonical()));
  }

  /**
   * A member set at `epoch`. Public keys are normalised to 33-byte compressed form.
   *
   * @throws BrightChainError `BC_QUORUM_CONFIG_INVALID` for an empty set, duplicate ids, bad keys
   * or a bad epoch
   * @example
   * ```ts
   * const genesis = MemberSet.create(0, members);
   * ```
   */
  static create(epoch: number, members: readonly Member[]): MemberSet {
    if (!Number.isSafeInteger(epoch) || epoch < 0)
      throw configError('epoch must be a non-negative integer', { epoch });
    if (!Array.isArray(members) || members.length === 0 || members.length > MAX_MEMBERS) {
      throw configError(`a member set needs 1..${MAX_MEMBERS} members`);
    }
    const normalised = members.map(normaliseMember).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 1; i < normalised.length; i++) {
      if ((normalised[i] as Member).id === (normalised[i - 1] as Member).id) {
        throw configError('duplicate member id', { member: (normalised[i] as Member).id });
      }
    }
    return new MemberSet(epoch, normalised);
  }

  /** Number of members. */
  get size(): number {
    return this.members.length;
  }

  /** True when `id` is a member. */
  has(id: GuidV4): boolean {
    return this.positions.has(id);
  }

  /** The member with `id`, if any. */
  get(id: GuidV4): Member | undefined {
    const position = this.positions.get(id);
    return position === undefined ? undefined : this.members[position];
  }

  /** The 1-based share index of `id` in this epoch, or 0 when not a member. */
  indexOf(id: GuidV4): number {
    const position = this.positions.get(id);
    return position === undefined ? 0 : position + 1;
  }

  /** Member ids in index order. */
  ids(): GuidV4[] {
    return this.members.map((member) => member.id);
  }

  /**
   * The next epoch's set with `member` added.
   * @throws BrightChainError `BC_QUORUM_CONFIG_INVALID` if already a member
   */
  withMember(member: Member): MemberSet {
    if (this.has(member.id)) throw configError('already a member', { member: member.id });
    const added = normaliseMember(member);
    // Existing members are already normalised and sorted: insert without re-validating them.
    const members = [...this.members];
    let at = members.length;
    while (at > 0 && (members[at - 1] as Member).id > added.id) at--;
    members.splice(at, 0, added);
    return new MemberSet(this.epoch + 1, members);
  }

  /**
   * The next epoch's set without `id`.
   * @throws BrightChainError `BC_QUORUM_CONFIG_INVALID` if not a member or the last member
   */
  withoutMember(id: GuidV4): MemberSet {
    if (!this.has(id)) throw configError('not a member', { member: id });
    if (this.size === 1) throw configError('cannot remove the last member', { member: id });
    return new MemberSet(
      this.epoch + 1,
      this.members.filter((member) => member.id !== id),
    );
  }

  /** Canonical form `[epoch, [[id, publicKey, name|null], …]]`. */
  toCanonical(): CanonicalValue {
    return [
      this.epoch,
      this.members.map((member) => [guidBytes(member.id), member.publicKey, member.name ?? null]),
    ];
  }

  /**
   * Parses {@link MemberSet.toCanonical} output.
   * @throws BrightChainError `BC_QUORUM_MESSAGE_INVALID` / `BC_QUORUM_CONFIG_INVALID`
   */
  static fromCanonical(value: CanonicalValue | undefined, field = 'memberSet'): MemberSet {
    const [epoch, list] = readTuple(value, 2, field);
    const members = readList(list, `${field}.members`, MAX_MEMBERS).map((item, i) => {
      const [id, publicKey, name] = readTuple(item, 3, `${field}.members[${i}]`);
      const member: Member = {
        id: readGuid(id, `${field}.members[${i}].id`),
        publicKey: readBytes(publicKey, `${field}.members[${i}].publicKey`, 33),
        ...(name === null ? {} : { name: readText(name, `${field}.members[${i}].name`) }),
      };
      return member;
    });
    return MemberSet.create(readInt(epoch, `${field}.epoch`), members);
  }
}
