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
  it('catalogs every ecosystem; bad files are warnings on stderr, listed as incomplete, and the SBOM is written with exit 3', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^incomplete: \d+ inputs? not read: .*pnpm-lock\.yaml/m);
    expect(r.stderr).toMatch(/exit 3 \(--allow-incomplete accepts it\)/);
    const sbom = JSON.parse(r.stdout) as Sbom;
    const types = new Set(sbom.packages.map((p) => p.type));
    for (const t of ['java-archive', 'npm', 'python', 'go-module', 'rust-crate', 'gem', 'php-composer', 'dotnet']) expect(types, t).toContain(t);
    const core = sbom.packages.filter((p) => p.name === 'log4j-core').map((p) => `${p.locations[0]!.path} ${p.version}`).sort();
    expect(core).toEqual(['/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar 2.19.0', '/opt/app/fat-service-2.1.0.jar 2.14.1']);
    expect(sbom.packages.find((p) => p.name === 'golang.org/x/net')?.version).toBe('v0.17.0');
    expect(r.stderr).toMatch(/\/opt\/app\/corrupt\.jar: not read completely: (not a readable|corrupt) zip archive/);
    expect(r.stderr).toMatch(/\/opt\/app\/bomb\.war: not read completely: nested archive WEB-INF\/lib\/zeros\.jar has compression ratio/);
    expect(r.stderr).toMatch(/\/srv\/web\/node_modules\/noversion\/package\.json: package\.json without a version/);
    expect(r.stderr).toMatch(/\/srv\/web\/broken\/pnpm-lock\.yaml: npm-lock-cataloger could not read it: invalid YAML/);
    // Warnings stay on stderr; the JSON model lists what was not read, once, with path and reason.
    expect(r.stdout).not.toMatch(/warning:/);
    expect(sbom.completeness).toBe('incomplete');
    expect(sbom.incomplete?.map((i) => [i.kind, i.path, i.by])).toContainEqual(['file', '/srv/web/broken/pnpm-lock.yaml', 'npm-lock-cataloger']);
    expect(sbom.incomplete?.find((i) => i.path === '/srv/web/broken/pnpm-lock.yaml')?.reason).toMatch(/^invalid YAML in pnpm-lock\.yaml/);
    // A corrupt archive and an archive over the limits are packages that may be missing: incomplete, not warnings only.
    expect(sbom.incomplete?.map((i) => i.path)).toEqual(expect.arrayContaining(['/opt/app/corrupt.jar', '/opt/app/bomb.war']));
    // A package.json without a version was read: it is not a package, and not incompleteness.
    expect(sbom.incomplete?.map((i) => i.path)).not.toContain('/srv/web/node_modules/noversion/package.json');
  });

  it('--select java keeps only Java; --select -java drops it', async () => {
    // corrupt.jar and bomb.war lose packages: the SBOM is written, incomplete, exit 3
    const only = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json', '--select', 'java']);
    expect(only.code, only.stderr).toBe(3);
    const a = JSON.parse(only.stdout) as Sbom;
    expect(new Set(a.packages.map((p) => p.type))).toEqual(new Set(['java-archive']));
    expect(a.incomplete?.map((i) => i.path).sort()).toEqual(['/opt/app/bomb.war', '/opt/app/corrupt.jar']);
    expect(only.stderr).not.toMatch(/package\.json/);
    const without = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'json', '--select', '-java,-dotnet', '--allow-incomplete']);
    expect(without.code, without.stderr).toBe(0);
    expect(without.stderr).toMatch(/^incomplete: --allow-incomplete: answering as if complete$/m);
    const b = JSON.parse(without.stdout) as Sbom;
    expect(b.packages.some((p) => p.type === 'java-archive' || p.type === 'dotnet')).toBe(false);
    expect(b.packages.some((p) => p.type === 'npm')).toBe(true);
  });

  it('CycloneDX output carries maven purls and the SHA-1 of nested jars', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '--select', 'java', '--allow-incomplete']);
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { components: { purl?: string; hashes?: { alg: string; content: string }[] }[]; compositions: { aggregate: string }[] };
    // The document says it is incomplete even when the run accepted it.
    expect(bom.compositions).toEqual([expect.objectContaining({ aggregate: 'incomplete' })]);
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

describe('custody sbom generate: the long tail of issue 17 (e2e)', () => {
  let tree: string;
  const add = (rel: string, from: string): void => {
    const to = join(tree, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'custody-e2e-longtail-'));
    const gen = (p: string) => join(GENERATED, 'catalog', p);
    const fix = (p: string) => join(FIXTURES, 'catalog', p);
    add('srv/pnpm12/pnpm-lock.yaml', fix('npm/pnpm-multidoc/pnpm-lock.yaml'));
    add('srv/pnpm-importers/pnpm-lock.yaml', fix('npm/pnpm-importers/pnpm-lock.yaml'));
    add('srv/yarn1/yarn.lock', fix('npm/yarn-aliases/yarn.lock'));
    add('srv/npm6/package-lock.json', fix('npm/lock-v1-dev/package-lock.json'));
    add('usr/local/lib/python3.11/site-packages/custody_sample_egg-1.2.3-py3.11.egg', fix('python/custody_sample_egg-1.2.3-py3.11.egg'));
    add('srv/py/requirements-compiled.txt', fix('python/requirements-compiled.txt'));
    add('opt/lib/bcprov-jdk18on-1.77.jar', gen('java/manifest-only/bcprov-jdk18on-1.77.jar'));
    add('opt/lib/app.jar', gen('java/manifest-only/app.jar'));
    add('opt/portal/portal-app.par', gen('java/extensions/portal-app.par'));
    add('opt/media/photos.rar', gen('java/extensions/photos.rar'));
    add('app/billing.deps.json', fix('dotnet/self-contained/billing.deps.json'));
    add('src/excluder/go.mod', fix('go/exclude/go.mod'));
    add('src/Directory.Packages.props', fix('dotnet/packages-props/Directory.Packages.props'));
    add('src/Web/packages.config', fix('dotnet/packages-config/packages.config'));
    add('src/gradle-app/gradle.lockfile', fix('java/gradle/app/gradle.lockfile'));
    add('src/gradle-old/gradle/dependency-locks/compileClasspath.lockfile', fix('java/gradle/app/gradle/dependency-locks/compileClasspath.lockfile'));
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('every case is catalogued from a directory; what loses nothing is a warning, exit 0', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${tree}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(sbom.completeness).not.toBe('incomplete');
    const at = (path: string) => sbom.packages.filter((p) => p.locations[0]!.path === path).map((p) => `${p.purl}${p.metadata?.dev === true ? ' dev' : ''}`).sort();
    expect(at('/srv/pnpm12/pnpm-lock.yaml')).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/is-number@6.0.0 dev', 'pkg:npm/is-number@7.0.0', 'pkg:npm/is-odd@3.0.1 dev', 'pkg:npm/ms@2.1.2', 'pkg:npm/ms@2.1.3']);
    expect(at('/srv/pnpm-importers/pnpm-lock.yaml')).toContain('pkg:npm/ms@2.1.3');
    expect(at('/srv/yarn1/yarn.lock')).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/is-number@6.0.0', 'pkg:npm/is-odd@3.0.1', 'pkg:npm/ms@2.1.2', 'pkg:npm/ms@2.1.3']);
    expect(at('/srv/npm6/package-lock.json')).toContain('pkg:npm/ms@2.0.0 dev');
    expect(at('/srv/npm6/package-lock.json')).toContain('pkg:npm/ms@2.1.3');
    expect(at('/usr/local/lib/python3.11/site-packages/custody_sample_egg-1.2.3-py3.11.egg')).toEqual(['pkg:pypi/custody-sample-egg@1.2.3']);
    expect(at('/srv/py/requirements-compiled.txt')).toEqual(['pkg:pypi/attrs@26.1.0', 'pkg:pypi/python-dateutil@2.8.2', 'pkg:pypi/six@1.17.0']);
    expect(at('/opt/lib/bcprov-jdk18on-1.77.jar')).toEqual(['pkg:maven/org.bouncycastle/bcprov-jdk18on@1.77']);
    expect(at('/opt/lib/app.jar')).toEqual(['pkg:maven/com.example/billing@2.3.1']);
    expect(at('/opt/portal/portal-app.par')).toEqual(['pkg:maven/portal-app/portal-app@1.0.0']);
    expect(at('/app/billing.deps.json')).toContain('pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.14');
    expect(sbom.packages.find((p) => p.name === 'Microsoft.AspNetCore.App.Runtime.linux-x64')?.cpes).toEqual(['cpe:2.3:a:microsoft:asp.net_core:8.0.14:*:*:*:*:*:*:*']);
    // the main module is the project itself (no version, marked)
    expect(at('/src/excluder/go.mod')).toEqual(['pkg:golang/example.com/excluder', 'pkg:golang/github.com/pkg/errors@v0.9.0', 'pkg:golang/golang.org/x/text@v0.14.0']);
    expect(sbom.packages.find((p) => p.purl === 'pkg:golang/example.com/excluder')?.metadata).toEqual({ project: 'root' });
    expect(r.stderr).toMatch(/\/opt\/media\/photos\.rar: no zip signature: not a Java archive; skipped/);
    expect(r.stderr).toMatch(/\/src\/excluder\/go\.mod: require github\.com\/google\/uuid v1\.3\.0 is excluded/);
    expect(at('/src/gradle-app/gradle.lockfile')).toEqual([
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2',
      'pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.0 dev',
      'pkg:maven/org.slf4j/slf4j-api@2.0.9',
    ]);
    expect(at('/src/gradle-old/gradle/dependency-locks/compileClasspath.lockfile')).toEqual(['pkg:maven/com.google.guava/guava@32.1.2-jre']);
    expect(at('/src/Web/packages.config')).toEqual(['pkg:nuget/EntityFramework@6.4.4', 'pkg:nuget/Microsoft.AspNet.Mvc@5.2.9', 'pkg:nuget/NUnit@3.13.3 dev', 'pkg:nuget/Newtonsoft.Json@13.0.3']);
    expect(at('/src/Directory.Packages.props')).toEqual(['pkg:nuget/AutoMapper@12.0.1', 'pkg:nuget/Microsoft.Extensions.Logging@8.0.0', 'pkg:nuget/Polly@8.2.0', 'pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556', 'pkg:nuget/System.Text.Json@8.0.4']);
    expect(r.stderr).toMatch(/\/src\/Directory\.Packages\.props: Directory\.Packages\.props: not reported: <PackageVersion> "Serilog" version "\$\(SerilogVersion\)"/);
    expect(r.stderr).toMatch(/\/src\/Web\/packages\.config: packages\.config package "Local\.Build\.Tool" has no version; not reported/);
    expect(r.stderr).toMatch(/compileClasspath\.lockfile: gradle lock file entries without a version; not reported: line 5 "com\.example:no-version"/);
    expect(r.stderr).not.toMatch(/^incomplete:/m);
  });

  it('a yarn berry lock with one broken entry and a requirements file with unpinned lines: the rest is read, the SBOM lists the lost entry (unpinned lines are warnings), exit 3', async () => {
    add('srv/berry/yarn.lock', join(FIXTURES, 'catalog', 'npm/yarn-berry-lenient/yarn.lock'));
    add('srv/forms/requirements-forms.txt', join(FIXTURES, 'catalog', 'python/requirements-forms.txt'));
    try {
      const r = await runBuilt(['sbom', 'generate', `dir:${tree}`, '-o', 'json']);
      expect(r.code, r.stderr).toBe(3);
      const sbom = JSON.parse(r.stdout) as Sbom;
      expect(sbom.completeness).toBe('incomplete');
      expect(sbom.incomplete?.map((i) => `${i.path} ${i.by}`).sort()).toEqual(['/srv/berry/yarn.lock npm-lock-cataloger']);
      expect(sbom.packages.filter((p) => p.locations[0]!.path === '/srv/berry/yarn.lock').map((p) => p.name).sort()).toEqual(['berry-app', 'debug', 'is-odd', 'ms', 'ms']);
      expect(sbom.packages.some((p) => p.locations[0]!.path === '/srv/forms/requirements-forms.txt' && p.name === 'urllib3')).toBe(true);
      expect(r.stderr).toMatch(/line 22 "Django==4\.2\.\*": wildcard/);
      expect(r.stderr).toMatch(/^incomplete: 1 input not read/m);
      expect(r.stderr + r.stdout).not.toContain('s3cret');
    } finally {
      rmSync(join(tree, 'srv/berry'), { recursive: true, force: true });
      rmSync(join(tree, 'srv/forms'), { recursive: true, force: true });
    }
  });
});
