import { BrightChainError, SeededRandom, utf8Bytes } from '@brightchain/core';
import {
  type GovernorMessage,
  QuorumErrorCode,
  decodeGovernorMessage,
  encodeGovernorMessage,
} from '@brightchain/quorum-vote';
import fc from 'fast-check';
import { GovernorHarness, makeMembers } from './support/governor-harness';

/** One real message of every kind, captured from a small network. */
function captureMessages(): GovernorMessage[] {
  const people = makeMembers(5, 'wire');
  const net = new GovernorHarness(people.slice(0, 4));
  const captured = new Map<string, GovernorMessage>();
  net.tamper = (_from, _to, message) => {
    const key =
      message.kind === 'deal' ? `deal-${message.context === null ? 'plain' : 'context'}` : message.kind;
    if (!captured.has(key)) captured.set(key, message);
    return message;
  };
  const g = net.governor(0);
  const { documentId } = g.sealDocument({ plaintext: utf8Bytes('wire') });
  const vote = g.propose({
    type: 'MEMBER_ADDITION',
    member: people[4]!.member,
    justification: 'x',
    deadline: net.now + 60_000,
  });
  net.pumpAll();
  net.deliverAll();
  for (let i = 0; i < 4; i++) net.governor(i).castVote(vote.voteId, true);
  net.pumpAll();
  net.deliverAll();
  const r = g.propose({
    type: 'DOCUMENT_RECONSTRUCTION',
    documentId,
    justification: 'x',
    deadline: net.now + 60_000,
  });
  net.pumpAll();
  net.deliverAll();
  for (let i = 0; i < 4; i++) net.governor(i).castVote(r.voteId, true);
  net.pumpAll();
  net.deliverAll();
  return [...captured.values()];
}

const messages = captureMessages();

describe('governor wire messages', () => {
  it('captured every kind', () => {
    expect(messages.map((m) => m.kind).sort()).toEqual([
      'deal',
      'deal',
      'document',
      'proposal',
      'release',
      'vote',
    ]);
  });

  it.each(messages.map((m) => [m.kind, m] as const))('%s round-trips byte for byte', (_kind, message) => {
    const bytes = encodeGovernorMessage(message);
    const decoded = decodeGovernorMessage(bytes);
    expect(encodeGovernorMessage(decoded)).toEqual(bytes);
  });

  it('every truncation of every message is refused with a typed error', () => {
    for (const message of messages) {
      const bytes = encodeGovernorMessage(message);
      for (let cut = 0; cut < bytes.length; cut++) {
        let typed = false;
        try {
          decodeGovernorMessage(bytes.subarray(0, cut));
        } catch (error) {
          typed = BrightChainError.isInstance(error);
        }
        if (!typed) throw new Error(`${message.kind} cut at ${cut} was not refused with a typed error`);
      }
    }
  });

  it('random bytes never throw anything but a typed error (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decodeGovernorMessage(bytes);
        } catch (error) {
          return BrightChainError.isInstance(error);
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('byte flips are refused or decode to a message that re-encodes identically', () => {
    const random = new SeededRandom('flips');
    for (const message of messages) {
      const bytes = encodeGovernorMessage(message);
      for (let k = 0; k < 200; k++) {
        const flipped = Uint8Array.from(bytes);
        const i = random.int(flipped.length);
        flipped[i] = (flipped[i] as number) ^ (1 << random.int(8));
        let decoded: GovernorMessage;
        try {
          decoded = decodeGovernorMessage(flipped);
        } catch (error) {
          if (!BrightChainError.isInstance(error)) throw error;
          continue;
        }
        if (!Buffer.from(encodeGovernorMessage(decoded)).equals(flipped))
          throw new Error('a flipped message decoded to something else');
      }
    }
  });

  it('unknown versions and kinds are refused as malformed', () => {
    const bytes = encodeGovernorMessage(messages[0] as GovernorMessage);
    const version2 = Uint8Array.from(bytes);
    version2[1] = 2; // [fixarray, 1 → 2, …]
    expect(() => decodeGovernorMessage(version2)).toThrow(
      expect.objectContaining({ code: QuorumErrorCode.MESSAGE_INVALID }),
    );
  });

  it('respects decode limits', () => {
    const bytes = encodeGovernorMessage(messages.find((m) => m.kind === 'document') as GovernorMessage);
    expect(() => decodeGovernorMessage(bytes, { maxBytes: 64 })).toThrow(
      expect.objectContaining({ code: 'BC_DECODE_LIMIT' }),
    );
  });
});
