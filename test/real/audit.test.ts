// Real tier for `custody audit` (issue 9): real Debian images copied into the loopback registry
// (127.0.0.1:5000, started by global-setup) with and without key-based cosign signatures and SLSA
// provenance attestations made here (node:crypto P-256 keys), manifests referencing them by tag and by
// digest, and every policy rule run through the built CLI.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/paths.js';
import { attachAttestations, copyImage, dsseEnvelope, REGISTRY_HOST as R, signImage, slsaStatement } from '../helpers/registry-push.js';
import { runBuilt, type CliResult } from '../helpers/run-cli.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'custody-audit-real-'));
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const wrong = generateKeyPairSync('ec', { namedCurve: 'P-256' });
writeFileSync(join(dir, 'cosign.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'wrong.pub'), wrong.publicKey.export({ type: 'spki', format: 'pem' }));

const BUILDER = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
const BUILD_TYPE = 'https://github.com/slsa-framework/slsa-github-generator/container@v1';
const SLSA02 = 'https://slsa.dev/provenance/v0.2';

/** Digests of what the set-up pushed. */
let signedDigest = '';
let log4jDigest = '';
let driftPinned = '';
let driftNow = '';
const SIGNED = `${R}/audit/signed`;
const UNSIGNED = `${R}/audit/unsigned`;
const LOG4J = `${R}/sbomtest/java-log4j:latest`;

let n = 0;
function policy(yaml: string): string {
  const p = join(dir, `policy-${++n}.yaml`);
  writeFileSync(p, yaml);
  return p;
}
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const audit = (args: string[], stdin?: string): Promise<CliResult> => runBuilt(['audit', ...args, '--plain-http'], { timeoutMs: 240_000, ...(stdin !== undefined ? { stdin } : {}) });

interface JsonCheck { rule: string; status: string; detail: string; evidence?: Record<string, unknown> }
interface JsonImage { image: string; repository: string; tag?: string; digest?: string; ok: boolean; drift?: { tag: string; tagDigest: string; pinnedDigest: string }; checks: JsonCheck[] }
interface JsonResult {
  schemaVersion: number;
  mode: string;
  policyFile: string;
  policyHash: string;
  ok: boolean;
  images: JsonImage[];
  workloads: { kind: string; namespace: string; name: string; origin: string; ok: boolean; excluded: boolean; containers: { name: string; role: string; image: string; ok: boolean }[] }[];
  summary: { images: number; imagesFailed: number; workloads: number; workloadsFailed: number; excluded: number };
}
const json = (r: CliResult): JsonResult => JSON.parse(r.stdout) as JsonResult;
const checkOf = (img: JsonImage | undefined, rule: string): JsonCheck | undefined => img?.checks.find((c) => c.rule === rule);
const imageOf = (j: JsonResult, prefix: string): JsonImage | undefined => j.images.find((i) => i.image.startsWith(prefix));

beforeAll(async () => {
  signedDigest = copyImage('debian-min', 'audit/signed', '1.0');
  expect(copyImage('debian-min', 'audit/unsigned', '1.0')).toBe(signedDigest);
  copyImage('debian-min', 'audit/unsigned', 'latest');
  await signImage('audit/signed', signedDigest, key.privateKey);
  await attachAttestations('audit/signed', signedDigest, [
    { envelope: dsseEnvelope(slsaStatement('audit/signed', signedDigest, { builderId: BUILDER, buildType: BUILD_TYPE }), key.privateKey), predicateType: SLSA02 },
  ]);
  // Tag drift: audit/drift:1.0 first points to debian-min, then is re-pushed with java-log4j1.
  driftPinned = copyImage('debian-min', 'audit/drift', '1.0');
  driftNow = copyImage('java-log4j1', 'audit/drift', '1.0');
  const head = await fetch(`http://${R}/v2/sbomtest/java-log4j/manifests/latest`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  log4jDigest = head.headers.get('docker-content-digest') ?? '';
  expect(log4jDigest).toMatch(/^sha256:/);
}, 180_000);

describe('images rules (no network beyond resolving the tag)', () => {
  it('requireDigest, forbidLatest and allowedRegistries pass on a digest-pinned allowed image and fail by name otherwise', async () => {
    const p = policy(`images:\n  requireDigest: true\n  forbidLatest: true\n  allowedRegistries: ["${R}/audit/*"]\n`);
    const pass = await audit([`${SIGNED}@${signedDigest}`, '--policy', p]);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toContain(`PASS ${SIGNED}@${signedDigest}`);
    expect(pass.stdout).toContain('audit passed: 1/1 images pass');

    const r = await audit([`${SIGNED}:1.0`, `${UNSIGNED}:latest`, UNSIGNED, `${R}/sbomtest/debian-min:latest`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j.ok).toBe(false);
    expect(j.summary).toMatchObject({ images: 4, imagesFailed: 4 });
    const tagged = j.images.find((i) => i.image === `${SIGNED}:1.0`);
    expect(checkOf(tagged, 'images.requireDigest')?.status).toBe('fail');
    expect(tagged?.digest).toBe(signedDigest);
    expect(checkOf(tagged, 'images.forbidLatest')?.status).toBe('pass');
    expect(checkOf(j.images.find((i) => i.image === `${UNSIGNED}:latest`), 'images.forbidLatest')?.status).toBe('fail');
    expect(checkOf(j.images.find((i) => i.image === UNSIGNED), 'images.forbidLatest')?.status).toBe('fail');
    const other = checkOf(j.images.find((i) => i.image.includes('sbomtest/debian-min')), 'images.allowedRegistries');
    expect(other?.status).toBe('fail');
    expect(other?.detail).toContain(`${R}/sbomtest/debian-min is not in allowedRegistries`);
    // the table names the failing rule and the image
    const t = await audit([`${SIGNED}:1.0`, '--policy', p]);
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(new RegExp(`FAIL ${SIGNED.replace(/[.]/g, '\\.')}:1\\.0`));
    expect(t.stdout).toMatch(/✗ images\.requireDigest/);
    expect(t.stdout).toContain('audit failed: 0/1 images pass');
  }, 120_000);
});

describe('signature (key-based cosign .sig)', () => {
  it('the right key passes, a wrong key fails, an unsigned image fails', async () => {
    const right = policy(`signature:\n  keys: [cosign.pub]\n`);
    const ok = await audit([`${SIGNED}:1.0`, '--policy', right, '-o', 'json']);
    expect(ok.stderr).not.toContain('error');
    expect(ok.code).toBe(0);
    expect(checkOf(json(ok).images[0], 'signature')).toMatchObject({ status: 'pass' });

    const unsigned = await audit([`${UNSIGNED}:1.0`, '--policy', right]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toContain(`FAIL ${UNSIGNED}:1.0`);
    expect(unsigned.stdout).toMatch(/✗ signature\s+no signature verifies with key cosign\.pub/);

    const bad = await audit([`${SIGNED}:1.0`, '--policy', policy(`signature:\n  keys: [wrong.pub]\n`), '-o', 'json']);
    expect(bad.code).toBe(1);
    const c = checkOf(json(bad).images[0], 'signature');
    expect(c?.status).toBe('fail');
    expect(c?.detail).toContain('key wrong.pub');
  }, 120_000);
});

describe('provenance (SLSA v0.2 in the cosign .att tag, signed by the test key)', () => {
  const rule = (extra: string, images = '') =>
    policy(`provenance:\n  - keys: [cosign.pub]\n    allowMissingTlog: true\n${images ? `    images: ["${images}"]\n` : ''}${extra}`);
  const right = `    builderId: ${BUILDER}\n    sourceUri: github.com/myorg/myapp\n    workflow: .github/workflows/build.yml\n    buildType: ${BUILD_TYPE}\n`;

  it('the right builder, source, workflow and build type pass', async () => {
    const r = await audit([`${SIGNED}@${signedDigest}`, '--policy', rule(right), '-o', 'json']);
    expect(r.code).toBe(0);
    const c = checkOf(json(r).images[0], 'provenance[0]');
    expect(c?.status).toBe('pass');
    expect(c?.detail).toContain('SLSA provenance verified');
  }, 60_000);

  it.each([
    ['builderId', right.replace(BUILDER, 'https://github.com/evil/builder/.github/workflows/b.yml@refs/tags/v1')],
    ['sourceUri', right.replace('github.com/myorg/myapp', 'github.com/myorg/other')],
    ['workflow', right.replace('.github/workflows/build.yml', '.github/workflows/release.yml')],
    ['buildType', right.replace(BUILD_TYPE, 'https://example.com/other-build-type@v1')],
  ])('a wrong %s fails and says why', async (_claim, yaml) => {
    const r = await audit([`${SIGNED}@${signedDigest}`, '--policy', rule(yaml)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${SIGNED}@${signedDigest}`);
    expect(r.stdout).toMatch(/✗ provenance\[0\]\s+provenance does not hold/);
  }, 60_000);

  it('a wrong signer key fails; a missing attestation fails', async () => {
    const w = await audit([`${SIGNED}@${signedDigest}`, '--policy', policy(`provenance:\n  - keys: [wrong.pub]\n    allowMissingTlog: true\n${right}`)]);
    expect(w.code).toBe(1);
    expect(w.stdout).toMatch(/✗ provenance\[0\]/);
    const m = await audit([`${UNSIGNED}:1.0`, '--policy', rule(right)]);
    expect(m.code).toBe(1);
    expect(m.stdout).toMatch(/✗ provenance\[0\]\s+no attestation is attached/);
  }, 60_000);

  it('a rule scoped by registry glob applies only to the images it names', async () => {
    const p = rule(right, `${R}/audit/signed*`);
    const r = await audit([`${SIGNED}:1.0`, `${UNSIGNED}:1.0`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(0);
    const j = json(r);
    expect(checkOf(imageOf(j, SIGNED), 'provenance[0]')?.status).toBe('pass');
    expect(checkOf(imageOf(j, UNSIGNED), 'provenance[0]')).toBeUndefined();
    // the same rule scoped to the unsigned repository fails it
    const f = await audit([`${UNSIGNED}:1.0`, '--policy', rule(right, `${R}/audit/uns*`)]);
    expect(f.code).toBe(1);
  }, 60_000);
});

describe('vulnerabilities (native OSV engine, a database written here)', () => {
  it('an OSV record matching apt 2.6.2 in debian-min fails failOn high and passes failOn critical', async () => {
    const db = join(dir, 'osv');
    mkdirSync(db, { recursive: true });
    writeFileSync(
      join(db, 'CUSTODY-TEST-1.json'),
      JSON.stringify({
        schema_version: '1.6.0',
        id: 'CUSTODY-TEST-1',
        modified: '2026-01-01T00:00:00Z',
        summary: 'test advisory against apt',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
        affected: [{ package: { ecosystem: 'Debian:12', name: 'apt' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.6.3' }] }] }],
      }),
    );
    const high = await audit([`${SIGNED}:1.0`, '--policy', policy(`vulnerabilities:\n  osvDb: osv\n  failOn: high\n`), '-o', 'json']);
    expect(high.code).toBe(1);
    const c = checkOf(json(high).images[0], 'vulnerabilities');
    expect(c?.status).toBe('fail');
    expect(c?.detail).toContain('CUSTODY-TEST-1');
    const crit = await audit([`${SIGNED}:1.0`, '--policy', policy(`vulnerabilities:\n  osvDb: osv\n  failOn: critical\n`), '-o', 'json']);
    expect(crit.code).toBe(0);
    expect(checkOf(json(crit).images[0], 'vulnerabilities')?.status).toBe('pass');
  }, 120_000);
});

describe('sbom.forbid on java-log4j (log4j-core 2.19.0 in the war and in /usr/share/java)', () => {
  it('< 2.17.1 forbids nothing; < 2.20.0 forbids both copies, naming where they are', async () => {
    const p = policy(
      `sbom:\n  require: generate\n  forbid:\n    - purl: pkg:maven/org.apache.logging.log4j/log4j-core\n      version: "<2.17.1"\n      reason: Log4Shell\n    - purl: pkg:maven/org.apache.logging.log4j/log4j-core\n      version: "<2.20.0"\n`,
    );
    const r = await audit([LOG4J, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const img = json(r).images[0];
    expect(checkOf(img, 'sbom')?.status).toBe('pass');
    expect(checkOf(img, 'sbom')?.detail).toContain('generated by custody');
    expect(checkOf(img, 'sbom.forbid[0]')?.status).toBe('pass');
    const f = checkOf(img, 'sbom.forbid[1]');
    expect(f?.status).toBe('fail');
    expect(f?.detail).toContain('/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar');
    expect(f?.detail).toContain('/usr/share/java/log4j-core.jar');
    const pkgs = (f?.evidence?.packages ?? []) as { version: string }[];
    expect(pkgs.length).toBeGreaterThanOrEqual(2);
    expect(pkgs.every((p) => p.version === '2.19.0')).toBe(true);
  }, 180_000);
});

describe('sbom.require: attestation', () => {
  it('an image without an SBOM attestation fails the sbom rule and skips the forbid rules', async () => {
    const p = policy(`signature:\n  keys: [cosign.pub]\nsbom:\n  require: attestation\n  forbid:\n    - {name: apt}\n`);
    const r = await audit([`${UNSIGNED}:1.0`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const img = json(r).images[0];
    expect(checkOf(img, 'sbom')).toMatchObject({ status: 'fail', detail: 'no SBOM attestation is attached to the image' });
    expect(checkOf(img, 'sbom.forbid[0]')).toBeUndefined();
    // with require: generate the same image's generated SBOM has apt, which the rule forbids
    const g = await audit([`${UNSIGNED}:1.0`, '--policy', policy(`sbom:\n  forbid:\n    - {name: apt, reason: no package managers at runtime}\n`), '-o', 'json']);
    expect(g.code).toBe(1);
    const f = checkOf(json(g).images[0], 'sbom.forbid[0]');
    expect(f?.status).toBe('fail');
    expect(f?.detail).toContain('forbidden package apt (no package managers at runtime): /var/lib/dpkg/status → apt@2.6.2');
  }, 120_000);
});

describe('sbom.require: attestation, with a signed CycloneDX attestation attached', () => {
  const SBOMATT = `${R}/audit/sbomatt`;
  let digest = '';
  beforeAll(async () => {
    digest = copyImage('debian-min', 'audit/sbomatt', '1.0');
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      components: [
        { type: 'library', name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' },
      ],
    };
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://cyclonedx.org/bom',
      subject: [{ name: `${R}/audit/sbomatt`, digest: { sha256: digest.replace(/^sha256:/, '') } }],
      predicate: bom,
    };
    await attachAttestations('audit/sbomatt', digest, [{ envelope: dsseEnvelope(statement, key.privateKey), predicateType: 'https://cyclonedx.org/bom' }]);
  }, 120_000);

  it('the attested SBOM is used (signer from the signature rule) and its forbidden package fails the audit', async () => {
    const p = policy(`signature:\n  keys: [cosign.pub]\nsbom:\n  require: attestation\n  allowMissingTlog: true\n  forbid:\n    - purl: pkg:maven/org.apache.logging.log4j/log4j-core\n      version: '<2.17.1'\n`);
    const r = await audit([`${SBOMATT}@${digest}`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const img = json(r).images[0];
    expect(checkOf(img, 'sbom')?.status).toBe('pass');
    expect(checkOf(img, 'sbom')?.detail).toMatch(/^SBOM attestation .*\(1 packages\)$/);
    expect(checkOf(img, 'sbom.forbid[0]')).toMatchObject({ status: 'fail' });
    expect(checkOf(img, 'sbom.forbid[0]')?.detail).toContain('log4j-core@2.14.1');
    // The image itself is not signed with a .sig: the signature rule fails on its own line.
    expect(checkOf(img, 'signature')?.status).toBe('fail');
  }, 180_000);

  it('without allowMissingTlog the bare envelope is not trusted: no SBOM, the sbom rule fails', async () => {
    const p = policy(`signature:\n  keys: [cosign.pub]\nsbom:\n  require: attestation\n`);
    const r = await audit([`${SBOMATT}@${digest}`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(checkOf(json(r).images[0], 'sbom')).toMatchObject({ status: 'fail', detail: 'no SBOM attestation is attached to the image' });
    expect(r.stderr).toContain('none signed by the policy');
  }, 180_000);

  it('signed with another key: not used', async () => {
    const p = policy(`signature:\n  keys: [wrong.pub]\nsbom:\n  require: attestation\n  allowMissingTlog: true\n`);
    const r = await audit([`${SBOMATT}@${digest}`, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(checkOf(json(r).images[0], 'sbom')?.status).toBe('fail');
  }, 180_000);
});

describe("the guide's three example policies as custody policies, on Kubernetes manifests", () => {
  it('Kyverno require-image-digest: a Pod with a tag fails, the digest-pinned Pod passes', async () => {
    const p = policy(`images:\n  requireDigest: true\n`);
    const m = file(
      'digest.yaml',
      `apiVersion: v1\nkind: Pod\nmetadata: {name: pinned, namespace: apps}\nspec:\n  containers:\n    - {name: app, image: "${SIGNED}@${signedDigest}"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: tagged, namespace: apps}\nspec:\n  containers:\n    - {name: app, image: "${SIGNED}:1.0"}\n`,
    );
    const r = await audit(['k8s', m, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j.workloads.find((w) => w.name === 'pinned')?.ok).toBe(true);
    expect(j.workloads.find((w) => w.name === 'tagged')?.ok).toBe(false);
    expect(checkOf(j.images.find((i) => i.image === `${SIGNED}:1.0`), 'images.requireDigest')?.status).toBe('fail');
    const t = await audit(['k8s', m, '--policy', p]);
    expect(t.stdout).toContain(`FAIL Pod/apps/tagged: app=${SIGNED}:1.0`);
    expect(t.stdout).toContain('PASS Pod/apps/pinned');
  }, 60_000);

  it('Gatekeeper ban-latest with excludedNamespaces kube-system: :latest fails in default, is excluded in kube-system', async () => {
    const p = policy(`images:\n  forbidLatest: true\n  excludedNamespaces: [kube-system]\n`);
    const bad = file('latest.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - {name: web, image: "${UNSIGNED}:latest"}\n`);
    const r = await audit(['k8s', bad, '--policy', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL Pod/default/web: web=${UNSIGNED}:latest`);
    expect(r.stdout).toMatch(/✗ images\.forbidLatest/);
    const sys = file('latest-sys.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  containers:\n    - {name: dns, image: "${UNSIGNED}:latest"}\n`);
    const s = await audit(['k8s', sys, '--policy', p, '-o', 'json']);
    expect(s.code).toBe(0);
    const j = json(s);
    expect(j.workloads[0]).toMatchObject({ excluded: true, namespace: 'kube-system' });
    expect(j.summary.excluded).toBe(1);
    expect(j.images).toHaveLength(0);
    // the default exclusion is kube-system too
    const d = await audit(['k8s', sys, '--policy', policy(`images:\n  forbidLatest: true\n`)]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('1 excluded');
  }, 60_000);

  it('Kyverno verify-slsa-provenance (buildType slsa-github-generator container@v1, workflow build.yml) on the registry glob', async () => {
    // The guide's rule is keyless (GitHub OIDC); here the attestor is the test's key. Images under
    // audit/* stand for ghcr.io/myorg/*.
    const p = policy(
      `provenance:\n  - images: ["${R}/audit/*"]\n    predicateType: ${SLSA02}\n    buildType: ${BUILD_TYPE}\n    sourceUri: github.com/myorg/myapp\n    workflow: .github/workflows/build.yml\n    sourceBranch: main\n    keys: [cosign.pub]\n    allowMissingTlog: true\n`,
    );
    const m = file(
      'slsa.yaml',
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: prod}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: api, image: "${SIGNED}:1.0"}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: prod}\nspec:\n  schedule: "0 0 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - {name: job, image: "${UNSIGNED}:1.0"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: other, namespace: prod}\nspec:\n  containers:\n    - {name: x, image: "${R}/sbomtest/debian-min:latest"}\n`,
    );
    const r = await audit(['k8s', m, '--policy', p, '-o', 'json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j.mode).toBe('k8s');
    expect(j.workloads.map((w) => `${w.kind}/${w.name}:${w.ok}`).sort()).toEqual(['CronJob/nightly:false', 'Deployment/api:true', 'Pod/other:true']);
    expect(checkOf(imageOf(j, SIGNED), 'provenance[0]')?.status).toBe('pass');
    expect(checkOf(imageOf(j, UNSIGNED), 'provenance[0]')?.detail).toContain('no attestation is attached');
    expect(checkOf(imageOf(j, `${R}/sbomtest/`), 'provenance[0]')).toBeUndefined();
  }, 90_000);
});

describe('manifests: stdin Pod list, multi-doc, cache, drift, formats', () => {
  it('a kubectl Pod List on stdin, the same image in many pods audited once', async () => {
    const pod = (name: string, image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' }, spec: { containers: [{ name: 'c', image }] } });
    const list = { apiVersion: 'v1', kind: 'List', items: [...Array.from({ length: 20 }, (_, i) => pod(`p${i}`, `${SIGNED}@${signedDigest}`)), pod('u', `${UNSIGNED}:1.0`)] };
    const r = await audit(['k8s', '-', '--policy', policy(`signature:\n  keys: [cosign.pub]\n`), '-o', 'json'], JSON.stringify(list));
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j.images).toHaveLength(2);
    expect(j.summary).toMatchObject({ images: 2, imagesFailed: 1, workloads: 21, workloadsFailed: 1 });
    expect(j.workloads.filter((w) => w.ok)).toHaveLength(20);
    expect(j.workloads.find((w) => w.name === 'u')?.origin).toBe('-#items[20]');
    expect(j.images.find((i) => i.image.startsWith(SIGNED))?.checks.find((c) => c.rule === 'signature')?.status).toBe('pass');
  }, 60_000);

  it('a tag@digest whose tag was re-pushed reports the drift', async () => {
    expect(driftNow).not.toBe(driftPinned);
    const m = file('drift.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: d, namespace: apps}\nspec:\n  containers:\n    - {name: c, image: "${R}/audit/drift:1.0@${driftPinned}"}\n`);
    const r = await audit(['k8s', m, '--policy', policy(`images:\n  requireDigest: true\n`), '-o', 'json']);
    expect(r.code).toBe(0);
    const img = json(r).images[0];
    expect(img?.digest).toBe(driftPinned);
    expect(img?.drift).toEqual({ tag: '1.0', tagDigest: driftNow, pinnedDigest: driftPinned });
    expect(r.stderr).toContain(`tag 1.0 now points to ${driftNow}`);
    const t = await audit(['k8s', m, '--policy', policy(`images:\n  requireDigest: true\n`)]);
    expect(t.stdout).toContain(`tag 1.0 now points to ${driftNow} (pinned: ${driftPinned})`);
  }, 60_000);

  it('JSON shape, markdown and SARIF (validated against the SARIF 2.1.0 schema)', async () => {
    const p = policy(`images:\n  requireDigest: true\nsignature:\n  keys: [cosign.pub]\n`);
    const args = [`${SIGNED}@${signedDigest}`, `${UNSIGNED}:1.0`, '--policy', p];
    const j = await audit([...args, '-o', 'json']);
    expect(j.code).toBe(1);
    const doc = json(j);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.mode).toBe('image');
    expect(doc.policyFile).toBe(p);
    expect(doc.policyHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.workloads).toEqual([]);
    for (const i of doc.images) {
      expect(i.repository).toMatch(/^127\.0\.0\.1:5000\/audit\//);
      expect(i.digest).toBe(signedDigest);
      for (const c of i.checks) expect(['pass', 'fail', 'skip']).toContain(c.status);
    }
    expect(imageOf(doc, UNSIGNED)?.checks.map((c) => `${c.rule}:${c.status}`)).toEqual(['images.requireDigest:fail', 'signature:fail']);

    const md = await audit([...args, '-o', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('# custody audit: failed');
    expect(md.stdout).toContain(`| \`${UNSIGNED}:1.0\` | \`${signedDigest}\` | ❌ fail | **images.requireDigest**:`);
    expect(md.stdout).toContain('1/2 images pass.');

    const s = await audit([...args, '-o', 'sarif']);
    expect(s.code).toBe(1);
    const sarif = JSON.parse(s.stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const schema = JSON.parse(readFileSync(join(CORPUS, 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['images.requireDigest', 'signature']);
    expect(sarif.runs[0]!.results.every((r) => r.message.text.startsWith(`${UNSIGNED}:1.0: `))).toBe(true);
  }, 90_000);
});

describe('exit codes 3 and 5', () => {
  it('an unknown policy key is exit 3 naming the key; an unreachable registry is exit 5 naming it', async () => {
    const bad = await audit([`${SIGNED}:1.0`, '--policy', policy(`images:\n  requireDigests: true\n`)]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain("unknown key 'requireDigests'");
    const down = await audit(['127.0.0.1:5999/audit/app:1.0', '--policy', policy(`images:\n  forbidLatest: true\n`)]);
    expect(down.code).toBe(5);
    expect(down.stdout).toBe('');
    expect(down.stderr).toContain('127.0.0.1:5999');
  }, 60_000);
});
