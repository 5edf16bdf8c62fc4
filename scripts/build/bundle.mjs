// Bundles x11docker's programs from the tsc output (dist/src) with esbuild, into dist/:
// x11docker.js (the CLI), x11docker-gui.js, x11docker-clipboard.js and index.js (the API), with
// their shared and on-demand code in dist/chunks/. Modules that a session needs only sometimes
// (node-x11, about half of all the code, for a user display) are imported on demand, so a start
// compiles only what it runs. Whitespace and syntax are minified, names are kept (--debug stacks).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
rmSync(`${root}/dist/chunks`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    x11docker: 'dist/src/cli.js',
    'x11docker-gui': 'dist/src/gui/bin.js',
    'x11docker-clipboard': 'dist/src/clipboard/sync.js',
    index: 'dist/src/api.js',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // docker-modem loads ssh2 (~60 ms) at once; it is needed only for an ssh:// DOCKER_HOST
  alias: { ssh2: './scripts/build/ssh2-on-demand.cjs' },
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
