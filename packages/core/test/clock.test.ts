import fc from 'fast-check';
import { BrightChainError, ManualClock, SystemClock } from '@brightchain/core';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return BrightChainError.isInstance(error) ? error.code : `non-BrightChainError: ${String(error)}`;
  }
  return 'no error';
}

describe('SystemClock', () => {
  it('reads Date.now()', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});

describe('ManualClock', () => {
  it('starts at 0 or the given time and moves only when told', () => {
    expect(new ManualClock().now()).toBe(0);
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    expect(clock.advance(500)).toBe(1500);
    expect(clock.advance(0)).toBe(1500);
    expect(clock.advance(0.25)).toBe(1500.25);
    expect(clock.set(2000)).toBe(2000);
    expect(clock.set(2000)).toBe(2000);
    expect(clock.now()).toBe(2000);
    expect(new ManualClock(-5).now()).toBe(-5);
  });

  it('accumulates any sequence of advances (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1e6 })),
        (start, steps) => {
          const clock = new ManualClock(start);
          let expected = start;
          for (const step of steps) {
            expected += step;
            expect(clock.advance(step)).toBe(expected);
          }
          expect(clock.now()).toBe(expected);
        },
      ),
    );
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]])(
    'rejects start %p',
    (start) => {
      expect(code(() => new ManualClock(start))).toBe('BC_CLOCK_INVALID');
    },
  );

  it.each([[-1], [-0.001], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects advance(%p) without changing the time',
    (ms) => {
      const clock = new ManualClock(10);
      expect(code(() => clock.advance(ms))).toBe('BC_CLOCK_INVALID');
      expect(clock.now()).toBe(10);
    },
  );

  it.each([[9], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects set(%p) from 10 without changing the time',
    (time) => {
      const clock = new ManualClock(10);
      expect(code(() => clock.set(time))).toBe('BC_CLOCK_INVALID');
      expect(clock.now()).toBe(10);
    },
  );

  it('says where it was and what was asked in the error details', () => {
    const clock = new ManualClock(10);
    try {
      clock.set(3);
    } catch (error) {
      expect((error as BrightChainError).details).toEqual({ now: 10, requested: 3 });
    }
  });
});
