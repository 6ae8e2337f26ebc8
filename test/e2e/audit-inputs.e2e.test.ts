/**
 * `custody audit` inputs through the built CLI (issue 15 part B): the policy is checked completely when it is
 * loaded — its YAML, every key file it names, the scanner it needs, the OSV database, ignore and VEX files,
 * ranges — and any problem is exit 3 naming the policy and the key, before any image is fetched (the image
 * here is on a closed port: fetching it would be exit 5). Local images are audited from the layout or archive.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { canDropPrivileges, NOBODY, runBuilt } from '../helpers/run-cli.js';

const V = join(GENERATED, 'verify');
const G = join(GENERATED, 'images');
const VULN = join(GENERATED, 'vuln');
/** Never fetched: a policy problem must end the run before (port 1 is closed: a fetch would be exit 5). */
const IMAGE = `registry:127.0.0.1:1/app@sha256:${'ab'.repeat(32)}`;

let dir: string;
const w = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'custody-audit-inputs-'));
  chmodSync(dir, 0o755);
  copyFileSync(join(V, 'p256.pub'), join(dir, 'cosign.pub'));
  copyFileSync(join(V, 'p256.key.pem'), join(dir, 'cosign.key'));
  copyFileSync(join(V, 'certificate.pem'), join(dir, 'cert.pem'));
  chmodSync(join(dir, 'cosign.pub'), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An empty local vulnerability database: a policy that relies on it must be refused at load. */
const NO_VULNDB = { CUSTODY_VULNDB_DIR: join(tmpdir(), 'custody-no-vulndb-here') };

async function expectPolicyError(policy: string, code: string, text: string): Promise<void> {
  const r = await runBuilt(['audit', IMAGE, '--policy', policy], { env: NO_VULNDB });
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`error [${code}]`);
  expect(r.stderr).toContain(text);
  expect(r.stderr).toMatch(/hint: \S/);
  expect(r.stderr).not.toContain('127.0.0.1:1');
}

describe('a policy that is not a policy', () => {
  it.each([
    ['empty.yaml', '', 'is empty'],
    ['space.yaml', '  \n\t\n', 'is empty'],
    ['null.yaml', 'null\n', 'is YAML null, not a mapping of policy keys'],
    ['tilde.yaml', '~\n', 'is YAML null, not a mapping of policy keys'],
    ['string.yaml', 'just a string\n', 'is a string, not a mapping of policy keys'],
    ['number.yaml', '42\n', 'is a number, not a mapping of policy keys'],
    ['list.yaml', '- images: {}\n', 'is a list, not a mapping of policy keys'],
    ['json-array.json', '[]', 'is a list, not a mapping of policy keys'],
    ['broken.yaml', 'images: [\n', 'is not valid YAML at line'],
    ['two-docs.yaml', 'images: {}\n---\nimages: {}\n', 'is not valid YAML'],
  ])('%s -> exit 3 naming the file', async (name, text, message) => {
    const p = w(name, text);
    await expectPolicyError(p, 'AUDIT_POLICY_INVALID', `policy ${p}`);
    await expectPolicyError(p, 'AUDIT_POLICY_INVALID', message);
  });
});

describe('everything the policy names is checked when it is loaded', () => {
  it.each([
    ['vulnerabilities without osvDb or engine, and no local database', 'vulnerabilities: {failOn: high}\n', 'AUDIT_POLICY_INVALID', ': vulnerabilities: the native scanner needs vulnerability data, and the local database'],
    ['an unknown engine', 'vulnerabilities: {engine: clair}\n', 'AUDIT_POLICY_INVALID', ": vulnerabilities.engine: must be one of osv, grype, trivy, not 'clair'"],
    ['engine osv without a database', 'vulnerabilities: {engine: osv}\n', 'AUDIT_POLICY_INVALID', ': vulnerabilities.engine: osv needs vulnerability data, and the local database'],
    ['a missing OSV database', 'vulnerabilities: {osvDb: ./no-such-db}\n', 'AUDIT_POLICY_OSV_DB_NOT_FOUND', ': vulnerabilities.osvDb: cannot read OSV database ./no-such-db: no such file or directory'],
    ['a missing key', 'signature: {keys: [missing.pub]}\n', 'AUDIT_POLICY_KEY_NOT_FOUND', ': signature.keys[0]: cannot read public key missing.pub: no such file or directory'],
    ['a private key', 'signature: {keys: [cosign.pub, cosign.key]}\n', 'AUDIT_POLICY_KEY_IS_PRIVATE', ': signature.keys[1]: cosign.key is a private key'],
    ['a certificate as key', 'provenance:\n  - keys: [cert.pem]\n', 'AUDIT_POLICY_KEY_IS_CERTIFICATE', ': provenance[0].keys[0]: cert.pem is a certificate, not a public key'],
    ['a directory as key', 'signature: {keys: [.]}\n', 'AUDIT_POLICY_KEY_IS_DIRECTORY', ': signature.keys[0]: cannot read public key .: is a directory'],
    ['a missing ignore file', 'vulnerabilities: {engine: grype, ignore: nope.yaml}\n', 'AUDIT_POLICY_IGNORE_NOT_FOUND', ': vulnerabilities.ignore: cannot read ignore file nope.yaml'],
    ['a malformed ignore file', `vulnerabilities: {engine: grype, ignore: ${join(VULN, 'ignore', 'bad-key.yaml')}}\n`, 'VULN_BAD_IGNORE_FILE', ': vulnerabilities.ignore: '],
    ['a VEX that is not VEX', `vulnerabilities: {engine: grype, vex: [${join(V, 'artifact.p256.sigstore.json')}]}\n`, 'VULN_BAD_VEX', ': vulnerabilities.vex[0]: '],
    ['a bad range', 'sbom:\n  forbid:\n    - name: log4j-core\n      version: ">=2.0 <<2.17"\n', 'AUDIT_POLICY_INVALID', ': sbom.forbid[0].version: '],
    ['a bad purl', 'sbom:\n  forbid:\n    - purl: "maven/log4j"\n', 'AUDIT_POLICY_INVALID', ': sbom.forbid[0]: cannot read --purl'],
    ['a wrong type', 'images: {requireDigest: "yes"}\n', 'AUDIT_POLICY_INVALID', ': images.requireDigest: must be true or false'],
    ['an unknown key', 'images: {requireDigests: true}\n', 'AUDIT_POLICY_INVALID', ": images: unknown key 'requireDigests'"],
  ])('%s -> exit 3 naming the policy and the key', async (_what, text, code, message) => {
    const p = w(`p-${code}-${Math.random().toString(36).slice(2)}.yaml`, text);
    await expectPolicyError(p, code, `policy ${p}${message}`);
  });

  it('a policy whose files are all there loads, and the image is then fetched (exit 5 on the closed port)', async () => {
    const p = w('good.yaml', `signature: {keys: [cosign.pub]}\nvulnerabilities: {osvDb: ${join(VULN, 'osv-db')}, vex: [${join(VULN, 'vex', 'openvex-not-affected.json')}]}\n`);
    const r = await runBuilt(['audit', IMAGE, '--policy', p]);
    expect(r.code, r.stderr).not.toBe(3);
    expect(r.stderr).not.toContain('AUDIT_POLICY');
  });

  it.skipIf(!canDropPrivileges())('a key nobody may read is permission denied, named with the policy key (CLI run as nobody)', async () => {
    copyFileSync(join(V, 'p256.pub'), join(dir, 'locked.pub'));
    chmodSync(join(dir, 'locked.pub'), 0o600);
    const p = w('locked.yaml', 'signature: {keys: [locked.pub]}\n');
    const r = await runBuilt(['audit', IMAGE, '--policy', p], { user: NOBODY, cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`error [AUDIT_POLICY_KEY_PERMISSION_DENIED]: policy ${p}: signature.keys[0]: cannot read public key locked.pub: permission denied`);
  });
});

describe('local images are audited from the layout or archive', () => {
  const policy = (): string =>
    w('local.yaml', `images: {requireDigest: true, forbidLatest: true}\nsignature: {keys: [cosign.pub]}\nvulnerabilities: {osvDb: ${join(VULN, 'osv-db')}, failOn: high}\nsbom:\n  forbid:\n    - name: lodash\n      version: "<4.17.21"\n`);

  it('a cosign save layout: its signature entries are read, its image scanned and catalogued (json)', async () => {
    const r = await runBuilt(['audit', `oci-dir:${G}/cosign-save-oci`, '--policy', policy(), '-o', 'json']);
    const j = JSON.parse(r.stdout) as { images: { image: string; digest: string; checks: { rule: string; status: string; detail: string }[] }[] };
    const checks = Object.fromEntries(j.images[0]!.checks.map((c) => [c.rule, c]));
    expect(j.images[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(checks['images.requireDigest']).toMatchObject({ status: 'pass' });
    expect(checks['images.forbidLatest']).toMatchObject({ status: 'pass' });
    // The fixture's signature entry is a placeholder: it is found and does not verify.
    expect(checks.signature).toMatchObject({ status: 'fail', detail: expect.stringContaining('no signature verifies with key cosign.pub') });
    expect(checks.vulnerabilities).toMatchObject({ status: 'pass' });
    expect(checks.sbom).toMatchObject({ status: 'pass', detail: 'SBOM generated by custody (8 packages)' });
    expect(checks['sbom.forbid[0]']).toMatchObject({ status: 'fail', detail: expect.stringContaining('lodash@4.17.20') });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('127.0.0.1');
  });

  it('a layout whose signature verifies passes the signature rule', async () => {
    const p = w('sig-only.yaml', 'signature: {keys: [cosign.pub]}\n');
    const r = await runBuilt(['audit', `oci-dir:${V}/layout-cosign-save`, '--policy', p]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ signature +signed by key cosign\.pub/);
  });

  it.each([
    [`docker-archive:${G}/example-docker-gzip.tar`, 'docker-archive'],
    [`${G}/example-docker-gzip.tar`, 'docker-archive'],
    [`dir:${G}/example-oci`, 'dir'],
  ])('%s: rules that need a registry or a layout say they cannot apply (fail closed)', async (ref, transport) => {
    const r = await runBuilt(['audit', ref, '--policy', policy(), '-o', 'json']);
    expect(r.code).toBe(1);
    const checks = Object.fromEntries((JSON.parse(r.stdout) as { images: { checks: { rule: string; status: string; detail: string }[] }[] }).images[0]!.checks.map((c) => [c.rule, c]));
    expect(checks.signature).toMatchObject({ status: 'fail', detail: expect.stringContaining(`cannot apply to a local ${transport} source`) });
    expect(checks.vulnerabilities).toMatchObject({ status: 'pass' });
    if (transport === 'dir') expect(checks['images.requireDigest']).toMatchObject({ status: 'fail', detail: expect.stringContaining('has no digest') });
    else expect(checks['images.requireDigest']).toMatchObject({ status: 'pass' });
  });

  it('allowedRegistries cannot be met by a local image', async () => {
    const p = w('registries.yaml', 'images: {allowedRegistries: [ghcr.io/myorg]}\n');
    const r = await runBuilt(['audit', `oci-dir:${G}/cosign-save-oci`, '--policy', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ images\.allowedRegistries +cannot apply to a local oci-dir image/);
  });

  it('a local path that is not an image is exit 3 as in sbom generate, and an ambiguous layout says how to pick', async () => {
    const p = w('empty-policy.yaml', 'images: {}\n');
    const missing = await runBuilt(['audit', './no/such/layout', '--policy', p]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('[SOURCE_NOT_FOUND]');
    const two = await runBuilt(['audit', `oci-dir:${G}/two-images-oci`, '--policy', p]);
    expect(two.code).toBe(3);
    expect(two.stderr).toContain('[SOURCE_AMBIGUOUS_IMAGE]');
    expect(two.stderr).toContain(`oci-dir:${G}/two-images-oci:latest`);
  });

  it('k8s manifests name registry images: a local reference there is refused, never resolved as a host', async () => {
    const p = w('k8s-policy.yaml', 'images: {requireDigest: true}\n');
    const m = w('pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: "oci-dir:${G}/example-oci"}]}\n`);
    const r = await runBuilt(['audit', 'k8s', m, '--policy', p]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error [AUDIT_NOT_A_REGISTRY_IMAGE]: oci-dir:${G}/example-oci is a oci-dir: reference`);
    expect(r.stderr).not.toContain('cannot reach registry');
  });
});
