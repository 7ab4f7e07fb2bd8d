import fc from 'fast-check';
import { BinaryHeapEventQueue, type EventQueue, SortedArrayEventQueue } from '../src/event-queue';

type Op = { readonly push: true; readonly time: number; readonly a: number } | { readonly push: false };

function drainAll(queue: EventQueue, ops: readonly Op[]): [number, number, number][] {
  const popped: [number, number, number][] = [];
  ops.forEach((op, i) => {
    if (op.push) queue.push(op.time, i % 5, op.a, i, { i });
    else if (queue.pop()) popped.push([queue.time, queue.a, queue.b]);
  });
  while (queue.pop()) popped.push([queue.time, queue.a, queue.b]);
  return popped;
}

describe('event queues', () => {
  it('the binary heap pops exactly what the naive sorted array pops (property)', () => {
    const op = fc.oneof(
      fc.record({ push: fc.constant(true as const), time: fc.integer({ min: 0, max: 50 }), a: fc.integer() }),
      fc.record({ push: fc.constant(false as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        expect(drainAll(new BinaryHeapEventQueue(), ops)).toEqual(drainAll(new SortedArrayEventQueue(), ops));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['heap', () => new BinaryHeapEventQueue()],
    ['sorted array', () => new SortedArrayEventQueue()],
  ])('%s: orders by time, then insertion order; carries every field', (_name, make) => {
    const queue = make();
    expect(queue.pop()).toBe(false);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    const payload = { hello: 1 };
    queue.push(20, 1, 1, 1, undefined);
    queue.push(10, 2, 2, 2, payload);
    queue.push(10, 3, 3, 3, undefined);
    queue.push(5, 4, -4, 4, undefined);
    expect(queue.size).toBe(4);
    expect(queue.peekTime()).toBe(5);
    const out: unknown[] = [];
    while (queue.pop()) out.push([queue.time, queue.kind, queue.a, queue.b, queue.payload]);
    expect(out).toEqual([
      [5, 4, -4, 4, undefined],
      [10, 2, 2, 2, payload],
      [10, 3, 3, 3, undefined],
      [20, 1, 1, 1, undefined],
    ]);
    expect(queue.size).toBe(0);
  });

  it('the heap grows past its initial capacity and reuses event slots', () => {
    const queue = new BinaryHeapEventQueue();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) queue.push(5000 - i, 0, i, round, undefined);
      let last = -1;
      let count = 0;
      while (queue.pop()) {
        expect(queue.time).toBeGreaterThanOrEqual(last);
        last = queue.time;
        count++;
      }
      expect(count).toBe(5000);
    }
  });
});
