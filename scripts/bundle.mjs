// The last step of `npm run build`: bundles the compiled server (dist/src/main.js) into
// dist/server/, which `npm start` runs. Node.js 20 loads each ES module on its own (resolve, read,
// compile, link); one bundle of our ~165 modules and the ES-module packages they import loads
// about 0.1 s faster (BENCHMARKS.md, round 10). CommonJS packages stay outside (Node loads them
// with require, as before), and so does every dynamic import: what a start does not need is still
// loaded on first use, from chunks of its own.
// Plain JavaScript: it runs on the output of `tsc`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'server');

/** ES-module packages bundled with our code; every other package stays in node_modules. */
const INLINE = /^(zod|lru-cache|intl-messageformat|@formatjs\/[^/]+)(\/|$)/;

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The checkpoint thread is started by file name (`new URL('./sqlite-checkpoint-worker.js', import.meta.url)`).
  entryPoints: { main: 'dist/src/main.js', 'sqlite-checkpoint-worker': 'dist/src/storage/sqlite-checkpoint-worker.js' },
  outdir: out,
  // Every output file sits in dist/server/, two folders below the project like dist/src/*.js:
  // src/paths.ts finds the project root, cards and public files from there.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-outside',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || !INLINE.test(args.path) ? { path: args.path, external: true } : undefined));
      },
    },
  ],
});
