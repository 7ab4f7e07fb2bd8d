import { BrightChainError, CoreErrorCode, ensure } from '@brightchain/core';

describe('BrightChainError', () => {
  it('carries code, message, frozen details and cause', () => {
    const cause = new Error('disk');
    const details = { id: 7, nested: { a: 1 } };
    const error = new BrightChainError('BC_TEST_THING', 'it broke', { details, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(BrightChainError);
    expect(error.name).toBe('BrightChainError');
    expect(error.code).toBe('BC_TEST_THING');
    expect(error.message).toBe('it broke');
    expect(error.details).toEqual(details);
    expect(error.details).not.toBe(details);
    expect(Object.isFrozen(error.details)).toBe(true);
    details.id = 8;
    expect(error.details.id).toBe(7);
    expect(error.cause).toBe(cause);
    expect(typeof error.stack).toBe('string');
  });

  it('has empty details and no cause property by default', () => {
    const error = new BrightChainError('BC_TEST_THING', 'x');
    expect(error.details).toEqual({});
    expect('cause' in error).toBe(false);
  });

  it('serialises to { name, code, message, details } only', () => {
    const error = new BrightChainError('BC_TEST_THING', 'x', {
      details: { n: 1 },
      cause: new Error('hidden'),
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'BrightChainError',
      code: 'BC_TEST_THING',
      message: 'x',
      details: { n: 1 },
    });
  });

  describe('isInstance', () => {
    it('accepts BrightChainErrors, optionally of one code', () => {
      const error = new BrightChainError('BC_A', 'x');
      expect(BrightChainError.isInstance(error)).toBe(true);
      expect(BrightChainError.isInstance(error, 'BC_A')).toBe(true);
      expect(BrightChainError.isInstance(error, 'BC_B')).toBe(false);
    });

    it.each<[string, unknown]>([
      ['a plain Error', new Error('x')],
      ['an object with a code', { code: 'BC_A', message: 'x' }],
      ['null', null],
      ['undefined', undefined],
      ['a string', 'BC_A'],
      ['a number', 1],
      ['an Error with a code', Object.assign(new Error('x'), { code: 'BC_A' })],
      [
        'an object whose brand is truthy but not true',
        { [Symbol.for('@brightchain/core/BrightChainError')]: 1 },
      ],
    ])('rejects %s', (_name, value) => {
      expect(BrightChainError.isInstance(value)).toBe(false);
    });

    it('recognises errors from a duplicated copy of the package, where instanceof fails', () => {
      let Copy: typeof BrightChainError | undefined;
      jest.isolateModules(() => {
        Copy = (require('../src/errors') as { BrightChainError: typeof BrightChainError }).BrightChainError;
      });
      if (Copy === undefined) throw new Error('copy not loaded');
      expect(Copy).not.toBe(BrightChainError);
      const fromCopy = new Copy('BC_COPY', 'from the other copy');
      expect(fromCopy instanceof BrightChainError).toBe(false);
      expect(BrightChainError.isInstance(fromCopy)).toBe(true);
      expect(BrightChainError.isInstance(fromCopy, 'BC_COPY')).toBe(true);
      expect(Copy.isInstance(new BrightChainError('BC_ORIGINAL', 'x'))).toBe(true);
    });

    it('relies on the global Symbol.for brand', () => {
      const foreign = { [Symbol.for('@brightchain/core/BrightChainError')]: true, code: 'BC_X' };
      expect(BrightChainError.isInstance(foreign, 'BC_X')).toBe(true);
    });
  });
});

describe('ensure', () => {
  it('returns when the condition holds', () => {
    expect(() => ensure(1, 'BC_A', 'x')).not.toThrow();
  });

  it('throws the code, message and details otherwise', () => {
    for (const falsy of [false, 0, '', null, undefined]) {
      let error: unknown;
      try {
        ensure(falsy, 'BC_A', 'must hold', { value: 3 });
      } catch (caught) {
        error = caught;
      }
      expect(BrightChainError.isInstance(error, 'BC_A')).toBe(true);
      expect((error as BrightChainError).message).toBe('must hold');
      expect((error as BrightChainError).details).toEqual({ value: 3 });
    }
    try {
      ensure(false, 'BC_A', 'x');
    } catch (error) {
      expect((error as BrightChainError).details).toEqual({});
    }
  });
});

describe('CoreErrorCode', () => {
  it('every code is a unique BC_ string', () => {
    const codes = Object.values(CoreErrorCode);
    for (const value of codes) expect(value).toMatch(/^BC_[A-Z0-9_]+$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
