/**
 * The body of `POST /api/control`: parsed and validated before anything is touched, so a
 * rejected request changes nothing.
 */
import { BrightChainError } from '@brightchain/core';
import { DashboardErrorCode } from './error-codes';
import { MAX_SPEED } from './simulation-pacer';

/**
 * A validated control request.
 *
 * @example
 * ```ts
 * const request: ControlRequest = { action: 'speed', speed: 25 };
 * ```
 */
export type ControlRequest =
  | { readonly action: 'pause' }
  | { readonly action: 'resume' }
  | { readonly action: 'speed'; readonly speed: number }
  | { readonly action: 'crash' | 'restart' | 'shutdown'; readonly node: number };

/**
 * The actions `POST /api/control` accepts.
 *
 * @example
 * ```ts
 * CONTROL_ACTIONS.includes('crash'); // true
 * ```
 */
export const CONTROL_ACTIONS = ['pause', 'resume', 'speed', 'crash', 'restart', 'shutdown'] as const;

function invalid(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(DashboardErrorCode.CONTROL_INVALID, message, { details });
}

/**
 * Validates a parsed JSON body as a {@link ControlRequest}. Unknown fields are rejected.
 *
 * @throws BrightChainError `BC_DASHBOARD_CONTROL_INVALID` for anything else
 * @example
 * ```ts
 * parseControlRequest({ action: 'crash', node: 3 }); // { action: 'crash', node: 3 }
 * ```
 */
export function parseControlRequest(body: unknown): ControlRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('the body must be a JSON object', {});
  }
  const record = body as Record<string, unknown>;
  const action = record.action;
  if (typeof action !== 'string' || !(CONTROL_ACTIONS as readonly string[]).includes(action)) {
    throw invalid(`action must be one of ${CONTROL_ACTIONS.join(', ')}`, { action: String(action) });
  }
  const allowed =
    action === 'speed'
      ? ['action', 'speed']
      : action === 'pause' || action === 'resume'
        ? ['action']
        : ['action', 'node'];
  const extra = Object.keys(record).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw invalid(`unexpected field(s) for ${action}: ${extra.join(', ')}`, { fields: extra });
  switch (action) {
    case 'pause':
    case 'resume':
      return { action };
    case 'speed': {
      const speed = record.speed;
      if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
        throw invalid(`speed must be a number in (0, ${MAX_SPEED}]`, { speed: String(speed) });
      }
      return { action, speed };
    }
    default: {
      const node = record.node;
      if (typeof node !== 'number' || !Number.isSafeInteger(node) || node < 0) {
        throw invalid('node must be a non-negative integer index', { node: String(node) });
      }
      return { action: action as 'crash' | 'restart' | 'shutdown', node };
    }
  }
}
