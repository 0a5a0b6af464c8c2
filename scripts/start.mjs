// `npm start`: builds (npm run build) only when dist/ is missing or older than a source, then runs
// the server in this same process, as the bundle the build makes of it (dist/server/main.js,
// scripts/bundle.mjs). Starting a built, unchanged checkout costs a few milliseconds here instead
// of the TypeScript compiler's up-to-date check and a second Node.js process.
// Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
// What `npm run build` reads: tsconfig.json's include, the compiler options, the dependencies
// (types), the Web Chat bundle it copies, and the scripts (the bundle's among them).
const inputs = ['src', 'test', 'bench', 'manifest', 'scripts'];
const files = ['tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/botframework-webchat/dist/webchat.js'];
const outputs = ['dist/server/main.js', 'dist/public/webchat.js', 'dist/understanding-model.json'];

/** The newest modification time under `path`: files, and folders too (a deleted or renamed file changes its folder's). */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  let time = stat.mtimeMs;
  if (stat.isDirectory()) for (const entry of readdirSync(path)) time = Math.max(time, newest(join(path, entry)));
  return time;
}

function stale() {
  if (!existsSync(stamp) || outputs.some((o) => !existsSync(join(root, o)))) return true;
  const built = statSync(stamp).mtimeMs;
  return [...inputs, ...files].some((p) => newest(join(root, p)) > built);
}

if (stale()) {
  const started = Date.now();
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // Stamped with the time the build started: a source saved during the build makes the next start build again.
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  utimesSync(stamp, new Date(started), new Date(started));
}

await import(pathToFileURL(join(root, 'dist', 'server', 'main.js')).href);
