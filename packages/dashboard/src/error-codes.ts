/**
 * Error codes of `@brightchain/dashboard`. HTTP API errors carry one of these in their JSON body
 * (`{ "error": { "code": …, "message": … } }`); `docs/errors.md` lists every package's codes.
 *
 * @example
 * ```ts
 * const reply = await fetch(`${dashboard.url}api/control`, { method: 'POST', body: '{}', headers });
 * (await reply.json()).error.code === DashboardErrorCode.CONTROL_INVALID; // true
 * ```
 */
export const DashboardErrorCode = {
  /** A dashboard option is missing, of the wrong type or out of range (e.g. a non-loopback host). */
  OPTIONS_INVALID: 'BC_DASHBOARD_OPTIONS_INVALID',
  /** No route for this path (HTTP 404). */
  NOT_FOUND: 'BC_DASHBOARD_NOT_FOUND',
  /** The route exists but not for this HTTP method (HTTP 405). */
  METHOD_NOT_ALLOWED: 'BC_DASHBOARD_METHOD_NOT_ALLOWED',
  /** The request body is larger than the limit (HTTP 413). */
  BODY_TOO_LARGE: 'BC_DASHBOARD_BODY_TOO_LARGE',
  /** The request body is not JSON, or the content type is not `application/json` (HTTP 400 / 415). */
  BODY_INVALID: 'BC_DASHBOARD_BODY_INVALID',
  /** A control request names an unknown action or has a missing or bad field (HTTP 400). */
  CONTROL_INVALID: 'BC_DASHBOARD_CONTROL_INVALID',
  /** A control request names a node that does not exist (HTTP 404). */
  NODE_UNKNOWN: 'BC_DASHBOARD_NODE_UNKNOWN',
  /** The node's state does not allow the action (e.g. restarting a running node) (HTTP 409). */
  NODE_STATE: 'BC_DASHBOARD_NODE_STATE',
  /** The run reached its duration: the simulation takes no more actions (HTTP 409). */
  FINISHED: 'BC_DASHBOARD_FINISHED',
  /** A browser page from another origin tried to control the simulation (HTTP 403). */
  ORIGIN_FORBIDDEN: 'BC_DASHBOARD_ORIGIN_FORBIDDEN',
  /** The UI assets are missing: the package was not built (HTTP 503). */
  ASSETS_MISSING: 'BC_DASHBOARD_ASSETS_MISSING',
} as const;

/** Union of every dashboard error code string. */
export type DashboardErrorCode = (typeof DashboardErrorCode)[keyof typeof DashboardErrorCode];
