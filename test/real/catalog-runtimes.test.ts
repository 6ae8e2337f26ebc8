/**
 * Real tier, issue 17 item 2: runtimes installed without a package manager, and the ownership rules.
 *
 * - `runtimes` (test/images/runtimes.image.sh): real binaries of Debian 12's packages copied into /usr/local
 *   and /opt without their dpkg records. Every runtime is reported by the runtime-binary cataloger with the
 *   version Debian says (truth/runtimes/runtimes.tsv, from dpkg-query in the throwaway chroot), with the
 *   purl and CPEs the peers use, from every source form.
 * - `runtimes-dpkg`: the same runtimes installed by dpkg: each reported exactly once, by dpkg, never as a
 *   runtime binary, from every source form.
 * - `python-app`: every Python package Debian installed has an `owns` relationship from the Debian package
 *   whose file list (the image's own /var/lib/dpkg/info/*.list) holds it, in every output format and read
 *   back by every decoder; real syft on the same image agrees, and syft's SPDX ownership reads back too.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { parsePurl } from '../../src/core/ecosystem.js';
import { collectingLogger } from '../../src/core/log.js';
import { generateSbom } from '../../src/generate/index.js';
import { encodeSbom } from '../../src/sbom/encode.js';
import { decodeSbomBytes, readSbom } from '../../src/sbom/index.js';
import type { Package, Sbom } from '../../src/sbom/model.js';
import { decodeNativeSbom } from '../../src/sbom/native/index.js';
import { CORPUS, IMAGES, realImageRefs } from '../helpers/paths.js';
import { copyImage } from '../helpers/registry-push.js';
import { runBuilt } from '../helpers/run-cli.js';

const clock = fixedClock(new Date('2024-01-01T00:00:00Z'));

interface RuntimeRow {
  runtime: string;
  path: string;
  debPackage: string;
  debVersion: string;
}

function runtimeTruth(image: string): RuntimeRow[] {
  const [, ...rows] = readFileSync(join(IMAGES, 'truth', image, 'runtimes.tsv'), 'utf8').trim().split('\n');
  return rows.map((r) => {
    const [runtime, path, debPackage, debVersion] = r.split('\t') as [string, string, string, string];
    return { runtime, path, debPackage, debVersion };
  });
}

/** The upstream part of a Debian version: no epoch, no Debian revision, no repack suffix (18.20.4+dfsg-1~deb12u3 → 18.20.4). */
function upstreamOf(debVersion: string): string {
  return debVersion
    .replace(/^\d+:/, '')
    .replace(/-[^-]*$/, '')
    .replace(/[+~](dfsg|ds|repack|really)[^+~]*$/, '');
}

/** The SBOM name of each runtime of the truth files (syft's names). */
const SBOM_NAME: Record<string, string> = { python: 'python', node: 'node', openjdk: 'openjdk', go: 'go', redis: 'redis', nginx: 'nginx', httpd: 'httpd', postgresql: 'postgresql', openssl: 'openssl', curl: 'curl', busybox: 'busybox' };

async function generate(target: string): Promise<Sbom> {
  const result = await generateSbom({ target, log: collectingLogger(), toolVersion: 'test', plainHttp: target.startsWith('registry:') });
  if (Array.isArray(result)) throw new Error('one SBOM expected');
  return result;
}

/** The shared loopback registry is started before the project's images exist: put them there under their usual name. */
function ensurePushed(name: string): void {
  copyImage(name, `sbomtest/${name}`, 'latest');
}

describe('runtimes without a package manager: every runtime with the version Debian says', () => {
  const truth = runtimeTruth('runtimes');
  const byRuntime = new Map<string, RuntimeRow[]>();
  for (const t of truth) byRuntime.set(t.runtime, [...(byRuntime.get(t.runtime) ?? []), t]);
  beforeAll(() => ensurePushed('runtimes'));

  it('the truth covers the eleven runtimes of the issue', () => {
    expect([...byRuntime.keys()].sort()).toEqual(Object.keys(SBOM_NAME).sort());
  });

  it.each(realImageRefs('runtimes'))('%s: each runtime once, exact version, purl and CPEs, located at its own files; nothing incomplete', async (_form, target) => {
    const sbom = await generate(target);
    expect(sbom.incomplete ?? []).toEqual([]);
    const binaries = sbom.packages.filter((p) => p.type === 'binary');
    expect(binaries.map((p) => p.name).sort()).toEqual(Object.values(SBOM_NAME).sort());
    for (const [runtime, rows] of byRuntime) {
      const p = binaries.find((b) => b.name === SBOM_NAME[runtime])!;
      const upstream = upstreamOf(rows[0]!.debVersion);
      expect(new Set(rows.map((r) => upstreamOf(r.debVersion))).size, runtime).toBe(1);
      if (runtime === 'openjdk') {
        // JAVA_RUNTIME_VERSION, as syft reports it: Debian's 17.0.21.1+2-1-deb12u1-Debian for 17.0.21.1+2-1~deb12u1
        expect(p.version.startsWith(`${upstream}-`), `${p.version} vs ${upstream}`).toBe(true);
        expect(p.cpes).toEqual([`cpe:2.3:a:oracle:openjdk:${upstream.split('+')[0]}:*:*:*:*:*:*:*`]);
        expect(parsePurl(p.purl!)).toMatchObject({ type: 'generic', namespace: 'oracle', name: 'openjdk', version: p.version });
      } else {
        expect(p.version, runtime).toBe(upstream);
        expect(parsePurl(p.purl!)).toMatchObject({ type: 'generic', name: p.name, version: upstream });
        expect(p.cpes!.length, runtime).toBeGreaterThan(0);
        for (const c of p.cpes!) expect(c.split(':')[5], runtime).toBe(upstream);
      }
      expect(p.foundBy).toEqual(['runtime-binary-cataloger']);
      const paths = p.locations.map((l) => l.path);
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) expect(rows.map((r) => r.path), `${runtime} at ${path}`).toContain(path);
    }
    // the image's own dpkg database (debian-min's) is reported as before
    const dpkg = readFileSync(join(IMAGES, 'truth', 'runtimes', 'dpkg.tsv'), 'utf8').trim().split('\n').length - 1;
    expect(sbom.packages.filter((p) => p.type === 'deb')).toHaveLength(dpkg);
  });

  it('the CycloneDX and SPDX documents validate and read back with the same runtimes and CPEs', async () => {
    const sbom = await generate(`docker-archive:${join(IMAGES, 'docker-archive', 'runtimes.tar')}`);
    const cdx = encodeSbom(sbom, 'cyclonedx-json', { clock });
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(cdx)).toBeNull();
    const spdx = encodeSbom(sbom, 'spdx-json', { clock });
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(CORPUS, 'schemas', 'spdx', 'spdx-schema-2.3.1.json'), 'utf8')) as object);
    expect(validate(JSON.parse(spdx)), JSON.stringify(validate.errors)).toBe(true);
    const want = sbom.packages.filter((p) => p.type === 'binary').map((p) => `${p.purl} ${p.cpes!.join(' ')}`).sort();
    for (const text of [cdx, spdx, encodeSbom(sbom, 'cyclonedx-xml', { clock })]) {
      const back = decodeSbomBytes(Buffer.from(text), 'x').sbom;
      expect(back.packages.filter((p) => p.purl?.startsWith('pkg:generic/')).map((p) => `${p.purl} ${p.cpes!.join(' ')}`).sort()).toEqual(want);
    }
  });
});

describe('the same runtimes installed by dpkg: each reported exactly once, by dpkg', () => {
  const truth = runtimeTruth('runtimes-dpkg');
  beforeAll(() => ensurePushed('runtimes-dpkg'));

  it.each(realImageRefs('runtimes-dpkg'))('%s: no runtime binary package; every runtime\'s Debian package with its version', async (_form, target) => {
    const sbom = await generate(target);
    expect(sbom.incomplete ?? []).toEqual([]);
    expect(sbom.packages.filter((p) => p.type === 'binary').map((p) => `${p.name}@${p.version}`)).toEqual([]);
    for (const t of truth) {
      const debs = sbom.packages.filter((p) => p.type === 'deb' && p.name === t.debPackage);
      expect(debs.map((p) => p.version), t.debPackage).toEqual([t.debVersion]);
    }
    // and the language packages Debian installed with them (node modules, the JDK's jars) are owned by it
    const owned = new Set(sbom.relationships.filter((r) => r.type === 'owns').map((r) => r.to));
    const lang = sbom.packages.filter((p) => p.type === 'npm' || p.type === 'java-archive');
    expect(lang.length).toBeGreaterThan(0);
    for (const p of lang) expect(owned.has(p.id), `${p.name} ${p.locations[0]!.path}`).toBe(true);
  });
});

/** Expected owner of each Python package of python-app: the Debian package whose .list holds its metadata directory. */
function pythonOwners(): Map<string, string> {
  const info = join(IMAGES, 'rootfs', 'python-app', 'var', 'lib', 'dpkg', 'info');
  const listed = new Map<string, string>();
  for (const f of readdirSync(info).filter((x) => x.endsWith('.list'))) {
    const pkg = f.replace(/\.list$/, '').replace(/:[^:]+$/, '');
    for (const line of readFileSync(join(info, f), 'utf8').split('\n')) if (line !== '') listed.set(line, pkg);
  }
  const [, ...rows] = readFileSync(join(IMAGES, 'truth', 'python-app', 'python.tsv'), 'utf8').trim().split('\n');
  const out = new Map<string, string>();
  for (const r of rows) {
    const [path, name] = r.split('\t') as [string, string];
    const owner = listed.get(path);
    if (owner === undefined) throw new Error(`no Debian package lists ${path}`);
    out.set(name, owner);
  }
  return out;
}

function ownsPairs(s: Sbom): string[] {
  const byId = new Map<string, Package>(s.packages.map((p) => [p.id, p]));
  return s.relationships
    .filter((r) => r.type === 'owns')
    .map((r) => `${byId.get(r.from)?.name} owns ${byId.get(r.to)?.name}`)
    .sort();
}

describe('python-app: the Debian packages own the Python packages they installed', () => {
  const want = [...pythonOwners()].map(([name, owner]) => `${owner} owns ${name}`).sort();

  it('the truth has the ten Python packages, each owned', () => {
    expect(want).toHaveLength(10);
  });

  it.each(realImageRefs('python-app'))('%s: an owns relationship per Python package, from the package that lists it', async (_form, target) => {
    const sbom = await generate(target);
    expect(ownsPairs(sbom)).toEqual(want);
    // the installed Python packages stay in the SBOM (only runtime binaries are dropped)
    expect(sbom.packages.filter((p) => p.type === 'python' && p.foundBy.includes('python-installed-cataloger'))).toHaveLength(10);
  });

  it('in every output format (valid CycloneDX 1.6, valid SPDX 2.3), read back by every decoder', async () => {
    const sbom = await generate(`docker-archive:${join(IMAGES, 'docker-archive', 'python-app.tar')}`);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(encodeSbom(sbom, 'cyclonedx-json', { clock }))).toBeNull();
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(CORPUS, 'schemas', 'spdx', 'spdx-schema-2.3.1.json'), 'utf8')) as object);
    const spdx = JSON.parse(encodeSbom(sbom, 'spdx-json', { clock })) as { relationships: { relationshipType: string; comment?: string }[] };
    expect(validate(spdx), JSON.stringify(validate.errors)).toBe(true);
    expect(spdx.relationships.filter((r) => r.relationshipType === 'OTHER' && r.comment?.startsWith('ownership-by-file-overlap:'))).toHaveLength(10);
    for (const format of ['cyclonedx-json', 'cyclonedx-json@1.5', 'cyclonedx-xml', 'spdx-json']) {
      const back = decodeSbomBytes(Buffer.from(encodeSbom(sbom, format, { clock })), format).sbom;
      expect(ownsPairs(back), format).toEqual(want);
    }
    expect(ownsPairs(decodeNativeSbom(JSON.parse(encodeSbom(sbom, 'json', { clock })) as unknown))).toEqual(want);
  });

  const syft = process.env.CUSTODY_SYFT_PATH ?? join(homedir(), '.cache', 'custody', 'peers', 'syft@v1.57.2', 'syft');
  it('real syft on the same image records the same ownership (--engine syft, its syft JSON decoded)', async () => {
    expect(existsSync(syft), `real syft expected at ${syft} (set CUSTODY_SYFT_PATH)`).toBe(true);
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${join(IMAGES, 'docker-archive', 'python-app.tar')}`, '--engine', 'syft', '-o', 'json'], {
      env: { CUSTODY_SYFT_PATH: syft, SYFT_CHECK_FOR_APP_UPDATE: 'false' },
    });
    expect(r.code, r.stderr).toBe(0);
    const viaSyft = decodeNativeSbom(JSON.parse(r.stdout) as unknown);
    // syft also records ownership between Debian packages and other things: compare the Python packages
    // (syft names them by their normalised PyPI name: jinja2, markupsafe, pyyaml)
    const pythonNames = new Set([...pythonOwners().keys()].map((n) => n.toLowerCase()));
    const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase()).sort();
    expect(lower(ownsPairs(viaSyft)).filter((x) => pythonNames.has(x.split(' owns ')[1]!))).toEqual(lower(want));
  });

  it("syft's own SPDX ownership (OTHER + ownership-by-file-overlap comment) reads back as owns", async () => {
    // a real syft SPDX 2.2 document from the shared corpus (docker.io/library/bonita, see MANIFEST.md)
    const s = await readSbom(join(CORPUS, 'sboms', 'log4j', 'guac-top-dh-bonita.spdx.json'));
    const owns = s.relationships.filter((r) => r.type === 'owns');
    expect(owns).toHaveLength(1);
    expect(owns[0]).toMatchObject({ from: 'SPDXRef-2105e81257881dca', to: 'SPDXRef-1f468535c6732325' });
    const ids = new Set(s.packages.map((p) => p.id));
    expect(ids.has(owns[0]!.from) && ids.has(owns[0]!.to)).toBe(true);
  });
});
