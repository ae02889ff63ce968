// Typed errors of the protocol layer. Each carries a stable `code` that flows and
// Catch nodes can switch on, and a message a person understands. None ever carries
// an API key: messages are built from fixed words and user-visible values only.

export type TrydanErrorCode =
  | 'DEVICE_UNREACHABLE'
  | 'INVALID_RESPONSE'
  | 'INVALID_INPUT'
  | 'WRITE_REJECTED'
  | 'WRITE_NOT_VERIFIED'
  | 'CLOSED'
  | 'AUTH_FAILED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUOTA_RESERVED'
  | 'CLOUD_UNREACHABLE'
  | 'CLOUD_REJECTED'
  | 'NO_DEVICE';

export class TrydanError extends Error {
  readonly code: TrydanErrorCode;
  constructor(code: TrydanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The charger did not answer: timeout, refused, reset, or an HTTP error after the retry. */
export class DeviceUnreachable extends TrydanError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_UNREACHABLE', message, options);
  }
}

/** The charger answered something that cannot be understood even after repair. */
export class InvalidResponse extends TrydanError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_RESPONSE', message, options);
  }
}

/** A value from a flow that must not reach the charger; `problems` lists each one. */
export class InvalidInput extends TrydanError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('INVALID_INPUT', problems.join('; '));
    this.problems = problems;
  }
}

/** The charger answered a write with something other than `OK`. */
export class WriteRejected extends TrydanError {
  constructor(keyword: string, value: number, answer: string) {
    super('WRITE_REJECTED', `charger rejected ${keyword}=${value} (answered "${answer.slice(0, 40)}")`);
  }
}

/** The charger said OK but reading back did not show the value. */
export class WriteNotVerified extends TrydanError {
  /** `seen`: what the read-back showed; `failure`: why there was no read-back at all. */
  constructor(keyword: string, wanted: number, seen: number | undefined, failure?: string) {
    super(
      'WRITE_NOT_VERIFIED',
      failure === undefined
        ? `wrote ${keyword}=${wanted} but the charger reads back ${seen === undefined ? 'nothing' : seen}`
        : `the charger said OK to ${keyword}=${wanted}, but it could not be read back (${failure}): it has most likely taken effect`,
    );
  }
}

/** The coordinator or cloud client was closed (redeploy, removal) before the request could run. */
export class Closed extends TrydanError {
  constructor(what = 'connection to the charger') {
    super('CLOSED', `${what} was closed (redeploy or removal)`);
  }
}
