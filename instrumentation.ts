/** Runs once when the Next server starts (Node runtime only). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const parent = Number(process.env.PIPEBRIDGE_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const { watchParent } = await import('./lib/runtime/parent-watch');
  watchParent(parent);
}
