/**
 * Brevo wants `event_date` as ISO 8601. Pipedrive's webhook v2 `meta.timestamp` comes as an ISO
 * string in most examples, as unix seconds in others (user events), and the docs call it a
 * "10 character timestamp"; all three are read here. Returns null when the value is none of them,
 * so the caller can fall back to the time it received the webhook.
 */
export function webhookEventDate(timestamp: unknown): string | null {
  let millis: number;
  if (typeof timestamp === 'number' || (typeof timestamp === 'string' && /^\d+(\.\d+)?$/.test(timestamp.trim()))) {
    const value = Number(timestamp);
    // Seconds until the year 33658; anything larger is already milliseconds.
    millis = value < 1e12 ? value * 1000 : value;
  } else if (typeof timestamp === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(timestamp.trim())) {
    const text = timestamp.trim().replace(' ', 'T');
    // Pipedrive's API times are UTC even when written without a zone ("2024-01-01 10:00:00").
    millis = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
  } else {
    return null;
  }
  return Number.isFinite(millis) && millis > 0 ? new Date(millis).toISOString() : null;
}
