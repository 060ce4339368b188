/**
 * Typed errors of the Admin API seam. Every message says what was asked and what Shopify answered, so a
 * failed sync run can show it to the merchant as is.
 */
import type { UserError } from "./types";

export interface GraphqlErrorInfo {
  message: string;
  extensions?: Record<string, unknown>;
  path?: ReadonlyArray<string | number>;
}

/** Shopify answered with GraphQL errors, a non-retryable HTTP status, or kept failing after every retry. */
export class AdminApiError extends Error {
  readonly operation: string;
  readonly status?: number;
  readonly errors: GraphqlErrorInfo[];
  readonly attempts: number;

  constructor(
    message: string,
    opts: { operation: string; status?: number; errors?: GraphqlErrorInfo[]; attempts?: number; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AdminApiError";
    this.operation = opts.operation;
    this.status = opts.status;
    this.errors = opts.errors ?? [];
    this.attempts = opts.attempts ?? 1;
  }
}

/** Shopify kept answering THROTTLED (or 429) after every retry. */
export class ThrottledError extends AdminApiError {
  constructor(
    message: string,
    opts: { operation: string; status?: number; errors?: GraphqlErrorInfo[]; attempts?: number },
  ) {
    super(message, opts);
    this.name = "ThrottledError";
  }
}

/** A mutation answered with userErrors: the request reached Shopify, which refused the input. */
export class UserErrorsError extends Error {
  readonly operation: string;
  readonly userErrors: UserError[];

  constructor(operation: string, userErrors: UserError[]) {
    const list = userErrors
      .slice(0, 5)
      .map((e) => (e.field && e.field.length ? `${e.field.join(".")}: ${e.message}` : e.message))
      .join("; ");
    const more = userErrors.length > 5 ? ` (and ${userErrors.length - 5} more)` : "";
    super(`${operation} was refused by Shopify: ${list}${more}`);
    this.name = "UserErrorsError";
    this.operation = operation;
    this.userErrors = userErrors;
  }
}

/** A bulk operation ended FAILED, EXPIRED or CANCELED (or could not be started). */
export class BulkOperationError extends Error {
  readonly bulkOperationId: string | null;
  readonly status: string | null;
  readonly errorCode: string | null;

  constructor(
    message: string,
    opts: { bulkOperationId?: string | null; status?: string | null; errorCode?: string | null } = {},
  ) {
    super(message);
    this.name = "BulkOperationError";
    this.bulkOperationId = opts.bulkOperationId ?? null;
    this.status = opts.status ?? null;
    this.errorCode = opts.errorCode ?? null;
  }
}
