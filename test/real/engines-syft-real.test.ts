/**
 * `sbom generate --engine syft` and `--engine native,syft` against the REAL syft (v1.57.2, built from the Go
 * module proxy by scripts/install-peers.mjs, as CI does) on every real image and every source form.
 * References: syft's own syft-json for the same source, run directly here (custody's mapping must keep every
 * artifact), and the images' ground truth (truth/<image>/dpkg.tsv, read from the image's files, not by a
 * scanner): syft's dpkg set must be exactly the installed packages, in every form.
 * The recorded syft outputs of versions we do not run stay in engines-syft.test.ts (stand-in).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSbom } from '../../src/sbom/index.js';
import { decodeNativeSbom } from '../../src/sbom/native/index.js';
import type { Package } from '../../src/sbom/model.js';
import { IMAGES, realImageRefs } from '../helpers/paths.js';
import { peerEnv, realPeer } from '../helpers/peers.js';
import { runBuilt } from '../helpers/run-cli.js';

const SHARED_IMAGES = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'] as const;
const out = mkdtempSync(join(tmpdir(), 'custody-syft-real-'));
let syft = '';
/** syft's own keys per image from the docker-archive run (every image form must give the same). */
const imageKeys = new Map<string, string[]>();
let env: Record<string, string> = {};

beforeAll(async () => {
  const peer = await realPeer('syft');
  syft = peer.path;
  env = peerEnv({ CUSTODY_SYFT_PATH: syft });
}, 1_800_000);

interface Artifact {
  type: string;
  name: string;
  version: string;
  purl?: string;
}

/** syft's own artifacts for `source`, run directly (as a user would, offline). */
function syftDirect(source: string, extraEnv: Record<string, string> = {}): Artifact[] {
  const text = execFileSync(syft, ['scan', source, '-o', 'syft-json', '-q'], { env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return (JSON.parse(text) as { artifacts: Artifact[] }).artifacts;
}

/** One key per package: its purl as syft wrote it (custody keeps purls verbatim), else name@version. */
const artifactKeys = (a: Artifact[]): string[] => a.map((x) => x.purl || `${x.name}@${x.version}`).sort();
const modelKeys = (p: Package[]): string[] => p.map((x) => x.purl || `${x.name}@${x.version}`).sort();

function truthDpkg(image: string): string[] {
  return readFileSync(join(IMAGES, 'truth', image, 'dpkg.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .map(([name, version]) => `${name}@${version}`)
    .sort();
}
const debOf = (p: Package[]): string[] =>
  p
    .filter((x) => x.type === 'deb')
    .map((x) => `${x.name}@${x.version}`)
    .sort();

/** One run writing the json model and a table (and, with `all`, CycloneDX and SPDX too). */
async function generate(ref: string, tag: string, engine = 'syft', extra: string[] = [], all = true): Promise<{ code: number; stderr: string; stdout: string; json: string; cdx: string; spdx: string }> {
  const files = { json: join(out, `${tag}.json`), cdx: join(out, `${tag}.cdx.json`), spdx: join(out, `${tag}.spdx.json`) };
  const outputs = ['-o', `json=${files.json}`, ...(all ? ['-o', `cyclonedx-json=${files.cdx}`, '-o', `spdx-json=${files.spdx}`] : []), '-o', 'table'];
  const r = await runBuilt(['sbom', 'generate', ref, '--engine', engine, ...extra, ...outputs], { env, timeoutMs: 600_000 });
  return { ...r, ...files };
}

describe('--engine syft (real syft 1.57.2) on every real image', () => {
  // (and the project's real-artefacts image: jars, wheels, a Rust and a Go binary beside the dpkg database)
  it.each([...SHARED_IMAGES, 'real-artefacts'])('%s (docker-archive): every artifact syft reports is in custody\'s SBOM, in every format; the dpkg set is the installed set', async (image) => {
    const source = `docker-archive:${join(IMAGES, 'docker-archive', `${image}.tar`)}`;
    const direct = syftDirect(source);
    expect(direct.length).toBeGreaterThan(80);
    imageKeys.set(image, artifactKeys(direct));
    const r = await generate(source, `${image}-docker-archive`);
    expect(r.stderr).not.toMatch(/error|warn/i);
    expect(r.code).toBe(0);
    const model = decodeNativeSbom(JSON.parse(readFileSync(r.json, 'utf8')));
    expect(model.tools).toEqual([{ name: 'custody', version: expect.any(String) }, { name: 'syft', version: '1.57.2', vendor: 'anchore' }]);
    expect(model.distro).toMatchObject({ id: 'debian', versionId: expect.stringMatching(/^12(\.|$)/) });
    expect(modelKeys(model.packages)).toEqual(artifactKeys(direct));
    expect(model.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(direct.map((a) => `${a.name}@${a.version}`).sort());
    expect(model.packages.every((p) => p.foundBy.length === 1 && p.foundBy[0] === 'syft')).toBe(true);
    // ground truth: the packages dpkg says are installed, no more, no fewer
    expect(debOf(model.packages)).toEqual(truthDpkg(image));
    // CycloneDX and SPDX carry the same packages
    for (const file of [r.cdx, r.spdx]) {
      const back = await readSbom(file);
      expect(debOf(back.packages)).toEqual(truthDpkg(image));
      // (re-read, they also hold the distro, and SPDX the described image, pkg:oci/..., as packages)
      const purls = (p: Package[]): string[] => p.flatMap((x) => (x.purl && !x.purl.startsWith('pkg:oci/') ? [x.purl] : [])).sort();
      expect(purls(back.packages)).toEqual(purls(model.packages));
    }
  });
});

describe('--engine syft (real syft) on every source form', () => {
  const cases = SHARED_IMAGES.flatMap((image) => realImageRefs(image).filter(([form]) => form !== 'docker-archive').map(([form, ref]) => [image, form, ref] as const));
  it.each(cases)('%s via %s: the dpkg set is the installed set and custody keeps all of syft\'s artifacts', async (image, form, ref) => {
    const plain = form === 'registry' ? ['--plain-http'] : [];
    const r = await generate(ref, `${image}-${form}`, 'syft', plain, false);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const model = decodeNativeSbom(JSON.parse(readFileSync(r.json, 'utf8')));
    expect(debOf(model.packages)).toEqual(truthDpkg(image));
    // Every image form gives what syft itself reports for the docker-archive (one direct syft run per image
    // above); a root filesystem is read with syft's directory catalogers, so it is compared with syft run
    // directly on the same directory.
    const want = form === 'dir' || !imageKeys.has(image) ? artifactKeys(syftDirect(ref, form === 'registry' ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true' } : {})) : imageKeys.get(image)!;
    expect(modelKeys(model.packages)).toEqual(want);
    expect(model.subject).toMatchObject({ transport: form.startsWith('docker-archive') ? 'docker-archive' : form });
  });
});

describe('--engine native,syft (real syft): merged by purl', () => {
  it.each(SHARED_IMAGES)('%s: every installed dpkg package is found by both engines with the same version', async (image) => {
    const source = `docker-archive:${join(IMAGES, 'docker-archive', `${image}.tar`)}`;
    const r = await generate(source, `${image}-merged`, 'native,syft', [], false);
    expect(r.code).toBe(0);
    const merged = decodeNativeSbom(JSON.parse(readFileSync(r.json, 'utf8')));
    const engines = (p: Package): string => ((p.metadata?.engines as string[] | undefined) ?? []).join(',');
    const deb = merged.packages.filter((p) => p.type === 'deb');
    expect(debOf(deb)).toEqual(truthDpkg(image));
    for (const p of deb) expect({ p: `${p.name}@${p.version}`, engines: engines(p), disagreements: p.metadata?.disagreements }).toEqual({ p: `${p.name}@${p.version}`, engines: 'native,syft', disagreements: undefined });
    // the table's last line and the stderr summary count the same merged model
    const all = merged.packages.filter((p) => engines(p) === 'native,syft').length;
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`${all} of ${merged.packages.length} packages found by all of native, syft`);
    expect(r.stderr).toContain(`engines native, syft: ${all} of ${merged.packages.length} packages found by all`);
    expect(merged.tools.map((t) => t.name)).toEqual(['custody', 'syft']);
  });
});

describe('--engine syft (real syft) failures', () => {
  it('a corrupt image archive: exit 4 TOOL_FAILED carrying syft\'s own message', async () => {
    const bad = join(out, 'corrupt.tar');
    execFileSync('dd', ['if=/dev/urandom', `of=${bad}`, 'bs=4096', 'count=1'], { stdio: 'ignore' });
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${bad}`, '--engine', 'syft'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_FAILED]: syft exited with code 1 while cataloguing docker-archive:${bad}`);
    // syft's own words (custody runs it without -q, which would make it exit 1 silently)
    expect(r.stderr).toContain('could not determine source');
    expect(r.stderr).toContain('invalid tar header');
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('a registry that is not there: exit 4 with syft\'s connection error (custody passes the source on)', async () => {
    const r = await runBuilt(['sbom', 'generate', `registry:127.0.0.1:9/none/such:latest`, '--plain-http', '--engine', 'syft'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error [TOOL_FAILED]: syft exited with code 1 while cataloguing registry:127.0.0.1:9/none/such:latest');
    expect(r.stderr).toContain('connection refused');
  });

  it('--engine-timeout 1: TOOL_TIMEOUT', async () => {
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${join(IMAGES, 'docker-archive', 'java-log4j.tar')}`, '--engine', 'syft', '--engine-timeout', '1'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error \[TOOL_TIMEOUT\]: syft (at .* )?did not finish within 1 s/);
  });
});
