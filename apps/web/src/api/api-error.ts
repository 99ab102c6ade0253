/** An error answer of the server, with its (already localized) message and per-field messages. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  /** Machine-readable extras some errors carry (an upload's `verdict`, a mismatch's `allowed` methods). */
  readonly detail: Record<string, unknown> | null;

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], detail: Record<string, unknown> | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.detail = detail;
  }
}
