/**
 * When the launcher (scripts/start.ts) dies without stopping the web server (a crash or SIGKILL
 * runs no handler), exit too: no orphan server keeps the port.
 */
export function watchParent(parentPid: number): void {
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(0);
    }
  }, 1000);
  timer.unref();
}
