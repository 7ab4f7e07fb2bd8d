/**
 * Error codes thrown by `@brightchain/paillier-poll`. Codes never change meaning once published;
 * `docs/paillier-poll.md` lists them with the situations that raise them.
 */
export const PollErrorCode = {
  /** An argument is of the wrong type or out of range (bad modulus, empty allowed set, bad window). */
  INVALID_ARGUMENT: 'BC_POLL_INVALID_ARGUMENT',
  /** A key size is below the production minimum (2048-bit modulus) without the explicit test opt-in. */
  KEY_TOO_SMALL: 'BC_POLL_KEY_TOO_SMALL',
  /** A threshold key or key share is malformed (wrong index, non-safe prime, inconsistent parameters). */
  KEY_INVALID: 'BC_POLL_KEY_INVALID',
  /** A plaintext is outside `[0, n)` or not in the set the caller claims it is in. */
  PLAINTEXT_INVALID: 'BC_POLL_PLAINTEXT_INVALID',
  /** A ciphertext is outside `Z*_{n²}` (zero, ≥ n², or sharing a factor with n). */
  CIPHERTEXT_INVALID: 'BC_POLL_CIPHERTEXT_INVALID',
  /** A ballot does not match its shape (wrong number of ciphertexts or proofs). */
  BALLOT_MALFORMED: 'BC_POLL_BALLOT_MALFORMED',
  /** A decryption share is malformed or its proof does not verify. */
  SHARE_INVALID: 'BC_POLL_SHARE_INVALID',
  /** Too few, duplicated or mismatched decryption shares to combine. */
  SHARES_INSUFFICIENT: 'BC_POLL_SHARES_INSUFFICIENT',
  /** A modular inverse was requested for a value that is not invertible. */
  NOT_INVERTIBLE: 'BC_POLL_NOT_INVERTIBLE',
  /** A voting-method ballot choice is not allowed by the method (e.g. two choices in plurality). */
  CHOICE_INVALID: 'BC_POLL_CHOICE_INVALID',
  /** A decrypted tally does not decode under the method (a count overflowed its packing slot). */
  TALLY_INVALID: 'BC_POLL_TALLY_INVALID',
  /** The worker pool failed (a worker crashed or could not start). */
  WORKER_FAILED: 'BC_POLL_WORKER_FAILED',
} as const;

/** Union of every paillier-poll error code string. */
export type PollErrorCode = (typeof PollErrorCode)[keyof typeof PollErrorCode];
