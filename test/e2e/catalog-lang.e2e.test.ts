/**
 * `custody sbom generate dir:…` end to end over a tree assembled from the project's own fixtures:
 * nested Java archives, node_modules, Python metadata, lock files, Go/Rust binaries, plus corrupt
 * inputs that must only warn.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { FIXTURES, GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

let root: string;

function put(rel: string, from: string | Buffer): void {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  if (typeof from === 'string') copyFileSync(from, to);
  else writeFileSync(to, from);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-lang-'));
  const gen = (p: string) => join(GENERATED, 'catalog', p);
  const fix = (p: string) => join(FIXTURES, 'catalog', p);
  put('opt/app/app.war', gen('java/app.war'));
  put('opt/app/fat-service-2.1.0.jar', gen('java/fat-service-2.1.0.jar'));
  put('opt/app/corrupt.jar', gen('java/corrupt.jar'));
  put('opt/app/bomb.war', gen('java/bomb.war'));
  put('srv/web/node_modules/express/package.json', Buffer.from(JSON.stringify({ name: 'express', version: '4.18.2', license: 'MIT' })));
  put('srv/web/node_modules/@types/node/package.json', Buffer.from(JSON.stringify({ name: '@types/node', version: '18.0.0' })));
  put('srv/web/node_modules/noversion/package.json', Buffer.from(JSON.stringify({ name: 'noversion' })));
  put('srv/web/package-lock.json', fix('npm/lock-v3/package-lock.json'));
  put('srv/web/broken/pnpm-lock.yaml', fix('npm/corrupt/pnpm-lock.yaml'));
  put('usr/lib/python3/dist-packages/zope.interface-5.5.2.egg-info/PKG-INFO', fix('python/PKG-INFO'));
  put('srv/py/uv.lock', fix('python/uv.lock'));
  put('usr/local/bin/hello', gen('go/hello-inline'));
  put('usr/local/bin/hello-rs', gen('rust/hello-rs'));
  put('srv/rb/Gemfile.lock', fix('ruby/Gemfile.lock'));
  put('var/www/vendor/composer/installed.json', fix('php/installed-v1.json'));
  put('srv/net/app.deps.json', fix('dotnet/app.deps.json'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('custody sbom generate: language catalogers (e2e)', () => {
  it('catalogs every ecosystem; bad files are warnings on stderr and the exit code stays 0', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    const types = new Set(sbom.packages.map((p) => p.type));
    for (const t of ['java-archive', 'npm', 'python', 'go-module', 'rust-crate', 'gem', 'php-composer', 'dotnet']) expect(types, t).toContain(t);
    const core = sbom.packages.filter((p) => p.name === 'log4j-core').map((p) => `${p.locations[0]!.path} ${p.version}`).sort();
    expect(core).toEqual(['/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar 2.19.0', '/opt/app/fat-service-2.1.0.jar 2.14.1']);
    expect(sbom.packages.find((p) => p.name === 'golang.org/x/net')?.version).toBe('v0.17.0');
    expect(r.stderr).toMatch(/\/opt\/app\/corrupt\.jar: (not a readable|corrupt) zip archive/);
    expect(r.stderr).toMatch(/\/opt\/app\/bomb\.war: nested archive WEB-INF\/lib\/zeros\.jar has compression ratio/);
    expect(r.stderr).toMatch(/\/srv\/web\/node_modules\/noversion\/package\.json: package\.json without a version/);
    expect(r.stderr).toMatch(/\/srv\/web\/broken\/pnpm-lock\.yaml: npm-lock-cataloger could not read it: invalid YAML/);
    expect(r.stdout).not.toMatch(/could not read/);
  });

  it('--select java keeps only Java; --select -java drops it', async () => {
    const only = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json', '--select', 'java']);
    expect(only.code, only.stderr).toBe(0);
    const a = JSON.parse(only.stdout) as Sbom;
    expect(new Set(a.packages.map((p) => p.type))).toEqual(new Set(['java-archive']));
    expect(only.stderr).not.toMatch(/package\.json/);
    const without = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json', '--select', '-java,-dotnet']);
    expect(without.code, without.stderr).toBe(0);
    const b = JSON.parse(without.stdout) as Sbom;
    expect(b.packages.some((p) => p.type === 'java-archive' || p.type === 'dotnet')).toBe(false);
    expect(b.packages.some((p) => p.type === 'npm')).toBe(true);
  });

  it('CycloneDX output carries maven purls and the SHA-1 of nested jars', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '--select', 'java']);
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { components: { purl?: string; hashes?: { alg: string; content: string }[] }[] };
    const core = bom.components.find((c) => c.purl === 'pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0');
    expect(core?.hashes?.find((h) => h.alg === 'SHA-1')?.content).toMatch(/^[0-9a-f]{40}$/);
    expect(r.stderr).toMatch(/corrupt\.jar/);
  });

  it('an unknown --select token is a usage error (exit 2)', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '--select', 'cobol']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--select "cobol" matches no cataloger/);
  });
});
