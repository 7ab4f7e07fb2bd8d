/**
 * The transport port compliance suite: jest tests every `Transport` adapter must pass.
 *
 * Written against the jest globals, so it runs inside the adapter package's own jest run. It waits
 * for deliveries by polling with a timeout and, to check that something is *not* delivered, waits a
 * quiet period; neither is a timing assertion.
 */
import {
  BrightChainError,
  CoreErrorCode,
  CryptoRandom,
  type GuidV4,
  type Transport,
  newGuidV4,
} from '@brightchain/core';
import { expectRejectsCode } from './expect-error-code';

/** How the suite creates and releases endpoints of the adapter under test. */
export interface TransportHarness {
  /** Creates `count` open endpoints with distinct ids that can all reach each other. */
  createEndpoints(count: number): readonly Transport[] | Promise<readonly Transport[]>;
  /** Closes every endpoint and releases everything the harness made. Runs after each test. */
  teardown(): void | Promise<void>;
  /** How long to wait for an expected delivery before failing (default 5000 ms). */
  readonly deliveryTimeoutMs?: number;
  /** How long to wait before concluding that nothing more will be delivered (default 50 ms). */
  readonly quietPeriodMs?: number;
}

/** Makes a fresh {@link TransportHarness}; called before every test. */
export type TransportHarnessFactory = () => TransportHarness | Promise<TransportHarness>;

/** Messages larger than this are not built to test the size boundary (too much memory). */
const BOUNDARY_CAP_BYTES = 64 * 1024 * 1024;

interface Received {
  readonly from: GuidV4;
  readonly message: Uint8Array;
}

function collect(transport: Transport): Received[] {
  const received: Received[] = [];
  transport.onMessage((from, message) => received.push({ from, message: message.slice() }));
  return received;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function readU32(bytes: Uint8Array, offset = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

/**
 * Defines the transport compliance tests for one adapter.
 *
 * Covers delivery with the right sender id (including empty messages and several handlers), per-link
 * FIFO when the adapter declares `orderedPerLink`, many messages between many peers exactly once, the
 * `maxMessageBytes` boundary (`BC_TRANSPORT_MESSAGE_TOO_LARGE`), unknown peers
 * (`BC_TRANSPORT_UNREACHABLE`), closed senders (`BC_TRANSPORT_CLOSED`), no delivery to a closed
 * endpoint, unsubscription, copied bytes, and handlers that throw.
 *
 * Beyond the `Transport` interface, the suite expects a healthy local harness not to lose messages,
 * `close()` to be idempotent, and a throwing handler not to stop delivery to others.
 *
 * @param name - the adapter's name, used in the test titles
 * @param harnessFactory - see {@link TransportHarnessFactory}
 * @throws nothing itself; failures are jest test failures
 * @example
 * ```ts
 * import { MemoryNetwork, SeededRandom, newGuidV4 } from '@brightchain/core';
 * import { describeTransportCompliance } from '@brightchain/compliance-tests';
 *
 * describeTransportCompliance('MemoryNetwork', () => {
 *   const network = new MemoryNetwork();
 *   const random = new SeededRandom(1);
 *   return {
 *     createEndpoints: (count) => Array.from({ length: count }, () => network.endpoint(newGuidV4(random))),
 *     teardown: () => network.closeAll(),
 *   };
 * });
 * ```
 */
export function describeTransportCompliance(name: string, harnessFactory: TransportHarnessFactory): void {
  describe(`${name}: Transport compliance`, () => {
    let harness: TransportHarness;

    const endpoints = async (count: number): Promise<Transport[]> => {
      const created = [...(await harness.createEndpoints(count))];
      expect(created.length).toBe(count);
      return created;
    };
    const until = async (condition: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + (harness.deliveryTimeoutMs ?? 5000);
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(1);
      }
    };
    const quiet = () => sleep(harness.quietPeriodMs ?? 50);

    beforeEach(async () => {
      harness = await harnessFactory();
    });

    afterEach(async () => {
      await harness.teardown();
    });

    it('gives endpoints distinct ids and sane declared properties', async () => {
      const all = await endpoints(3);
      expect(new Set(all.map((t) => t.localId)).size).toBe(3);
      for (const transport of all) {
        expect(Number.isSafeInteger(transport.maxMessageBytes) && transport.maxMessageBytes > 0).toBe(true);
        expect(typeof transport.orderedPerLink).toBe('boolean');
      }
    });

    it('delivers a message with the sender id', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      await a!.send(b!.localId, Uint8Array.of(1, 2, 3));
      await until(() => received.length === 1, 'one message');
      expect(received[0]!.from).toBe(a!.localId);
      expect(received[0]!.message).toEqual(Uint8Array.of(1, 2, 3));
      await quiet();
      expect(received.length).toBe(1);
    });

    it('delivers in both directions', async () => {
      const [a, b] = await endpoints(2);
      const atA = collect(a!);
      const atB = collect(b!);
      await a!.send(b!.localId, Uint8Array.of(1));
      await b!.send(a!.localId, Uint8Array.of(2));
      await until(() => atA.length === 1 && atB.length === 1, 'both messages');
      expect(atA[0]).toEqual({ from: b!.localId, message: Uint8Array.of(2) });
      expect(atB[0]).toEqual({ from: a!.localId, message: Uint8Array.of(1) });
    });

    it('delivers an empty message', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      await a!.send(b!.localId, new Uint8Array(0));
      await until(() => received.length === 1, 'the empty message');
      expect(received[0]!.message.length).toBe(0);
    });

    it('delivers to every registered handler', async () => {
      const [a, b] = await endpoints(2);
      const first = collect(b!);
      const second = collect(b!);
      await a!.send(b!.localId, Uint8Array.of(7));
      await until(() => first.length === 1 && second.length === 1, 'both handlers');
      expect(second[0]!.message).toEqual(Uint8Array.of(7));
    });

    it('keeps send order on one link when orderedPerLink (otherwise delivers every message)', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      const count = 200;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < count; i++) sends.push(a!.send(b!.localId, u32(i)));
      await Promise.all(sends);
      for (let i = count; i < 2 * count; i++) await a!.send(b!.localId, u32(i));
      await until(() => received.length === 2 * count, `${2 * count} messages`);
      const order = received.map((r) => readU32(r.message));
      const expected = Array.from({ length: 2 * count }, (_, i) => i);
      if (a!.orderedPerLink) expect(order).toEqual(expected);
      else expect([...order].sort((x, y) => x - y)).toEqual(expected);
    });

    it('delivers many messages among many peers exactly once, from the right sender', async () => {
      const peers = await endpoints(4);
      const inboxes = peers.map(collect);
      const perLink = 25;
      const sends: Promise<void>[] = [];
      for (let round = 0; round < perLink; round++) {
        peers.forEach((from, i) => {
          peers.forEach((to, j) => {
            if (i !== j) sends.push(from.send(to.localId, Uint8Array.of(i, j, round)));
          });
        });
      }
      await Promise.all(sends);
      const total = peers.length * (peers.length - 1) * perLink;
      await until(() => inboxes.reduce((n, inbox) => n + inbox.length, 0) === total, `${total} messages`);
      inboxes.forEach((inbox, j) => {
        const seen = inbox.map(({ from, message }) => {
          const [i, to, round] = message;
          expect(from).toBe(peers[i as number]!.localId);
          expect(to).toBe(j);
          return `${i}:${round}`;
        });
        expect(new Set(seen).size).toBe(seen.length);
        const perSender = new Map<GuidV4, number[]>();
        for (const { from, message } of inbox)
          perSender.set(from, [...(perSender.get(from) ?? []), message[2]!]);
        if (peers.every((p) => p.orderedPerLink)) {
          for (const rounds of perSender.values()) expect(rounds).toEqual([...rounds].sort((x, y) => x - y));
        }
      });
      await quiet();
      expect(inboxes.reduce((n, inbox) => n + inbox.length, 0)).toBe(total);
    });

    it('accepts a message of exactly maxMessageBytes and rejects one byte more', async () => {
      const [a, b] = await endpoints(2);
      const max = a!.maxMessageBytes;
      if (max > BOUNDARY_CAP_BYTES) return;
      const received = collect(b!);
      await a!.send(b!.localId, new Uint8Array(max).fill(0x5a));
      await expectRejectsCode(
        () => a!.send(b!.localId, new Uint8Array(max + 1)),
        CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE,
      );
      await a!.send(b!.localId, Uint8Array.of(1));
      await until(() => received.length === 2, 'the largest message and the one after');
      expect(received[0]!.message.length).toBe(max);
      expect(received[0]!.message.every((x) => x === 0x5a)).toBe(true);
      expect(received[1]!.message).toEqual(Uint8Array.of(1));
      await quiet();
      expect(received.length).toBe(2);
    });

    it('rejects a send to an unknown peer with BC_TRANSPORT_UNREACHABLE', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      await expectRejectsCode(
        () => a!.send(newGuidV4(new CryptoRandom()), Uint8Array.of(1)),
        CoreErrorCode.TRANSPORT_UNREACHABLE,
      );
      await a!.send(b!.localId, Uint8Array.of(2));
      await until(() => received.length === 1, 'the message after the failed send');
    });

    it('rejects sends from a closed endpoint with BC_TRANSPORT_CLOSED; close is idempotent', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      await a!.close();
      await a!.close();
      await expectRejectsCode(() => a!.send(b!.localId, Uint8Array.of(1)), CoreErrorCode.TRANSPORT_CLOSED);
      await quiet();
      expect(received).toEqual([]);
    });

    it('delivers nothing to an endpoint once it has closed', async () => {
      const [a, b] = await endpoints(2);
      let afterClose = 0;
      let closed = false;
      b!.onMessage(() => {
        if (closed) afterClose += 1;
      });
      await a!.send(b!.localId, Uint8Array.of(1));
      await b!.close();
      closed = true;
      const outcome = await a!.send(b!.localId, Uint8Array.of(2)).then(
        () => 'resolved',
        (error: unknown) => (BrightChainError.isInstance(error) ? error.code : String(error)),
      );
      expect(['resolved', CoreErrorCode.TRANSPORT_UNREACHABLE]).toContain(outcome);
      await quiet();
      expect(afterClose).toBe(0);
    });

    it('keeps other links working after an endpoint closes', async () => {
      const [a, b, c] = await endpoints(3);
      const atC = collect(c!);
      await a!.close();
      await b!.send(c!.localId, Uint8Array.of(1));
      await until(() => atC.length === 1, 'b → c after a closed');
      expect(atC[0]!.from).toBe(b!.localId);
    });

    it('stops calling an unsubscribed handler; unsubscribing twice is harmless', async () => {
      const [a, b] = await endpoints(2);
      const removed: Uint8Array[] = [];
      const unsubscribe = b!.onMessage((_, message) => removed.push(message));
      const kept = collect(b!);
      await a!.send(b!.localId, Uint8Array.of(1));
      await until(() => kept.length === 1 && removed.length === 1, 'the first message');
      unsubscribe();
      unsubscribe();
      await a!.send(b!.localId, Uint8Array.of(2));
      await until(() => kept.length === 2, 'the second message');
      await quiet();
      expect(removed.length).toBe(1);
    });

    it('copies the message: changing the buffer after send changes nothing delivered', async () => {
      const [a, b] = await endpoints(2);
      const received = collect(b!);
      const buffer = Uint8Array.of(1, 2, 3, 4);
      await a!.send(b!.localId, buffer);
      buffer.fill(0);
      await until(() => received.length === 1, 'the message');
      expect(received[0]!.message).toEqual(Uint8Array.of(1, 2, 3, 4));
    });

    it('keeps delivering when a handler throws', async () => {
      const [a, b] = await endpoints(2);
      b!.onMessage(() => {
        throw new Error('handler failure (expected by the compliance suite)');
      });
      const received = collect(b!);
      await a!.send(b!.localId, Uint8Array.of(1));
      await a!.send(b!.localId, Uint8Array.of(2));
      await until(() => received.length === 2, 'both messages despite the throwing handler');
      expect(received.map((r) => r.message[0]).sort()).toEqual([1, 2]);
    });
  });
}
