import fc from 'fast-check';
import { BinaryHeap } from '@brightchain/core';

describe('BinaryHeap', () => {
  it('pops in the order a naive sort gives, under any interleaving of push, pop and filter', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('push' as const), value: fc.integer({ min: -50, max: 50 }) }),
            fc.record({ op: fc.constant('pop' as const) }),
            fc.record({ op: fc.constant('filter' as const), modulus: fc.integer({ min: 2, max: 5 }) }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const heap = new BinaryHeap<number>((a, b) => a < b);
          let model: number[] = [];
          for (const step of ops) {
            if (step.op === 'push') {
              heap.push(step.value);
              model.push(step.value);
            } else if (step.op === 'pop') {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            } else {
              const keep = (x: number) => Math.abs(x) % step.modulus !== 0;
              heap.filter(keep);
              model = model.filter(keep);
            }
            expect(heap.size).toBe(model.length);
            expect(heap.peek()).toBe(model.length === 0 ? undefined : Math.min(...model));
          }
        },
      ),
    );
  });

  it('is empty-safe', () => {
    const heap = new BinaryHeap<string>((a, b) => a < b);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
    expect(heap.size).toBe(0);
  });
});
