import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (OAuth tokens, API tokens, Brevo keys, webhook passwords).
 * Ciphertext format: `v1:<keyId>:<iv>:<tag>:<data>` (base64url parts). The key id lets keys
 * rotate: new secrets use the first key, old ones still decrypt with theirs.
 */
export interface KeyRing {
  activeId: string;
  keys: Map<string, Buffer>;
}

export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let activeId: string | undefined;
  for (const part of spec.split(',')) {
    const [id, b64] = part.split(':');
    if (!id || !b64) throw new Error('encryption keys must look like keyId:base64key');
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes, got ${key.length}`);
    keys.set(id, key);
    activeId ??= id;
  }
  if (!activeId) throw new Error('no encryption key configured');
  return { activeId, keys };
}

export function generateKeySpec(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function encryptWith(ring: KeyRing, plaintext: string): string {
  const key = ring.keys.get(ring.activeId);
  if (!key) throw new Error('active encryption key missing');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', ring.activeId, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
}

export function decryptWith(ring: KeyRing, ciphertext: string): string {
  const [version, keyId, iv, tag, data] = ciphertext.split(':');
  if (version !== 'v1' || !keyId || !iv || !tag || data === undefined) throw new Error('not a Pipebridge ciphertext');
  const key = ring.keys.get(keyId);
  if (!key) throw new Error(`secret was encrypted with key ${keyId}, which is not configured (PIPEBRIDGE_ENCRYPTION_KEYS)`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Whether a stored value is still encrypted with an old key and should be re-encrypted. */
export function needsRotation(ring: KeyRing, ciphertext: string): boolean {
  return ciphertext.split(':')[1] !== ring.activeId;
}
