/**
 * Assertions that a call fails with a given `BrightChainError` code, with a readable jest diff
 * (the received value is the code thrown, `nothing thrown`, or a description of a foreign error).
 */
import { BrightChainError } from '@brightchain/core';

function summarize(error: unknown): string {
  if (BrightChainError.isInstance(error)) return error.code;
  return `not a BrightChainError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

/** Expects `action` to throw a BrightChainError with `code`. */
export function expectThrowsCode(action: () => unknown, code: string): void {
  let outcome = 'nothing thrown';
  try {
    action();
  } catch (error) {
    outcome = summarize(error);
  }
  expect(outcome).toBe(code);
}

/** Expects `action` to throw or reject with a BrightChainError with `code`. */
export async function expectRejectsCode(action: () => unknown, code: string): Promise<void> {
  let outcome = 'nothing thrown';
  try {
    await action();
  } catch (error) {
    outcome = summarize(error);
  }
  expect(outcome).toBe(code);
}
