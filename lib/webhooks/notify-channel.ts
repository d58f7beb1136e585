/** Postgres NOTIFY channel on which ingest announces stored webhook events (`<companyId>:<eventId>`). */
export const WEBHOOK_CHANNEL = 'pipebridge_webhook';
