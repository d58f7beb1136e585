import { AppError } from '../errors';
import { vendorError } from './vendor-error';

export type Loaded<T> = { ok: true; data: T } | { ok: false; message: string };

/**
 * For server-rendered settings pages: a vendor failure while loading (Brevo down, Pipedrive
 * token expired) becomes a message the page shows in place of the editor; programming errors
 * still throw to the error boundary.
 */
export async function tryLoad<T>(action: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    const mapped = vendorError(err, action);
    if (mapped instanceof AppError) return { ok: false, message: mapped.message };
    throw mapped;
  }
}
