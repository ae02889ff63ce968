// How the simulated cloud writes its replies. The real cloud is inconsistent: JSON, JSON in
// text/plain, a JSON string holding JSON, bare scalars, 204 with no body (docs/charger-protocol.md, cloud).
// Each endpoint uses one form, always the same, so a client's parser meets every form.

export interface CloudAnswer {
  status: number;
  /** Empty for 204. */
  body: string;
  /** Absent for 204. */
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
  /** A reply that never ends: the status, `{`, then a byte a second (the endless fault). */
  endless?: true;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain;charset=UTF-8';

export const jsonReply = (value: unknown, status = 200): CloudAnswer => ({ status, body: JSON.stringify(value), contentType: JSON_TYPE });
/** JSON sent as text/plain. */
export const textJsonReply = (value: unknown): CloudAnswer => ({ status: 200, body: JSON.stringify(value), contentType: TEXT_TYPE });
/** A JSON string whose content is JSON: `"{\"a\":\"1\"}"`. */
export const jsonStringReply = (value: unknown): CloudAnswer => ({ status: 200, body: JSON.stringify(JSON.stringify(value)), contentType: JSON_TYPE });
export const textReply = (text: string, status = 200): CloudAnswer => ({ status, body: text, contentType: TEXT_TYPE });
export const noContent = (): CloudAnswer => ({ status: 204, body: '' });

export const COMMAND_MESSAGE = 'Command executed successfully';

/**
 * The forms of a command's success reply:
 * message: 200 JSON {"message":"Command executed successfully"} · ok: 200 text/plain OK ·
 * true: 200 JSON true · no-content: 204 · text-message: the message object as text/plain.
 */
export type CommandReply = 'message' | 'ok' | 'true' | 'no-content' | 'text-message';

export function commandReply(style: CommandReply): CloudAnswer {
  switch (style) {
    case 'message':
      return jsonReply({ message: COMMAND_MESSAGE });
    case 'ok':
      return textReply('OK');
    case 'true':
      return jsonReply(true);
    case 'no-content':
      return noContent();
    case 'text-message':
      return textJsonReply({ message: COMMAND_MESSAGE });
  }
}

/**
 * A request the cloud refuses. Missing parameters answer JSON {"message": ...}; bad
 * values answer text/plain, so clients meet both forms of error too.
 */
export class CloudProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly form: 'json' | 'text' = 'json',
  ) {
    super(message);
  }

  toAnswer(): CloudAnswer {
    return this.form === 'json' ? jsonReply({ message: this.message }, this.status) : textReply(this.message, this.status);
  }
}

export const missingParam = (name: string): CloudProblem => new CloudProblem(400, `Missing required parameter: ${name}`, 'json');

export const invalidParam = (name: string, value: string, expected: string): CloudProblem =>
  new CloudProblem(400, `Invalid value for ${name}: ${JSON.stringify(value)}; expected ${expected}`, 'text');

export const notFound = (what: string): CloudProblem => new CloudProblem(404, `${what} not found`, 'json');
