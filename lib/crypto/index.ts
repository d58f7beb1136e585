import { env } from '../env';
import { decryptWith, encryptWith, parseKeyRing, type KeyRing } from './secrets';

let ring: KeyRing | undefined;

function keyRing(): KeyRing {
  const spec = env().PIPEBRIDGE_ENCRYPTION_KEYS;
  if (!spec) throw new Error('PIPEBRIDGE_ENCRYPTION_KEYS is not set: secrets cannot be stored. `npm run demo` generates one under .data/.');
  ring ??= parseKeyRing(spec);
  return ring;
}

export const encryptSecret = (plaintext: string): string => encryptWith(keyRing(), plaintext);
export const decryptSecret = (ciphertext: string): string => decryptWith(keyRing(), ciphertext);

/** Shows enough of a secret to recognise it, never enough to use it. */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '••••' : `••••${secret.slice(-4)}`;
}
