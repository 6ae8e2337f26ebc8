/**
 * `sbom generate --engine trivy` against the REAL trivy (installed on demand by
 * test/helpers/trivy.ts: the module build from scripts/install-peers.mjs when cached, else the npm-shipped one, as CI does) on the real images from ../shared/tools/build-images.sh.
 * Reference: trivy's own CycloneDX for the same image, produced here by running trivy directly.
 * Nothing is skipped: a failed install or a missing image fails the suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSbom } from '../../src/sbom/index.js';
import { decodeNativeSbom } from '../../src/sbom/native/index.js';
import type { Sbom } from '../../src/sbom/model.js';
import { TRIVY_OFFLINE_FLAGS } from '../../src/tools/index.js';
import { IMAGES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';
import { realTrivy, trivyEnv } from '../helpers/trivy.js';

let trivy = '';
let env: Record<string, string> = {};
const out = mkdtempSync(join(tmpdir(), 'custody-engines-real-'));

beforeAll(async () => {
  trivy = await realTrivy();
  env = trivyEnv(trivy);
}, 900_000);

type Key = string;

/**
 * name@version per ecosystem from trivy's own CycloneDX (epoch from the purl, as dpkg writes it; trivy 0.74
 * already writes `1:2.38.1-...` in the version, older builds only in the purl).
 */
function referenceSets(image: string): { deb: Key[]; npm: Key[] } {
  const text = execFileSync(trivy, ['image', ...TRIVY_OFFLINE_FLAGS, '--input', image], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  const doc = JSON.parse(text) as { components: { name: string; version?: string; purl?: string }[] };
  const deb: Key[] = [];
  const npm: Key[] = [];
  for (const c of doc.components) {
    if (!c.purl) continue;
    const epoch = /[?&]epoch=(\d+)/.exec(c.purl)?.[1];
    const version = epoch && epoch !== '0' && !(c.version ?? '').startsWith(`${epoch}:`) ? `${epoch}:${c.version}` : (c.version ?? '');
    if (c.purl.startsWith('pkg:deb/')) deb.push(`${c.name}@${version}`);
    if (c.purl.startsWith('pkg:npm/')) npm.push(`${c.name}@${version}`);
  }
  return { deb: deb.sort(), npm: npm.sort() };
}

function setsOf(sbom: Sbom): { deb: Key[]; npm: Key[] } {
  const of = (t: string) =>
    sbom.packages
      .filter((p) => p.type === t)
      .map((p) => `${p.group ? `${p.group}/` : ''}${p.name}@${p.version}`)
      .sort();
  return { deb: of('deb'), npm: of('npm') };
}

function tableSets(table: string): { deb: Key[]; npm: Key[] } {
  const rows = table.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
  const of = (t: string) => rows.filter((r) => r[2] === t).map((r) => `${r[0]}@${r[1]}`).sort();
  return { deb: of('deb'), npm: of('npm') };
}

const FORMATS = ['cyclonedx-json', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json', 'json'] as const;

async function generateAll(ref: string, tag: string, extra: string[] = []): Promise<{ code: number; stderr: string; sets: Record<string, { deb: Key[]; npm: Key[] }>; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  const args = ['sbom', 'generate', ref, '--engine', 'trivy', ...extra];
  for (const f of FORMATS) {
    files[f] = join(out, `${tag}.${f.replace('@', '-')}`);
    args.push('-o', `${f}=${files[f]}`);
  }
  args.push('-o', 'table');
  const r = await runBuilt(args, { env, timeoutMs: 600_000 });
  const sets: Record<string, { deb: Key[]; npm: Key[] }> = {};
  if (r.code === 0) {
    for (const f of FORMATS) {
      sets[f] = f === 'json' ? setsOf(decodeNativeSbom(JSON.parse(readFileSync(files[f]!, 'utf8')))) : setsOf(await readSbom(files[f]!));
    }
    sets.table = tableSets(r.stdout);
  }
  return { code: r.code, stderr: r.stderr, sets, files };
}

describe('--engine trivy (real trivy) = trivy\'s own CycloneDX, in every custody output format', () => {
  it.each([
    ['debian-min', 'docker-archive', 88, 0],
    ['node-app', 'docker-archive', 101, 53],
    ['debian-min', 'oci-dir', 88, 0],
    ['node-app', 'oci-dir', 101, 53],
  ])('%s (%s): same dpkg and npm package sets', async (name, transport, debCount, npmCount) => {
    const path = transport === 'oci-dir' ? join(IMAGES, 'oci', name) : join(IMAGES, 'docker-archive', `${name}.tar`);
    const want = referenceSets(path);
    expect(want.deb).toHaveLength(debCount);
    expect(want.npm).toHaveLength(npmCount);
    const got = await generateAll(`${transport}:${path}`, `${name}-${transport}`);
    expect(got.stderr).not.toContain('error');
    expect(got.code).toBe(0);
    for (const [format, sets] of Object.entries(got.sets)) {
      expect({ format, ...sets }).toEqual({ format, ...want });
    }
    // the tool is recorded, and the CycloneDX output says which engine found what
    const cdx = JSON.parse(readFileSync(got.files['cyclonedx-json']!, 'utf8')) as { metadata: { tools: unknown } };
    expect(JSON.stringify(cdx.metadata.tools)).toContain('"trivy"');
    const native = decodeNativeSbom(JSON.parse(readFileSync(got.files.json!, 'utf8')));
    expect(native.tools.map((t) => t.name)).toEqual(['custody', 'trivy']);
    expect(native.packages.every((p) => p.foundBy.includes('trivy'))).toBe(true);
    if (npmCount > 0) {
      const lodash = native.packages.find((p) => p.name === 'lodash')!;
      expect(lodash.locations[0]!.path).toBe('/srv/app/node_modules/lodash/package.json');
      expect(lodash.purl).toBe('pkg:npm/lodash@4.17.20');
      expect(lodash.licenses).toEqual(['MIT']);
    }
    const bsdutils = native.packages.find((p) => p.name === 'bsdutils')!;
    expect(bsdutils.version).toMatch(/^1:/);
    expect(native.distro).toMatchObject({ id: 'debian' });
  });

  it('dir: of an unpacked root filesystem goes through trivy rootfs: same sets as the image', async () => {
    const want = referenceSets(join(IMAGES, 'docker-archive', 'node-app.tar'));
    const got = await generateAll(`dir:${join(IMAGES, 'rootfs', 'node-app')}`, 'node-app-rootfs');
    expect(got.code).toBe(0);
    for (const [format, sets] of Object.entries(got.sets)) expect({ format, ...sets }).toEqual({ format, ...want });
  });

  it('registry:127.0.0.1:5000 (trivy pulls; the user asked for the network)', async () => {
    const want = referenceSets(join(IMAGES, 'docker-archive', 'debian-min.tar'));
    const got = await generateAll('registry:127.0.0.1:5000/sbomtest/debian-min:latest', 'debian-min-registry', ['--plain-http']);
    expect(got.code).toBe(0);
    expect(got.sets['cyclonedx-json']).toEqual(want);
    expect(got.sets.table).toEqual(want);
  });
});

describe('--engine native,trivy (real trivy)', () => {
  it('node-app: merged by purl, FOUND-BY and AGREEMENT per package, summary on stderr', async () => {
    const jsonFile = join(out, 'merged.json');
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${join(IMAGES, 'docker-archive', 'node-app.tar')}`, '--engine', 'native,trivy', '-o', 'table', '-o', `json=${jsonFile}`], { env, timeoutMs: 600_000 });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+TYPE\s+FOUND-BY\s+AGREEMENT\s+PATH$/);
    // every dpkg package: both engines, with the same (epoch-qualified) version
    const deb = lines.filter((l) => / deb /.test(l));
    expect(deb).toHaveLength(101);
    for (const l of deb) expect(l).toMatch(/\snative, trivy\s+all\s+\/var\/lib\/dpkg\/status$/);
    expect(lines.find((l) => l.startsWith('bsdutils '))).toMatch(/^bsdutils\s+1:2\.38\.1-5\+deb12u3\s+deb\s+native, trivy\s+all\s+\/var\/lib\/dpkg\/status$/);
    const summary = /(\d+) of (\d+) packages found by all of native, trivy/.exec(r.stdout);
    expect(summary).not.toBeNull();
    expect(r.stderr).toMatch(/engines native, trivy: \d+ of \d+ packages found by all/);
    const merged = decodeNativeSbom(JSON.parse(readFileSync(jsonFile, 'utf8')));
    const engines = (p: Sbom['packages'][number]) => (p.metadata?.engines as string[]).join(',');
    expect(merged.packages.filter((p) => p.type === 'deb').every((p) => engines(p) === 'native,trivy')).toBe(true);
    // every row of the table says the same as the merged model: FOUND-BY = engines, AGREEMENT = who missed it
    const rows = lines
      .slice(1)
      .filter((l) => /\s(deb|npm)\s/.test(l))
      .map((l) => l.split(/\s{2,}/))
      .map((c) => `${c[0]}|${c[1]}|${c[2]}|${c[3]}|${c[4]!.split(';')[0]}`)
      .sort();
    const want = merged.packages
      .filter((p) => p.type === 'deb' || p.type === 'npm')
      .map((p) => {
        const e = p.metadata?.engines as string[];
        const missing = ['native', 'trivy'].filter((x) => !e.includes(x));
        return `${p.name}|${p.version}|${p.type}|${e.join(', ')}|${missing.length === 0 ? 'all' : `not ${missing.join(', ')}`}`;
      })
      .sort();
    expect(rows).toEqual(want);
    expect(merged.packages.filter((p) => p.type === 'npm' && engines(p).includes('trivy'))).toHaveLength(53);
    expect(merged.tools.map((t) => t.name)).toEqual(['custody', 'trivy']);
  });
});

describe('--engine trivy errors with the real trivy (exit 4)', () => {
  it.each(['java-log4j', 'java-log4j1'])('%s: jars need trivy\'s Java DB -> TRIVY_JAVA_DB_MISSING explaining what to do', async (name) => {
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${join(IMAGES, 'docker-archive', `${name}.tar`)}`, '--engine', 'trivy'], { env, timeoutMs: 600_000 });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [TRIVY_JAVA_DB_MISSING]: trivy needs its Java DB to catalogue the jars in');
    expect(r.stderr).toContain('trivy image --download-java-db-only');
    expect(r.stderr).toContain('--engine native');
    expect(r.stderr).toContain('cannot skip downloading Java DB');
  });

  it('a corrupt image archive: TOOL_FAILED with trivy\'s own stderr tail', async () => {
    const bad = join(out, 'corrupt.tar');
    writeFileSync(bad, Buffer.alloc(4096, 7));
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${bad}`, '--engine', 'trivy'], { env, timeoutMs: 600_000 });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_FAILED]: trivy exited with code 1 while generating an SBOM of ${bad}`);
    // this trivy build exits 1 without a FATAL line on a corrupt archive: the tail is what it did print,
    // without its colour codes
    expect(r.stderr).toMatch(/hint: its stderr ended with:\n {2}\S+\tINFO\t"--format cyclonedx" disables security scanning/);
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('--engine-timeout 0.2 on node-app: TOOL_TIMEOUT', async () => {
    // (trivy 0.74 built from the module reads node-app in under a second: the limit is below that)
    const fresh = trivyEnv(trivy); // empty cache: trivy has to read every layer
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${join(IMAGES, 'docker-archive', 'node-app.tar')}`, '--engine', 'trivy', '--engine-timeout', '0.2'], { env: fresh, timeoutMs: 120_000 });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error \[TOOL_TIMEOUT\]: trivy (at .* )?did not finish within/);
  });
});
