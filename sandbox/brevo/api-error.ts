/**
 * An error the sandbox answers with, in Brevo's own shape. Domain code throws it; the router turns it
 * into a response, so every handler answers errors the same way.
 */
export class BrevoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly metadata?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BrevoApiError';
  }

  toBody(): Record<string, unknown> {
    // Brevo sends `message` before `code`; field order is irrelevant to JSON clients but keeps logs familiar.
    return this.metadata ? { code: this.code, message: this.message, metadata: this.metadata } : { code: this.code, message: this.message };
  }
}

export const invalid = (message: string): BrevoApiError => new BrevoApiError(400, 'invalid_parameter', message);
export const missing = (message: string): BrevoApiError => new BrevoApiError(400, 'missing_parameter', message);
export const notFound = (message: string): BrevoApiError => new BrevoApiError(404, 'document_not_found', message);
export const outOfRange = (message: string): BrevoApiError => new BrevoApiError(400, 'out_of_range', message);
