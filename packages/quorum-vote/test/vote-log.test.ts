import { BrightChainError, MemoryDisk, MemoryStore, SeededRandom } from '@brightchain/core';
import {
  GENESIS_PREVIOUS_HASH,
  QuorumErrorCode,
  QuorumGovernor,
  VOTE_LOG_NAME,
  type VoteLogBody,
  type VoteLogEntry,
  appendVoteLog,
  decodeVoteLogEntry,
  encodeVoteLogEntry,
  readVoteLog,
  verifyVoteLogChain,
  verifyVoteRecord,
} from '@brightchain/quorum-vote';
import { GovernorHarness, type TestMember, makeMembers } from './support/governor-harness';

const people = makeMembers(6, 'log');
const five = people.slice(0, 5) as TestMember[];
const MINUTE = 60_000;

/** A network where A's log holds an APPROVED, a REJECTED, a deadline-EXPIRED and an epoch-EXPIRED vote. */
function history() {
  const net = new GovernorHarness(five);
  const g = net.governor(0);
  const run = (voteId: string, decisions: (boolean | null)[]) => {
    decisions.forEach((decision, i) => {
      if (decision !== null) net.governor(i).castVote(voteId as never, decision);
    });
    net.pumpAll();
    net.deliverAll();
  };
  const rejected = g.propose({
    type: 'MEMBER_REMOVAL',
    memberId: five[1]!.id,
    justification: 'no',
    deadline: net.now + MINUTE,
  });
  net.pumpAll();
  net.deliverAll();
  run(rejected.voteId, [true, false, false, null, null]);
  const expired = g.propose({
    type: 'MEMBER_REMOVAL',
    memberId: five[2]!.id,
    justification: 'slow',
    deadline: net.now + MINUTE,
  });
  net.pumpAll();
  net.deliverAll();
  run(expired.voteId, [true, null, null, null, null]);
  net.tickAll(net.now + MINUTE);
  const superseded = g.propose({
    type: 'MEMBER_REMOVAL',
    memberId: five[3]!.id,
    justification: '',
    deadline: net.now + MINUTE,
  });
  const approved = g.propose({
    type: 'MEMBER_ADDITION',
    member: people[5]!.member,
    justification: 'yes',
    deadline: net.now + MINUTE,
  });
  net.pumpAll();
  net.deliverAll();
  run(superseded.voteId, [true, true, null, null, null]);
  run(approved.voteId, [true, true, true, true, null]);
  const node = net.node(five[0]!.id);
  return { net, node, entries: readVoteLog(node.store), ids: { rejected, expired, superseded, approved } };
}

function rechain(bodies: readonly VoteLogBody[]): VoteLogEntry[] {
  const out: VoteLogEntry[] = [];
  let previous = GENESIS_PREVIOUS_HASH;
  bodies.forEach((body, i) => {
    const entry = encodeVoteLogEntry(i, previous, body);
    out.push(entry);
    previous = entry.hash;
  });
  return out;
}

function expectCode(run: () => unknown, code: string): BrightChainError {
  try {
    run();
  } catch (error) {
    expect(BrightChainError.isInstance(error)).toBe(true);
    expect((error as BrightChainError).code).toBe(code);
    return error as BrightChainError;
  }
  throw new Error(`expected ${code}`);
}

describe('vote log', () => {
  const { entries, ids, node } = history();

  it('is a hash chain starting at the genesis, readable and decodable back to the same entries', () => {
    expect(entries[0]!.body.kind).toBe('genesis');
    verifyVoteLogChain(entries);
    for (const entry of entries) {
      expect(decodeVoteLogEntry(entry.bytes).hash).toEqual(entry.hash);
    }
    expect(entries.length).toBe(node.governor.logLength);
    expect(entries.at(-1)!.hash).toEqual(node.governor.logHead);
  });

  it('anyone can verify every closed vote from the log alone', () => {
    const reports = verifyVoteRecord(entries, { genesisHash: entries[0]!.hash });
    const byId = new Map(reports.map((r) => [r.voteId, r]));
    expect(byId.get(ids.rejected.voteId)).toMatchObject({
      status: 'REJECTED',
      reason: 'impossible',
      approvals: 1,
      rejections: 2,
    });
    expect(byId.get(ids.expired.voteId)).toMatchObject({
      status: 'EXPIRED',
      reason: 'deadline',
      approvals: 1,
    });
    expect(byId.get(ids.superseded.voteId)).toMatchObject({ status: 'EXPIRED', reason: 'epoch-changed' });
    expect(byId.get(ids.approved.voteId)).toMatchObject({
      status: 'APPROVED',
      reason: 'threshold',
      approvals: 4,
      threshold: 4,
      electorate: 5,
    });
    expect(verifyVoteRecord(entries, { voteId: ids.approved.voteId })).toHaveLength(1);
  });

  describe('tampering is detected', () => {
    const bodies = entries.map((e) => e.body);
    const voteIndex = bodies.findIndex((b) => b.kind === 'vote' && b.vote.voteId === ids.approved.voteId);
    const vote = bodies[voteIndex] as Extract<VoteLogBody, { kind: 'vote' }>;

    it('editing an entry in place breaks the chain', () => {
      const edited = encodeVoteLogEntry(voteIndex, entries[voteIndex]!.previousHash, {
        kind: 'vote',
        vote: { ...vote.vote, decision: !vote.vote.decision },
      });
      const copy = [...entries];
      copy[voteIndex] = edited;
      const error = expectCode(() => verifyVoteLogChain(copy), QuorumErrorCode.LOG_CORRUPT);
      expect(error.details.sequence).toBe(voteIndex + 1);
    });

    it('flipping any byte of an entry is caught (decode failure or hash mismatch)', () => {
      const target = entries[voteIndex]!;
      for (let i = 0; i < target.bytes.length; i++) {
        const bytes = Uint8Array.from(target.bytes);
        bytes[i] = (bytes[i] as number) ^ 0x01;
        let decoded: VoteLogEntry;
        try {
          decoded = decodeVoteLogEntry(bytes);
        } catch (error) {
          expect(BrightChainError.isInstance(error)).toBe(true);
          continue;
        }
        const copy = [...entries];
        copy[voteIndex] = decoded;
        expect(() => {
          verifyVoteLogChain(copy);
          verifyVoteRecord(copy);
        }).toThrow(BrightChainError);
      }
    });

    it('a rewritten history with a forged vote signature fails the record check', () => {
      const forged = [...bodies];
      const signature = Uint8Array.from(vote.vote.signature);
      signature[5] = (signature[5] as number) ^ 1;
      forged[voteIndex] = { kind: 'vote', vote: { ...vote.vote, signature: signature as never } };
      const error = expectCode(() => verifyVoteRecord(rechain(forged)), QuorumErrorCode.RECORD_INVALID);
      expect(error.details).toMatchObject({ sequence: voteIndex, voteId: ids.approved.voteId });
    });

    it('a rewritten history without one of the approving votes fails the record check', () => {
      const dropped = bodies.filter((_, i) => i !== voteIndex);
      expectCode(() => verifyVoteRecord(rechain(dropped)), QuorumErrorCode.RECORD_INVALID);
    });

    it('a rewritten history with a different outcome or an unjustified epoch fails', () => {
      const outcomeIndex = bodies.findIndex((b) => b.kind === 'outcome' && b.voteId === ids.rejected.voteId);
      const changed = [...bodies];
      changed[outcomeIndex] = {
        ...(bodies[outcomeIndex] as Extract<VoteLogBody, { kind: 'outcome' }>),
        status: 'APPROVED',
        reason: 'threshold',
      };
      expectCode(() => verifyVoteRecord(rechain(changed)), QuorumErrorCode.RECORD_INVALID);
      const epochIndex = bodies.findIndex((b) => b.kind === 'epoch');
      const epoch = bodies[epochIndex] as Extract<VoteLogBody, { kind: 'epoch' }>;
      const unjustified = [...bodies];
      unjustified[epochIndex] = { ...epoch, cause: ids.rejected.voteId };
      expectCode(() => verifyVoteRecord(rechain(unjustified)), QuorumErrorCode.RECORD_INVALID);
    });

    it('a log from another genesis is refused when the genesis hash is pinned', () => {
      expect(verifyVoteRecord(entries, { genesisHash: entries[0]!.hash }).length).toBeGreaterThan(0);
      expectCode(
        () => verifyVoteRecord(entries, { genesisHash: new Uint8Array(32) }),
        QuorumErrorCode.RECORD_INVALID,
      );
    });

    it('asking for a vote that is not closed is an error', () => {
      expectCode(
        () => verifyVoteRecord(entries.slice(0, 2), { voteId: ids.rejected.voteId }),
        QuorumErrorCode.RECORD_INVALID,
      );
    });
  });

  describe('crash recovery', () => {
    const raw = node.disk.logBytes(VOTE_LOG_NAME);
    // Frame boundaries: u32 length ‖ u32 crc ‖ record.
    const ends: number[] = [];
    for (let offset = 0; offset < raw.length; ) {
      const length = new DataView(raw.buffer, raw.byteOffset + offset).getUint32(0);
      offset += 8 + length;
      ends.push(offset);
    }

    it('cutting the raw log at every byte keeps every complete entry and drops only the torn tail', () => {
      expect(ends.length).toBe(entries.length);
      expect(raw.length).toBeGreaterThan(4000);
      const disk = new MemoryDisk();
      const snapshots = new Map<number, unknown>();
      for (let cut = 0; cut <= raw.length; cut++) {
        disk.setLogBytes(VOTE_LOG_NAME, raw.subarray(0, cut));
        const store = new MemoryStore({ disk });
        const complete = ends.filter((end) => end <= cut).length;
        // The store keeps exactly the complete frames, byte for byte.
        const records = [...store.readLog(VOTE_LOG_NAME)].map((r) => r.record);
        const intact = records.every((record, i) => Buffer.from(record).equals(entries[i]!.bytes));
        if (records.length !== complete || !intact)
          throw new Error(`cut at ${cut}: kept ${records.length}/${complete} frames`);
        if (complete > 0 && !snapshots.has(complete)) {
          // Decoding, chain check and restore once per distinct surviving prefix.
          const recovered = readVoteLog(store);
          for (const [i, entry] of recovered.entries()) expect(entry.hash).toEqual(entries[i]!.hash);
          const restored = QuorumGovernor.restore(
            {
              self: { id: five[0]!.id, secretKey: five[0]!.keys.secretKey },
              random: new SeededRandom(1),
              now: 0,
            },
            recovered,
          );
          // A batch cut in the middle (an outcome without its epoch change) is finished on restore.
          const redo = restored.ready().persist;
          expect(restored.logLength).toBe(complete + redo.length);
          for (const [i, entry] of redo.entries()) expect(entry.sequence).toBe(complete + i);
          snapshots.set(complete, restored.snapshot());
        }
        store.close();
      }
      expect(snapshots.size).toBe(entries.length);
    });

    it('a crash mid-write of an unacknowledged batch loses only that batch', () => {
      const net = new GovernorHarness(five.slice(0, 3));
      const target = net.node(five[0]!.id);
      const vote = target.governor.propose({
        type: 'MEMBER_REMOVAL',
        memberId: five[2]!.id,
        justification: '',
        deadline: net.now + MINUTE,
      });
      net.pump(target); // acknowledged: genesis + proposal are flushed
      const acknowledged = readVoteLog(target.store).map((e) => e.hash);
      target.governor.castVote(vote.voteId, true);
      const batch = target.governor.ready();
      const frameBytes = 8 + batch.persist[0]!.bytes.length;
      for (let torn = 0; torn <= frameBytes; torn += Math.max(1, Math.floor(frameBytes / 40))) {
        const disk = new MemoryDisk();
        disk.setLogBytes(VOTE_LOG_NAME, target.disk.logBytes(VOTE_LOG_NAME));
        const store = new MemoryStore({ disk });
        for (const entry of batch.persist) store.append(VOTE_LOG_NAME, entry.bytes); // not flushed: not acknowledged
        disk.crash({ tornBytes: torn });
        const recovered = readVoteLog(new MemoryStore({ disk }));
        expect(recovered.map((e) => e.hash)).toEqual(acknowledged);
      }
    });

    it('damage before the tail is reported, not silently truncated', () => {
      const damaged = Uint8Array.from(raw);
      const at = (ends[1] as number) + 12;
      damaged[at] = (damaged[at] as number) ^ 0xff;
      const disk = new MemoryDisk();
      disk.setLogBytes(VOTE_LOG_NAME, damaged);
      expect(() => new MemoryStore({ disk })).toThrow(expect.objectContaining({ code: 'BC_STORE_CORRUPT' }));
    });

    it('appendVoteLog refuses a store that is out of step with the governor', () => {
      const store = new MemoryStore();
      expectCode(() => appendVoteLog(store, entries.slice(1, 2)), QuorumErrorCode.LOG_CORRUPT);
      expect(store.logLength(VOTE_LOG_NAME)).toBe(0);
    });
  });
});
