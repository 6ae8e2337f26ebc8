/**
 * Real tier: layouts written by the real `cosign save` (cosign v2.6.5 and v3.1.3, built from the Go proxy into
 * ~/.cache/custody/peers, or CUSTODY_COSIGN_PATH / CUSTODY_COSIGN3_PATH). A real image from /tmp/images is pushed
 * to the loopback registry under a repository of its own, signed and attested with a key pair made here (no
 * transparency log), and saved; every command then reads the layout as `oci-dir:PATH` (and as an
 * `oci-archive:` tar of it) with no `@digest`: `cosign save` writes the image plus entries annotated
 * `kind: dev.cosignproject.cosign/sigs|atts`, which are not images. A layout that really holds two images is
 * SOURCE_AMBIGUOUS_IMAGE (exit 3) in every command, and each selector of the hint works.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED, IMAGES } from '../helpers/paths.js';
import { copyImage, REGISTRY_HOST } from '../helpers/registry-push.js';
import { runBuilt } from '../helpers/run-cli.js';

const PEERS = join(homedir(), '.cache', 'custody', 'peers');
const COSIGN2 = process.env.CUSTODY_COSIGN_PATH ?? join(PEERS, 'cosign@v2.6.5', 'cosign');
const COSIGN3 = process.env.CUSTODY_COSIGN3_PATH ?? join(PEERS, 'cosign3@v3.1.3', 'cosign');
const haveCosign = existsSync(COSIGN2) && existsSync(COSIGN3);

const BUILDER = 'https://custody.test/builders/release@v1';
const SOURCE = 'github.com/custody-test/app';
const PREDICATE = {
  builder: { id: BUILDER },
  buildType: 'https://custody.test/buildtypes/container@v1',
  invocation: { configSource: { uri: `git+https://${SOURCE}@refs/heads/main`, digest: { sha1: '0123456789abcdef0123456789abcdef01234567' }, entryPoint: '.github/workflows/release.yml' } },
  materials: [{ uri: `git+https://${SOURCE}@refs/heads/main`, digest: { sha1: '0123456789abcdef0123456789abcdef01234567' } }],
};
const OSV_DB = join(GENERATED, 'vuln', 'osv-db');
const truthCount = (image: string): number => (JSON.parse(readFileSync(join(IMAGES, 'truth', image, 'summary.json'), 'utf8')) as { dpkg_packages: number }).dpkg_packages;

let dir: string;
let digest2: string;
let digest3: string;
let repo3: string;
let layout2: string;
let archive2: string;
let layout3: string;
let twoImages: string;

function cosign(bin: string, args: string[]): string {
  return execFileSync(bin, args, { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: '', COSIGN_YES: 'true' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}
const insecure = ['--allow-http-registry', '--allow-insecure-registry'];

beforeAll(() => {
  if (!haveCosign) return;
  dir = mkdtempSync(join(tmpdir(), 'custody-cosign-save-'));
  const run = `${process.pid}-${Date.now()}`;
  cosign(COSIGN2, ['generate-key-pair']);
  mkdirSync(join(dir, 'other'));
  execFileSync(COSIGN2, ['generate-key-pair'], { cwd: join(dir, 'other'), env: { ...process.env, COSIGN_PASSWORD: '' }, stdio: 'ignore' });
  writeFileSync(join(dir, 'predicate.json'), JSON.stringify(PREDICATE));

  // cosign v2: .sig and .att tags, saved as kind: .../sigs and .../atts entries.
  const repo2 = `custody-test/cosign-save-v2-${run}`;
  digest2 = copyImage('debian-min', repo2, 'v1');
  const ref2 = `${REGISTRY_HOST}/${repo2}@${digest2}`;
  cosign(COSIGN2, ['sign', '--key', 'cosign.key', '--tlog-upload=false', ...insecure, ref2]);
  cosign(COSIGN2, ['attest', '--key', 'cosign.key', '--tlog-upload=false', ...insecure, '--type', 'slsaprovenance', '--predicate', 'predicate.json', ref2]);
  layout2 = join(dir, 'saved-v2');
  cosign(COSIGN2, ['save', ...insecure, '--dir', layout2, ref2]);
  archive2 = join(dir, 'saved-v2.tar');
  execFileSync('tar', ['-C', layout2, '-cf', archive2, '.']);

  // cosign v3: new bundle format (OCI 1.1 referrers through the tag schema); its save writes the image entry with
  // an artifactType (the image config media type).
  repo3 = `custody-test/cosign-save-v3-${run}`;
  digest3 = copyImage('python-app', repo3, 'v1');
  const ref3 = `${REGISTRY_HOST}/${repo3}@${digest3}`;
  cosign(COSIGN3, ['sign', '--key', 'cosign.key', '--tlog-upload=false', '--use-signing-config=false', ...insecure, ref3]);
  layout3 = join(dir, 'saved-v3');
  cosign(COSIGN3, ['save', ...insecure, '--dir', layout3, ref3]);

  // Real ambiguity: a second, untagged image copied into a copy of the v2 layout.
  twoImages = join(dir, 'two-images');
  execFileSync('cp', ['-a', layout2, twoImages]);
  execFileSync('skopeo', ['copy', '--quiet', `oci:${join(IMAGES, 'oci', 'node-app')}`, `oci:${twoImages}`], { stdio: 'ignore' });
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveCosign)('cosign save layouts (real cosign v2 and v3)', () => {
  it('cosign v2 wrote the image plus sigs and atts entries, none with a ref name', () => {
    const index = JSON.parse(readFileSync(join(layout2, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations?.kind).sort()).toEqual(['dev.cosignproject.cosign/atts', 'dev.cosignproject.cosign/image', 'dev.cosignproject.cosign/sigs']);
    expect(index.manifests.find((m) => m.annotations?.kind === 'dev.cosignproject.cosign/image')!.digest).toBe(digest2);
  });

  it.each([
    ['oci-dir', () => `oci-dir:${layout2}`],
    ['oci-archive', () => `oci-archive:${archive2}`],
    ['bare path', () => layout2],
  ])('sbom generate reads the one image of a v2 layout (%s)', async (_form, ref) => {
    const r = await runBuilt(['sbom', 'generate', ref(), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { subject: { manifestDigest: string }; packages: { type: string }[] };
    expect(doc.subject.manifestDigest).toBe(digest2);
    expect(doc.packages.filter((p) => p.type === 'deb').length).toBe(truthCount('debian-min'));
  });

  it.each([
    ['oci-dir', () => `oci-dir:${layout2}`],
    ['oci-archive', () => `oci-archive:${archive2}`],
  ])('verify finds and verifies the saved signature (%s); another key does not verify', async (_form, ref) => {
    const r = await runBuilt(['verify', ref(), '--key', join(dir, 'cosign.pub'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { verified: boolean; subject: string; checks: { name: string; ok: boolean; detail: string }[] };
    expect(j.subject.endsWith(`@${digest2}`)).toBe(true);
    expect(j.checks.find((c) => c.name === 'discovery')!.detail).toContain('cosign save signatures');
    expect(j.checks.map((c) => c.name)).toContain('signature-layer');
    const other = await runBuilt(['verify', ref(), '--key', join(dir, 'other', 'cosign.pub')]);
    expect(other.code).toBe(1);
  });

  it.each([
    ['oci-dir', () => `oci-dir:${layout2}`],
    ['oci-archive', () => `oci-archive:${archive2}`],
  ])('provenance check discovers the saved attestation and checks its claims (%s)', async (_form, ref) => {
    const args = ['provenance', 'check', ref(), '--key', join(dir, 'cosign.pub'), '--allow-missing-tlog', '--source-uri', SOURCE];
    const r = await runBuilt([...args, '--builder-id', BUILDER, '-o', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { passed: boolean; artifact: { digests: { sha256: string } } }).artifact.digests.sha256).toBe(digest2.slice(7));
    const wrong = await runBuilt([...args, '--builder-id', 'https://custody.test/builders/other@v1']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ builder-id/);
  });

  it('scan reads the image of the layout', async () => {
    const r = await runBuilt(['scan', `oci-dir:${layout2}`, '--osv-db', OSV_DB, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { packagesScanned: number }).packagesScanned).toBe(truthCount('debian-min'));
  });

  it('audit checks signature, provenance, vulnerabilities and SBOM rules from the layout', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      [
        'images: {requireDigest: true}',
        'signature: {keys: [cosign.pub]}',
        'provenance:',
        `  - keys: [cosign.pub]`,
        `    allowMissingTlog: true`,
        `    builderId: ${BUILDER}`,
        `    sourceUri: [${SOURCE}]`,
        `vulnerabilities: {osvDb: ${OSV_DB}, failOn: critical}`,
        'sbom:',
        '  forbid:',
        '    - name: log4j-core',
        '',
      ].join('\n'),
    );
    for (const ref of [`oci-dir:${layout2}`, `oci-archive:${archive2}`]) {
      const r = await runBuilt(['audit', ref, '--policy', policy, '-o', 'json']);
      const j = JSON.parse(r.stdout) as { ok: boolean; images: { digest: string; checks: { rule: string; status: string; detail: string }[] }[] };
      expect(j.images[0]!.checks.filter((c) => c.status !== 'pass'), ref).toEqual([]);
      expect(j.images[0]!.checks.map((c) => c.rule)).toEqual(['images.requireDigest', 'signature', 'provenance[0]', 'vulnerabilities', 'sbom', 'sbom.forbid[0]']);
      expect(j.images[0]!.digest).toBe(digest2);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('cosign v3: the saved image entry carries an artifactType and is still the image; its signature lives in the registry', async () => {
    const index = JSON.parse(readFileSync(join(layout3, 'index.json'), 'utf8')) as { manifests: { digest: string; artifactType?: string }[] };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]!.artifactType).toBe('application/vnd.oci.image.config.v1+json');
    const gen = await runBuilt(['sbom', 'generate', `oci-dir:${layout3}`, '-o', 'json']);
    expect(gen.code, gen.stderr).toBe(0);
    expect((JSON.parse(gen.stdout) as { subject: { manifestDigest: string } }).subject.manifestDigest).toBe(digest3);
    // cosign v3 save keeps no referrers of a registry without the referrers API: nothing to verify in the layout.
    const local = await runBuilt(['verify', `oci-dir:${layout3}`, '--key', join(dir, 'cosign.pub')]);
    expect(local.code).toBe(1);
    expect(local.stdout).toContain('no signature found');
    // The v3 signature is real: its bundle referrer in the registry verifies.
    const remote = await runBuilt(['verify', `registry:${REGISTRY_HOST}/${repo3}@${digest3}`, '--key', join(dir, 'cosign.pub'), '--plain-http', '-o', 'json']);
    expect(remote.code, remote.stdout + remote.stderr).toBe(0);
    expect((JSON.parse(remote.stdout) as { checks: { name: string; detail: string }[] }).checks.find((c) => c.name === 'discovery')!.detail).toMatch(/[1-9]\d* Sigstore bundle referrer/);
  });

  it('two images in one layout: exit 3 in every command, and each selector of the hint works', async () => {
    const hints: string[] = [];
    for (const argv of [
      ['sbom', 'generate', `oci-dir:${twoImages}`],
      ['verify', `oci-dir:${twoImages}`, '--key', join(dir, 'cosign.pub')],
      ['provenance', 'check', `oci-dir:${twoImages}`, '--key', join(dir, 'cosign.pub'), '--allow-missing-tlog'],
      ['scan', `oci-dir:${twoImages}`, '--osv-db', OSV_DB],
    ]) {
      const r = await runBuilt(argv);
      expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain('[SOURCE_AMBIGUOUS_IMAGE]');
      hints.push(/hint: name one: (.*)$/m.exec(r.stderr)![1]!);
    }
    expect(new Set(hints).size).toBe(1);
    const selectors = hints[0]!.split(' or ');
    expect(selectors).toHaveLength(2);
    const verified: number[] = [];
    for (const s of selectors) {
      expect(s).toMatch(new RegExp(`^oci-dir:${twoImages}@sha256:[0-9a-f]{64}$`));
      const gen = await runBuilt(['sbom', 'generate', s, '-o', 'table']);
      expect(gen.code, gen.stderr).toBe(0);
      verified.push((await runBuilt(['verify', s, '--key', join(dir, 'cosign.pub')])).code);
    }
    // The signed image verifies through its selector; the other one has no signature.
    expect(verified.sort()).toEqual([0, 1]);
  });
});
