/**
 * Cross-check with the reference implementation, verdict by verdict: real images in the loopback registry
 * (copies under peers/cosign<N>-*, so other tests' repositories are untouched) are signed and attested by the
 * REAL cosign — v2.6.5 (`.sig`/`.att` tags) and v3.1.3 (Sigstore bundles as OCI referrers, tag-schema
 * fallback on this registry) — with key pairs made here, the transparency-log upload off. For every case,
 * `cosign verify` / `cosign verify-attestation` and `custody verify` / `custody provenance check` /
 * `custody audit` give a verdict; each pair must agree with the other and with what the case is. A
 * disagreement is a case of its own below, saying who is right and why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../helpers/paths.js';
import { peerEnv, peerPath } from '../helpers/peers.js';
import { copyImage, pushBlob, pushManifest, REGISTRY_HOST } from '../helpers/registry-push.js';
import { runBuilt } from '../helpers/run-cli.js';

const REG = `http://${REGISTRY_HOST}`;
const work = mkdtempSync(join(tmpdir(), 'custody-peers-cosign-'));
const BUILDER = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
const SOURCE = 'github.com/custody-test/app';
const PREDICATE = {
  builder: { id: BUILDER },
  buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
  invocation: { configSource: { uri: `git+https://${SOURCE}@refs/heads/main`, digest: { sha1: '4d329c75e7ec5bb1d0f5bd02c3aee41d1d5e4ef2' }, entryPoint: '.github/workflows/build.yml' } },
  materials: [{ uri: `git+https://${SOURCE}@refs/heads/main`, digest: { sha1: '4d329c75e7ec5bb1d0f5bd02c3aee41d1d5e4ef2' } }],
};

type Version = 'v2' | 'v3';
interface Setup {
  cosign: string;
  repo: string;
  /** the signed and attested image */
  signed: string;
  /** another image in the same repository, never signed */
  other: string;
  /** a third image whose signature is tampered with after signing */
  tampered: string;
  /** a fourth image carrying the signed image's signature (a signature of another digest) */
  wrongsig: string;
}

let env: Record<string, string> = {};
const files = {
  keyA: join(work, 'a.key'),
  pubA: join(work, 'a.pub'),
  keyB: join(work, 'b.key'),
  pubB: join(work, 'b.pub'),
  signingConfig: join(work, 'signing-config.json'),
  predicate: join(work, 'provenance.json'),
  spdx: join(work, 'sbom.spdx.json'),
  cdx: join(work, 'sbom.cdx.json'),
};
const setups = new Map<Version, Setup>();

function cosign(bin: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(bin, args, { env: { ...env, COSIGN_PASSWORD: '' }, encoding: 'utf8', timeout: 120_000, cwd: work });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function mustCosign(bin: string, args: string[]): string {
  const r = cosign(bin, args);
  if (r.code !== 0) throw new Error(`cosign ${args.join(' ')} exited ${r.code}:\n${r.out}`);
  return r.out;
}

const registryFlags = ['--allow-insecure-registry', '--allow-http-registry'];
/** How each version signs with a key and no transparency log: v2 `--tlog-upload=false`; v3 refuses that
 * flag and takes a signing config without log services instead. */
const noTlog = (v: Version): string[] => (v === 'v2' ? ['--tlog-upload=false'] : ['--signing-config', files.signingConfig]);

async function getJson(path: string, accept = 'application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json'): Promise<{ body: Record<string, unknown>; type: string }> {
  const res = await fetch(`${REG}${path}`, { headers: { accept } });
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return { body: (await res.json()) as Record<string, unknown>, type: res.headers.get('content-type') ?? '' };
}
async function getBlob(repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`${REG}/v2/${repo}/blobs/${digest}`);
  if (res.status !== 200) throw new Error(`GET blob ${digest}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
const tagOf = (digest: string): string => digest.replace(':', '-');

beforeAll(async () => {
  env = peerEnv();
  const cosign2 = await peerPath('cosign');
  const cosign3 = await peerPath('cosign3');
  for (const k of ['a', 'b']) {
    mustCosign(cosign2, ['generate-key-pair', '--output-key-prefix', join(work, k)]);
  }
  // a Sigstore signing config with no services: cosign v3 signs with the key only, uploads nothing
  writeFileSync(files.signingConfig, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json' }));
  writeFileSync(files.predicate, JSON.stringify(PREDICATE));
  // SBOM predicates: custody's own SBOMs of the image (any real SPDX / CycloneDX document would do)
  const gen = await runBuilt(['sbom', 'generate', `oci-dir:${join(IMAGES, 'oci', 'debian-min')}`, '-o', `spdx-json=${files.spdx}`, '-o', `cyclonedx-json=${files.cdx}`], { env });
  if (gen.code !== 0) throw new Error(gen.stderr);

  for (const [v, bin] of [['v2', cosign2], ['v3', cosign3]] as const) {
    const repo = `peers/cosign${v.slice(1)}-${process.pid}`;
    const signed = copyImage('debian-min', repo, 'signed');
    const other = copyImage('java-log4j1', repo, 'other');
    const tampered = copyImage('python-app', repo, 'tampered');
    const wrongsig = copyImage('layered-whiteout', repo, 'wrongsig');
    const s: Setup = { cosign: bin, repo, signed, other, tampered, wrongsig };
    setups.set(v, s);
    const ref = (d: string): string => `${REGISTRY_HOST}/${repo}@${d}`;
    for (const d of [signed, tampered]) mustCosign(bin, ['sign', '--key', files.keyA, ...noTlog(v), ...registryFlags, '-y', ref(d)]);
    for (const [type, predicate] of [['slsaprovenance', files.predicate], ['spdxjson', files.spdx], ['cyclonedx', files.cdx]] as const) {
      mustCosign(bin, ['attest', '--key', files.keyA, '--type', type, '--predicate', predicate, ...noTlog(v), ...registryFlags, '-y', ref(signed)]);
    }
    // a re-tagged image: `release` pointed at the signed image when it was signed, then moved to the other one
    copyImage('debian-min', repo, 'release');
    copyImage('java-log4j1', repo, 'release');
    await tamper(v, s);
    await signatureOfAnotherDigest(v, s);
  }
}, 1_800_000);

/**
 * Change one byte of what the signature covers, after signing: v2 — the simple-signing payload layer of the
 * `.sig` manifest (new blob, same signature annotation); v3 — the DSSE payload inside the Sigstore bundle
 * (new bundle blob, new referrer manifest, the tag-schema index pointed at it).
 */
async function tamper(v: Version, s: Setup): Promise<void> {
  if (v === 'v2') {
    const tag = `${tagOf(s.tampered)}.sig`;
    const { body: m } = await getJson(`/v2/${s.repo}/manifests/${tag}`);
    const layer = (m.layers as Record<string, unknown>[])[0]!;
    const payload = JSON.parse((await getBlob(s.repo, layer.digest as string)).toString('utf8')) as { optional: Record<string, string> | null };
    payload.optional = { ...(payload.optional ?? {}), note: 'changed after signing' };
    const blob = await pushBlob(s.repo, Buffer.from(JSON.stringify(payload)));
    await pushManifest(s.repo, tag, { ...m, layers: [{ ...layer, ...blob }] });
    return;
  }
  const tag = tagOf(s.tampered);
  const { body: index } = await getJson(`/v2/${s.repo}/manifests/${tag}`, 'application/vnd.oci.image.index.v1+json');
  const entries = index.manifests as Record<string, unknown>[];
  const entry = entries[0]!;
  const { body: m } = await getJson(`/v2/${s.repo}/manifests/${entry.digest as string}`);
  const layer = (m.layers as Record<string, unknown>[])[0]!;
  const bundle = JSON.parse((await getBlob(s.repo, layer.digest as string)).toString('utf8')) as { dsseEnvelope: { payload: string } };
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: Record<string, unknown> };
  statement.predicate = { ...statement.predicate, note: 'changed after signing' };
  bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  const blob = await pushBlob(s.repo, Buffer.from(JSON.stringify(bundle)));
  const manifest = { ...m, layers: [{ ...layer, ...blob }] };
  const digest = await pushManifest(s.repo, `tampered-referrer`, manifest);
  const size = Buffer.byteLength(JSON.stringify(manifest));
  await pushManifest(s.repo, tag, { ...index, manifests: [{ ...entry, digest, size }] }, 'application/vnd.oci.image.index.v1+json');
}

/** Put the signed image's signature where the `wrongsig` image's would be (a signature of another digest). */
async function signatureOfAnotherDigest(v: Version, s: Setup): Promise<void> {
  const [from, to, type] = v === 'v2' ? [`${tagOf(s.signed)}.sig`, `${tagOf(s.wrongsig)}.sig`, 'application/vnd.oci.image.manifest.v1+json'] : [tagOf(s.signed), tagOf(s.wrongsig), 'application/vnd.oci.image.index.v1+json'];
  const { body } = await getJson(`/v2/${s.repo}/manifests/${from}`, type);
  await pushManifest(s.repo, to, body, type);
}

interface Verdicts {
  cosign: boolean;
  custody: boolean;
  cosignOut: string;
  custodyOut: string;
}

async function verifyBoth(v: Version, ref: string, pub: string): Promise<Verdicts> {
  const s = setups.get(v)!;
  const c = cosign(s.cosign, ['verify', '--key', pub, '--insecure-ignore-tlog', ...registryFlags, ref]);
  const r = await runBuilt(['verify', `registry:${ref}`, '--key', pub, '--plain-http'], { env });
  expect([0, 1], r.stderr).toContain(r.code);
  return { cosign: c.code === 0, custody: r.code === 0, cosignOut: c.out, custodyOut: r.stdout + r.stderr };
}

async function attestationBoth(v: Version, ref: string, digestRef: string, pub: string, type: string): Promise<Verdicts> {
  const s = setups.get(v)!;
  const c = cosign(s.cosign, ['verify-attestation', '--key', pub, '--type', type, '--insecure-ignore-tlog', ...registryFlags, ref]);
  const r = await runBuilt(['provenance', 'check', `registry:${digestRef}`, '--key', pub, '--plain-http', '--allow-missing-tlog', '--source-uri', SOURCE, '--builder-id', BUILDER], { env });
  expect([0, 1], r.stderr).toContain(r.code);
  return { cosign: c.code === 0, custody: r.code === 0, cosignOut: c.out, custodyOut: r.stdout + r.stderr };
}

function policy(name: string, pub: string, extra = ''): string {
  const file = join(work, `${name}.policy.yaml`);
  writeFileSync(file, `signature:\n  keys: [${pub}]\nprovenance:\n  - keys: [${pub}]\n    allowMissingTlog: true\n    sourceUri: [${SOURCE}]\n    builderId: ${BUILDER}\nsbom:\n  require: attestation\n  allowMissingTlog: true\n${extra}`);
  return file;
}

async function audit(ref: string, policyFile: string): Promise<{ pass: boolean; out: string }> {
  const r = await runBuilt(['audit', `registry:${ref}`, '--plain-http', '--policy', policyFile], { env });
  expect([0, 1], r.stderr).toContain(r.code);
  return { pass: r.code === 0, out: r.stdout + r.stderr };
}

for (const v of ['v2', 'v3'] as const) {
  describe(`cosign ${v === 'v2' ? '2.6.5 (.sig/.att tags)' : '3.1.3 (Sigstore bundles as referrers)'} and custody agree, verdict by verdict`, () => {
    const ref = (d: string): string => `${REGISTRY_HOST}/${setups.get(v)!.repo}@${d}`;
    const cases: [string, () => string, () => string, boolean][] = [
      ['signed image, the signing key', () => ref(setups.get(v)!.signed), () => files.pubA, true],
      ['signed image, another key', () => ref(setups.get(v)!.signed), () => files.pubB, false],
      ['image never signed (missing signature)', () => ref(setups.get(v)!.other), () => files.pubA, false],
      ['payload changed after signing', () => ref(setups.get(v)!.tampered), () => files.pubA, false],
      ['re-tagged: the tag now names an unsigned image', () => `${REGISTRY_HOST}/${setups.get(v)!.repo}:release`, () => files.pubA, false],
    ];
    it.each(cases)('verify: %s', async (_name, subject, key, want) => {
      const got = await verifyBoth(v, subject(), key());
      expect({ cosign: got.cosign, custody: got.custody }, `cosign:\n${got.cosignOut}\ncustody:\n${got.custodyOut}`).toEqual({ cosign: want, custody: want });
    });

    it('verify: a signature of another digest stored under this image\'s tag', async () => {
      // (the `wrongsig` image carries the signed image's signature: both must refuse it — the signed payload /
      // statement names the other digest)
      const got = await verifyBoth(v, ref(setups.get(v)!.wrongsig), files.pubA);
      expect({ cosign: got.cosign, custody: got.custody }, `cosign:\n${got.cosignOut}\ncustody:\n${got.custodyOut}`).toEqual({ cosign: false, custody: false });
      expect(got.custodyOut).toMatch(v === 'v2' ? /✗ docker-manifest-digest\s+payload signs sha256:/ : /✗ artifact/);
    });

    it.each([
      ['slsaprovenance', 'the signing key', true],
      ['slsaprovenance', 'another key', false],
    ] as const)('attestation %s, %s: cosign verify-attestation = custody provenance check', async (type, which, want) => {
      const d = ref(setups.get(v)!.signed);
      const got = await attestationBoth(v, d, d, which === 'the signing key' ? files.pubA : files.pubB, type);
      expect({ cosign: got.cosign, custody: got.custody }, `cosign:\n${got.cosignOut}\ncustody:\n${got.custodyOut}`).toEqual({ cosign: want, custody: want });
    });

    it.each(['spdxjson', 'cyclonedx'])('attestation %s: cosign verify-attestation passes; custody audit reads the same verified SBOM', async (type) => {
      const s = setups.get(v)!;
      const c = cosign(s.cosign, ['verify-attestation', '--key', files.pubA, '--type', type, '--insecure-ignore-tlog', ...registryFlags, ref(s.signed)]);
      expect(c.code, c.out).toBe(0);
      const wrong = cosign(s.cosign, ['verify-attestation', '--key', files.pubB, '--type', type, '--insecure-ignore-tlog', ...registryFlags, ref(s.signed)]);
      expect(wrong.code).not.toBe(0);
      const a = await audit(ref(s.signed), policy(`${v}-${type}`, files.pubA));
      expect(a.pass, a.out).toBe(true);
      expect(a.out).toMatch(/✓ signature\s+signed by key/);
      expect(a.out).toMatch(/✓ provenance\[0\]\s+SLSA provenance verified: github\.com\/custody-test\/app/);
      expect(a.out).toMatch(/✓ sbom\s+SBOM attestation/);
    });

    it.each([
      ['another key', 'signed', () => files.pubB],
      ['image never signed', 'other', () => files.pubA],
      ['payload changed after signing', 'tampered', () => files.pubA],
      ['a signature of another digest', 'wrongsig', () => files.pubA],
    ] as const)('audit agrees with cosign: %s fails the signature, provenance and SBOM rules', async (_name, which, key) => {
      const s = setups.get(v)!;
      const d = s[which];
      const c = cosign(s.cosign, ['verify', '--key', key(), '--insecure-ignore-tlog', ...registryFlags, ref(d)]);
      expect(c.code).not.toBe(0);
      const a = await audit(ref(d), policy(`${v}-${which}`, key()));
      expect(a.pass, a.out).toBe(false);
      expect(a.out).toMatch(/✗ signature/);
    });
  });
}

describe('cosign attach sbom (v2): an unsigned attachment', () => {
  it('cosign stores it unsigned; custody audit with sbom.require: attestation does not count it (it is no attestation)', async () => {
    const s = setups.get('v2')!;
    const repo = s.repo;
    const d = copyImage('java-log4j1', `${repo}-attach`, 'latest');
    const ref = `${REGISTRY_HOST}/${repo}-attach@${d}`;
    mustCosign(s.cosign, ['attach', 'sbom', '--sbom', files.spdx, '--type', 'spdx', ...registryFlags, ref]);
    const tags = (await getJson(`/v2/${repo}-attach/tags/list`, 'application/json')).body.tags as string[];
    expect(tags).toContain(`${tagOf(d)}.sbom`);
    // cosign itself has no signature to check on it
    const c = cosign(s.cosign, ['verify', '--key', files.pubA, '--insecure-ignore-tlog', ...registryFlags, ref]);
    expect(c.code).not.toBe(0);
    const policyFile = join(work, 'attach.policy.yaml');
    writeFileSync(policyFile, `sbom:\n  require: attestation\n  allowMissingTlog: true\n`);
    const a = await audit(ref, policyFile);
    expect(a.pass, a.out).toBe(false);
    expect(a.out).toMatch(/✗ sbom/);
  });
});

describe('an image signed by both cosign v2 and v3', () => {
  it('custody finds the v2 .sig tag and the v3 bundle referrer and verifies; cosign v3 agrees; cosign v2 refuses offline (explained)', async () => {
    const s2 = setups.get('v2')!;
    const s3 = setups.get('v3')!;
    const repo = `peers/cosign-both-${process.pid}`;
    const d = copyImage('debian-min', repo, 'latest');
    const ref = `${REGISTRY_HOST}/${repo}@${d}`;
    mustCosign(s2.cosign, ['sign', '--key', files.keyA, ...noTlog('v2'), ...registryFlags, '-y', ref]);
    mustCosign(s3.cosign, ['sign', '--key', files.keyA, ...noTlog('v3'), ...registryFlags, '-y', ref]);
    const r = await runBuilt(['verify', `registry:${ref}`, '--key', files.pubA, '--plain-http', '-o', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { checks: { name: string; detail: string }[] };
    expect(report.checks.find((c) => c.name === 'discovery')?.detail).toMatch(/^1 cosign signature\(s\) in .*\.sig, 1 Sigstore bundle referrer\(s\)$/);
    expect(cosign(s3.cosign, ['verify', '--key', files.pubA, '--insecure-ignore-tlog', ...registryFlags, ref]).code).toBe(0);
    // Disagreement, custody (and cosign v3) right: cosign 2.6.5 sees the bundle referrer, switches to the new
    // bundle format whatever --new-bundle-format says, and then wants a Sigstore trusted root (from TUF,
    // online) even for a key-based signature; offline it fails without trying the valid .sig signature.
    // Both signatures verify with the key: there is nothing wrong with the image.
    const v2 = cosign(s2.cosign, ['verify', '--key', files.pubA, '--insecure-ignore-tlog', ...registryFlags, ref]);
    expect(v2.code).toBe(1);
    expect(v2.out).toContain('trusted root is required when using new bundle format');
  });
});

// keep the image-building helper honest: the copies are of the real images
it('the copies in the registry are the real images (manifest digests as in the OCI layouts)', () => {
  const want = execFileSync('jq', ['-r', '.manifests[0].digest', join(IMAGES, 'oci', 'debian-min', 'index.json')], { encoding: 'utf8' }).trim();
  expect(setups.get('v2')!.signed).toBe(want);
  expect(setups.get('v3')!.signed).toBe(want);
});
