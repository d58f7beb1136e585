/**
 * Reads the text parts of a multipart/form-data body (the shared request reader keeps raw text only).
 * Enough for POST /companies/import, whose parts are a CSV file and a JSON mapping.
 */
export function parseMultipart(contentType: string, raw: string): Map<string, string> {
  const parts = new Map<string, string>();
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return parts;
  for (const chunk of raw.split(`--${b}`)) {
    const sep = chunk.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = chunk.slice(0, sep);
    const name = /name="([^"]+)"/i.exec(head)?.[1];
    if (!name) continue;
    parts.set(name, chunk.slice(sep + 4).replace(/\r\n$/, ''));
  }
  return parts;
}
