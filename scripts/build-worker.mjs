// Bundles the worker (and the sync benchmark's measured child, which must be the same kind of
// process) into .worker/: one ES module of the app's own code, with packages left to
// node_modules. `npm run worker` runs the bundle with plain node: under tsx, every worker process
// carried tsx's loader thread and its compile caches, about 45 MB of the 300 MB a worker may use.
import { build } from 'esbuild';

const entries = { worker: 'scripts/worker.ts', 'bench-sync-child': 'scripts/bench-sync-child.ts' };

await build({
  entryPoints: entries,
  outdir: '.worker',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Packages load from node_modules as usual; the app's own TypeScript (and the generated Prisma
  // client) is compiled in. `server-only` resolves as on the server.
  packages: 'external',
  conditions: ['react-server'],
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS-style code in the generated client may call require.
  banner: { js: "import { createRequire as __pbCreateRequire } from 'node:module'; const require = __pbCreateRequire(import.meta.url);" },
});
