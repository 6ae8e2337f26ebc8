/**
 * Language catalogers on the real images (../shared/tools/build-images.sh), through the built CLI,
 * compared with truth/<image>/{jars,npm,python}.tsv (read from the images' own files), and on real
 * Go binaries of this machine (Debian's skopeo/umoci/docker-registry are GOPATH builds; terraform
 * carries full module info).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Package, Sbom } from '../../src/sbom/model.js';
import { IMAGES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'custody-catalog-lang-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const INSTALLED = 'java-archive,npm-installed,python-installed,go-binary';

function tsv(image: string, name: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(IMAGES, 'truth', image, name), 'utf8').split('\n').filter((l) => l !== '');
  const cols = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i]!, v])));
}

async function generate(target: string, select = INSTALLED): Promise<{ sbom: Sbom; stderr: string }> {
  const file = join(tmp, `${target.replace(/[^a-z0-9]+/gi, '_')}-${select.length}.json`);
  const r = await runBuilt(['sbom', 'generate', target, '-o', `json=${file}`, '--select', select], { timeoutMs: 300_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  return { sbom: JSON.parse(readFileSync(file, 'utf8')) as Sbom, stderr: r.stderr };
}

const at = (p: Package): string => p.locations[0]!.path;
const normPy = (n: string): string => n.replace(/[-_.]+/g, '-').toLowerCase();

const TRANSPORTS: [string, (img: string) => string][] = [
  ['docker-archive', (img) => `docker-archive:${join(IMAGES, 'docker-archive', `${img}.tar`)}`],
  ['dir (rootfs)', (img) => `dir:${join(IMAGES, 'rootfs', img)}`],
];

describe.each(TRANSPORTS)('language catalogers on real images via %s', (_, ref) => {
  it('java-log4j: every jar of truth/jars.tsv, log4j-core/api 2.19.0 both in /usr/share/java and nested in /opt/app/app.war; nothing invented', async () => {
    const { sbom } = await generate(ref('java-log4j'));
    const java = sbom.packages.filter((p) => p.type === 'java-archive');
    const truth = tsv('java-log4j', 'jars.tsv');
    expect(truth.length).toBeGreaterThanOrEqual(47);
    for (const t of truth) {
      const hits = java.filter((p) => at(p) === t.path);
      expect(hits.length, t.path).toBeGreaterThan(0);
      if (t.source === 'pom.properties') expect(hits.map((p) => p.purl), t.path).toContain(`pkg:maven/${t.groupId}/${t.artifactId}@${t.version}`);
      if (t.source === 'MANIFEST') expect(hits.map((p) => p.version), t.path).toContain(t.version);
    }
    // precision: every package sits at a truth path, and pom-derived ones are truth rows
    const truthPaths = new Set(truth.map((t) => t.path));
    for (const p of java) {
      expect(truthPaths.has(at(p)), at(p)).toBe(true);
      if (p.metadata?.identitySource === 'pom.properties') {
        expect(truth.some((t) => t.path === at(p) && `pkg:maven/${t.groupId}/${t.artifactId}@${t.version}` === p.purl), `${at(p)} ${p.purl}`).toBe(true);
      }
    }
    expect(java).toHaveLength(truth.length);
    const core = java.filter((p) => p.purl === 'pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0').map(at).sort();
    expect(core).toEqual(['/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar', '/usr/share/java/log4j-core.jar']);
    const api = java.filter((p) => p.purl === 'pkg:maven/org.apache.logging.log4j/log4j-api@2.19.0').map(at).sort();
    expect(api).toEqual(['/opt/app/app.war!/WEB-INF/lib/log4j-api-2.19.0.jar', '/usr/share/java/log4j-api.jar']);
    // the nested copy is byte-identical to Debian's file: same SHA-1 (what Maven Central indexes)
    const sha = (path: string) => java.find((p) => at(p) === path)!.hashes!['SHA-1'];
    expect(sha('/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar')).toBe(sha('/usr/share/java/log4j-core.jar'));
    // shaded httpclient-osgi: one package per embedded pom.properties
    expect(java.filter((p) => at(p) === '/usr/share/java/httpclient-osgi.jar')).toHaveLength(6);
  });

  it('java-log4j1: log4j 1.2.17 from its manifest', async () => {
    const { sbom } = await generate(ref('java-log4j1'));
    const java = sbom.packages.filter((p) => p.type === 'java-archive');
    expect(java.map((p) => `${at(p)} ${p.name}@${p.version} ${p.purl}`)).toEqual(['/usr/share/java/log4j-1.2-1.2.17.jar log4j@1.2.17 pkg:maven/log4j/log4j@1.2.17']);
  });

  it('node-app: every installed package of truth/npm.tsv (node_modules and /usr/share/nodejs), nothing else', async () => {
    const { sbom } = await generate(ref('node-app'));
    const npm = sbom.packages.filter((p) => p.type === 'npm');
    const truth = tsv('node-app', 'npm.tsv');
    expect(truth).toHaveLength(77);
    const ours = npm.map((p) => `${at(p).replace(/\/package\.json$/, '')}\t${p.name}\t${p.version}`).sort();
    expect(ours).toEqual(truth.map((t) => `${t.path}\t${t.name}\t${t.version}`).sort());
    expect(truth.filter((t) => (t.path ?? '').startsWith('/srv/app/node_modules/'))).toHaveLength(52);
    for (const p of npm) expect(p.purl).toMatch(/^pkg:npm\//);
  });

  it('python-app: every truth/python.tsv package with version and PEP 503 purl, nothing else', async () => {
    const { sbom } = await generate(ref('python-app'));
    const py = sbom.packages.filter((p) => p.type === 'python');
    const truth = tsv('python-app', 'python.tsv');
    expect(py.map((p) => p.purl).sort()).toEqual(truth.map((t) => `pkg:pypi/${normPy(t.name!)}@${t.version}`).sort());
    for (const t of truth) expect(py.some((p) => at(p).startsWith(`${t.path}`) && p.version === t.version), t.path).toBe(true);
  });

  it('layered-whiteout and debian-min: no language package invented', async () => {
    for (const img of ['layered-whiteout', 'debian-min']) {
      const { sbom } = await generate(ref(img));
      expect(sbom.packages.filter((p) => ['java-archive', 'npm', 'python', 'go-module'].includes(p.type))).toEqual([]);
    }
  });
});

describe('go-binary-cataloger on real Go binaries', () => {
  const bins = ['/usr/bin/skopeo', '/usr/bin/umoci', '/usr/bin/docker-registry', '/usr/local/bin/terraform'].filter((b) => existsSync(b));

  it('reports module dependencies (terraform) and the toolchain of GOPATH builds (Debian)', async () => {
    expect(bins.length).toBeGreaterThanOrEqual(3);
    const root = join(tmp, 'gobins');
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    for (const b of bins) copyFileSync(b, join(root, 'usr', 'bin', b.split('/').pop()!));
    const { sbom } = await generate(`dir:${root}`, 'go');
    const go = sbom.packages.filter((p) => p.type === 'go-module');
    for (const name of ['skopeo', 'umoci', 'docker-registry']) {
      if (!bins.includes(`/usr/bin/${name}`)) continue;
      const std = go.filter((p) => at(p) === `/usr/bin/${name}`);
      expect(std.map((p) => p.name)).toEqual(['stdlib']);
      expect(std[0]!.version).toMatch(/^go1\.\d+/);
      expect(String(std[0]!.metadata?.mainPackage)).toMatch(/\/cmd\//);
    }
    if (bins.includes('/usr/local/bin/terraform')) {
      // independent count: the dep lines of the modinfo text in the file
      const text = readFileSync('/usr/local/bin/terraform').toString('latin1');
      const start = text.indexOf('\nmod\tgithub.com/hashicorp/terraform\t');
      const end = text.indexOf('\nbuild\t', start);
      const deps = new Set(text.slice(start, end).split('\n').filter((l) => l.startsWith('dep\t')).map((l) => l.split('\t')[1]));
      const tf = go.filter((p) => at(p) === '/usr/bin/terraform');
      const main = tf.find((p) => p.metadata?.mainModule === true)!;
      expect(main.name).toBe('github.com/hashicorp/terraform');
      expect(deps.size).toBeGreaterThan(100);
      expect(tf.length).toBe(deps.size + 2); // deps + main module + stdlib
      const withSum = tf.filter((p) => String(p.metadata?.h1Digest ?? '').startsWith('h1:'));
      expect(withSum.length).toBeGreaterThan(deps.size * 0.9);
      expect(sbom.relationships.filter((r) => r.from === main.id).length).toBe(deps.size + 1);
    }
  });
});
