import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

const src = join(projectRoot, 'src');

describe('Layers', () => {
  it('keep the domain free of SDKs, stores and the environment', () => {
    const offending: string[] = [];
    for (const file of sources(join(src, 'domain'))) {
      for (const spec of importsOf(file)) {
        const insideDomain = spec.startsWith('.') && !relative(join(src, 'domain'), resolve(dirname(file), spec)).startsWith('..');
        const allowed = spec === 'zod' || spec.startsWith('node:') || insideDomain;
        if (!allowed) offending.push(`${relative(projectRoot, file)} imports ${spec}`);
      }
      if (/process\.env/.test(readFileSync(file, 'utf8'))) offending.push(`${relative(projectRoot, file)} reads process.env`);
    }
    expect(offending).to.deep.equal([]);
  });

  it('keep use cases free of Bot Framework, restify and keyv', () => {
    const offending = sources(join(src, 'app')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(botbuilder|botframework-|restify|keyv|@keyv\/)/.test(spec) || /\/(bot|http|storage)\//.test(spec))
        .map((spec) => `${relative(projectRoot, file)} imports ${spec}`),
    );
    expect(offending).to.deep.equal([]);
  });

  it('let only config.ts read process.env', () => {
    const readers = sources(src)
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(readers).to.deep.equal(['config.ts']);
  });
});

describe('Dependencies between layers', () => {
  it('follow DESIGN.md for every folder of src/ (dependency-cruiser, rules in .dependency-cruiser.cjs)', function () {
    this.timeout(120_000);
    const cli = join(projectRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const run = spawnSync(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const result = JSON.parse(run.stdout) as { summary: { totalCruised: number; violations: { rule: { name: string }; from: string; to: string }[] } };
    expect(result.summary.totalCruised, 'modules read').to.be.greaterThan(100);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).to.deep.equal([]);
  });
});
