/**
 * Errors name the real cause (issue 15 part B), through the built CLI: every source form and every named
 * input file (SBOM, bundle, signature, key, policy, trusted root) says "permission denied", "is a directory",
 * "not a directory", "symbolic link loop" or "does not exist" with its own code and a hint; a wrong
 * transport for what the path holds names the right one; SOURCE_DATE_EPOCH and --platform are checked.
 *
 * Tests run as root here, and root may read every file: the permission-denied cases spawn the CLI as
 * nobody:nogroup (spawn's uid/gid options) over a copy of the fixtures in a temp dir nobody may enter.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { canDropPrivileges, NOBODY, PROJECT_ROOT, runBuilt } from '../helpers/run-cli.js';

const G = join(GENERATED, 'images');
const V = join(GENERATED, 'verify');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-input-errors-'));
  chmodSync(tmp, 0o755);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh directory under tmp that nobody may enter and read. */
function scratch(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755);
  return d;
}

function expectError(r: { code: number; stdout: string; stderr: string }, exit: number, code: string, text: string): void {
  expect(r.code, r.stderr).toBe(exit);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`error [${code}]`);
  expect(r.stderr).toContain(text);
  expect(r.stderr).toMatch(/hint: \S/);
  expect(r.stderr).not.toContain('internal error');
}

describe('sources: the transport must fit what the path holds', () => {
  it.each([
    [`docker-archive:${G}/example-oci`, 'SOURCE_IS_DIRECTORY', 'is a directory, and docker-archive: reads a tar file', `it is an OCI image layout: use oci-dir:${G}/example-oci`],
    [`oci-archive:${G}/example-oci`, 'SOURCE_IS_DIRECTORY', 'is a directory, and oci-archive: reads a tar file', `use oci-dir:${G}/example-oci`],
    [`docker-archive:${GENERATED}/catalog`, 'SOURCE_IS_DIRECTORY', 'is a directory', `for a root filesystem use dir:${GENERATED}/catalog`],
    [`oci-dir:${G}/example-oci.tar`, 'SOURCE_NOT_A_DIRECTORY', 'oci-dir: reads a directory', `it is an image archive: use oci-archive:${G}/example-oci.tar`],
    [`oci-dir:${G}/example-docker-gzip.tar`, 'SOURCE_NOT_A_DIRECTORY', 'oci-dir: reads a directory', `use docker-archive:${G}/example-docker-gzip.tar`],
    [`dir:${G}/example-oci.tar`, 'SOURCE_NOT_A_DIRECTORY', 'dir: reads a directory', `use oci-archive:${G}/example-oci.tar`],
    [`oci-archive:${G}/example-docker-gzip.tar`, 'SOURCE_NOT_OCI_LAYOUT', 'is a docker-archive (docker save output), not an OCI layout tar', `use docker-archive:${G}/example-docker-gzip.tar`],
    [`oci-dir:${G}/example-oci.tar/index.json`, 'SOURCE_NOT_A_DIRECTORY', 'a component of the path is not a directory', 'is a file, not a directory'],
  ])('%s -> exit 3 %s', async (ref, code, text, hint) => {
    const r = await runBuilt(['sbom', 'generate', ref]);
    expectError(r, 3, code, text);
    expect(r.stderr).toContain(hint);
  });

  it('a symbolic link loop is named as one', async () => {
    const d = scratch('loop');
    symlinkSync('b.tar', join(d, 'a.tar'));
    symlinkSync('a.tar', join(d, 'b.tar'));
    expectError(await runBuilt(['sbom', 'generate', join(d, 'a.tar')]), 3, 'SOURCE_SYMLINK_LOOP', 'too many levels of symbolic links');
    expectError(await runBuilt(['sbom', 'generate', `docker-archive:${join(d, 'a.tar')}`]), 3, 'SOURCE_SYMLINK_LOOP', 'too many levels of symbolic links');
  });
});

describe('SOURCE_DATE_EPOCH', () => {
  it.each([['abc'], ['1.5'], ['-1'], [' 1700000000'], ['1e9'], ['253402300800'], ['99999999999999999999']])('%j is exit 2 naming the variable', async (value) => {
    const r = await runBuilt(['sbom', 'generate', `dir:${G}/example-oci`, '-o', 'table'], { env: { SOURCE_DATE_EPOCH: value } });
    expectError(r, 2, 'CLI_BAD_SOURCE_DATE_EPOCH', 'SOURCE_DATE_EPOCH=');
  });

  it('is checked for every command, before any work', async () => {
    const r = await runBuilt(['sbom', 'query', G, '--name', 'bash'], { env: { SOURCE_DATE_EPOCH: 'yesterday' } });
    expectError(r, 2, 'CLI_BAD_SOURCE_DATE_EPOCH', 'SOURCE_DATE_EPOCH="yesterday" is not a whole number of seconds');
  });

  it('0, the end of year 9999 and empty are accepted', async () => {
    for (const [value, stamp] of [['0', '1970-01-01T00:00:00'], ['253402300799', '9999-12-31T23:59:59']] as const) {
      const r = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar'], { env: { SOURCE_DATE_EPOCH: value } });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { metadata: { timestamp: string } }).metadata.timestamp).toContain(stamp);
    }
    const empty = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '-o', 'table'], { env: { SOURCE_DATE_EPOCH: '' } });
    expect(empty.code, empty.stderr).toBe(0);
  });
});

describe('--platform', () => {
  it.each([[`dir:${G}/example-oci`], ['fixtures/images/example.tar'], [`oci-dir:${G}/example-oci`], ['registry:127.0.0.1:1/x:1']])('a malformed value is exit 2 for %s, before it is read', async (ref) => {
    expectError(await runBuilt(['sbom', 'generate', ref, '--platform', 'amd64', '--plain-http']), 2, 'SOURCE_BAD_PLATFORM', "cannot read the platform 'amd64'");
  });

  it('a malformed value is exit 2 with an external engine too', async () => {
    expectError(await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '--engine', 'trivy', '--platform', 'linux//']), 2, 'SOURCE_BAD_PLATFORM', 'cannot read the platform');
  });

  it.each([
    ['fixtures/images/example.tar'],
    [`oci-dir:${G}/example-oci`],
    [`oci-archive:${G}/example-oci.tar`],
    [`docker-archive:${G}/example-docker-v25.tar`],
  ])('a single-image %s asked for another platform is exit 3 saying what it has', async (ref) => {
    const r = await runBuilt(['sbom', 'generate', ref, '--platform', 'linux/arm64']);
    expectError(r, 3, 'SOURCE_PLATFORM_NOT_FOUND', 'has no image for linux/arm64 (it has: linux/amd64)');
    expect(r.stderr).toContain('pass --platform linux/amd64');
  });

  it('the platform the single image has is accepted', async () => {
    const r = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '--platform', 'linux/amd64', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { subject: { platform: unknown } }).subject.platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it('a directory has no platform: a well-formed --platform is a warning', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${G}/example-oci`, '--platform', 'linux/arm64', '-o', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('a directory has no platform; --platform linux/arm64 does not apply to it');
  });
});

describe('layouts and archives holding one image, or several', () => {
  it.each([[`oci-dir:${G}/cosign-save-oci`], [`oci-archive:${G}/cosign-save-oci.tar`], [`${G}/cosign-save-oci`]])(
    'a cosign save layout (%s) holds one image: no @digest needed',
    async (ref) => {
      const r = await runBuilt(['sbom', 'generate', ref, '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { subject: { manifestDigest: string }; packages: unknown[] };
      // the image's 7 packages and the app's own package.json (/srv/app/package.json, the project)
      expect(doc.packages.length).toBe(8);
      const index = JSON.parse(readFileSync(join(G, 'cosign-save-oci', 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: { kind: string } }[] };
      expect(doc.subject.manifestDigest).toBe(index.manifests.find((m) => m.annotations.kind === 'dev.cosignproject.cosign/image')!.digest);
    },
  );

  it.each([
    [`oci-dir:${G}/two-images-oci`, 'holds 2 images'],
    [`${G}/two-images-docker.tar`, 'holds 2 images'],
  ])('%s is ambiguous: exit 3, and every selector in the hint works', async (ref, text) => {
    const r = await runBuilt(['sbom', 'generate', ref]);
    expectError(r, 3, 'SOURCE_AMBIGUOUS_IMAGE', text);
    const selectors = /hint: name one: (.*)$/m.exec(r.stderr)![1]!.split(' or ');
    expect(selectors).toHaveLength(2);
    const platforms = [];
    for (const s of selectors) {
      const picked = await runBuilt(['sbom', 'generate', s, '-o', 'json']);
      expect(picked.code, `${s}: ${picked.stderr}`).toBe(0);
      platforms.push((JSON.parse(picked.stdout) as { subject: { platform: { architecture: string } } }).subject.platform.architecture);
    }
    expect(platforms.sort()).toEqual(['amd64', 'arm64']);
  });

  it('verify and provenance pick the image of a cosign save layout as generate does', async () => {
    const v = await runBuilt(['verify', `oci-dir:${V}/layout-cosign-save`, '--key', join(V, 'p256.pub'), '-o', 'json']);
    expect(v.code, v.stderr).toBe(0);
    const j = JSON.parse(v.stdout) as { verified: boolean; checks: { name: string; detail: string }[] };
    expect(j.verified).toBe(true);
    expect(j.checks.find((c) => c.name === 'discovery')!.detail).toContain('cosign save signatures');
    const ambiguous = await runBuilt(['verify', `oci-dir:${G}/two-images-oci`, '--key', join(V, 'p256.pub')]);
    expectError(ambiguous, 3, 'SOURCE_AMBIGUOUS_IMAGE', 'holds 2 images');
    const p = await runBuilt(['provenance', 'check', `oci-dir:${G}/two-images-oci`, '--key', join(V, 'p256.pub')]);
    expectError(p, 3, 'SOURCE_AMBIGUOUS_IMAGE', 'holds 2 images');
  });
});

describe('verify: inputs are what they claim', () => {
  const art = join(V, 'artifact.txt');
  it.each([
    [['--signature', join(V, 'empty.sig'), '--key', join(V, 'p256.pub')], 'VERIFY_SIGNATURE_EMPTY', 'is empty'],
    [['--signature', join(V, 'whitespace.sig'), '--key', join(V, 'p256.pub')], 'VERIFY_SIGNATURE_EMPTY', 'is empty'],
    [['--signature', join(V, 'garbage.sig'), '--key', join(V, 'p256.pub')], 'VERIFY_SIGNATURE_MALFORMED', 'is text but not base64'],
    [['--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'p256.key.pem')], 'VERIFY_KEY_IS_PRIVATE', 'is a private key (PRIVATE KEY), not a public key'],
    [['--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'p256.sec1.pem')], 'VERIFY_KEY_IS_PRIVATE', 'is a private key (EC PRIVATE KEY)'],
    [['--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'certificate.pem')], 'VERIFY_KEY_IS_CERTIFICATE', 'is a certificate, not a public key'],
    [['--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'garbage.pub')], 'VERIFY_BAD_KEY', 'is not a PEM public key'],
    [['--signature', join(V, 'artifact.p256.sig'), '--key', V], 'VERIFY_INPUT_IS_DIRECTORY', 'cannot read public key'],
    [['--bundle', V, '--key', join(V, 'p256.pub')], 'VERIFY_INPUT_IS_DIRECTORY', 'cannot read bundle'],
    [['--bundle', join(V, 'nope.json'), '--key', join(V, 'p256.pub')], 'VERIFY_INPUT_NOT_FOUND', 'no such file or directory'],
  ])('%j -> exit 3 %s', async (args, code, text) => {
    expectError(await runBuilt(['verify', art, ...args]), 3, code, text);
  });

  it('a bundle without messageDigest (optional in the protobuf-specs) verifies against its artifact, and only its artifact', async () => {
    const good = await runBuilt(['verify', art, '--bundle', join(V, 'artifact.p256.no-digest.sigstore.json'), '--key', join(V, 'p256.pub'), '-o', 'json']);
    expect(good.code, good.stderr).toBe(0);
    const j = JSON.parse(good.stdout) as { verified: boolean; warnings: string[]; checks: { name: string; ok: boolean; detail: string }[] };
    expect(j.verified).toBe(true);
    expect(j.warnings[0]).toContain('the bundle carries no messageDigest (optional in the Sigstore spec');
    expect(j.checks.find((c) => c.name === 'artifact')).toMatchObject({ ok: true, detail: expect.stringContaining('names no digest') });
    const other = await runBuilt(['verify', join(V, 'other.txt'), '--bundle', join(V, 'artifact.p256.no-digest.sigstore.json'), '--key', join(V, 'p256.pub')]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/✗ signature +signature does not verify for this artifact/);
  });

  it.each([
    ['empty.json', ''],
    ['space.json', ' \n'],
    ['null.json', 'null'],
    ['string.json', '"bundle"'],
    ['array.json', '[]'],
    ['number.json', '7'],
  ])('a bundle file holding %s is exit 3 naming the file', async (name, content) => {
    const d = scratch('bundles');
    writeFileSync(join(d, name), content);
    const r = await runBuilt(['verify', art, '--bundle', join(d, name), '--key', join(V, 'p256.pub')]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout + r.stderr).toContain(join(d, name));
    expect(r.stdout + r.stderr).toMatch(/VERIFY_BUNDLE_MALFORMED|is not JSON/);
    expect(r.stderr).not.toContain('internal error');
  });

  it.each([
    ['empty.json', ''],
    ['null.json', 'null'],
    ['array.json', '[]'],
    ['string.json', '"root"'],
  ])('a trusted root holding %s is exit 3 naming the file', async (name, content) => {
    const d = scratch('roots');
    writeFileSync(join(d, name), content);
    const r = await runBuilt(['verify', art, '--bundle', join(V, 'artifact.p256.sigstore.json'), '--certificate-identity', 'x', '--certificate-oidc-issuer', 'y', '--trusted-root', join(d, name)]);
    expectError(r, 3, 'VERIFY_TRUST_MALFORMED', join(d, name));
  });

  it('a detached signature is reported as one, never as a bundle', async () => {
    const r = await runBuilt(['verify', art, '--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'p256.pub'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { checks: { name: string; detail: string }[] };
    expect(j.checks.map((c) => c.name)).not.toContain('bundle');
    expect(j.checks[0]).toMatchObject({ name: 'signature-file', detail: 'cosign detached signature' });
    const table = await runBuilt(['verify', art, '--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'p256.pub')]);
    expect(table.stdout).not.toMatch(/bundle/);
    const image = await runBuilt(['verify', `oci-dir:${V}/layout-signed`, '--key', join(V, 'p256.pub'), '-o', 'json']);
    expect((JSON.parse(image.stdout) as { checks: { name: string }[] }).checks.map((c) => c.name)).toEqual(expect.arrayContaining(['discovery', 'signature-layer']));
    expect(image.stdout).not.toContain('"bundle"');
  });
});

describe.skipIf(!canDropPrivileges())('permission denied says so (CLI run as nobody)', () => {
  const asNobody = (argv: string[], opts: { cwd?: string } = {}) => runBuilt(argv, { user: NOBODY, cwd: opts.cwd ?? tmp });

  it('an archive nobody may read, under every form that names it', async () => {
    const d = scratch('archive');
    cpSync('fixtures/images/example.tar', join(d, 'example.tar'));
    chmodSync(join(d, 'example.tar'), 0o600);
    for (const ref of [join(d, 'example.tar'), `docker-archive:${join(d, 'example.tar')}`, `oci-archive:${join(d, 'example.tar')}`]) {
      expectError(await asNobody(['sbom', 'generate', ref]), 3, 'SOURCE_PERMISSION_DENIED', 'permission denied');
    }
  });

  it('a path through a directory nobody may enter is permission denied, not "does not exist"', async () => {
    const d = scratch('closed');
    cpSync('fixtures/images/example.tar', join(d, 'example.tar'));
    chmodSync(d, 0o700);
    const r = await asNobody(['sbom', 'generate', join(d, 'example.tar')]);
    expectError(r, 3, 'SOURCE_PERMISSION_DENIED', 'permission denied');
    expect(r.stderr).not.toContain('does not exist');
    chmodSync(d, 0o755);
  });

  it('an OCI layout whose index.json or layer nobody may read', async () => {
    const d = scratch('layout');
    cpSync(join(G, 'example-oci'), join(d, 'idx'), { recursive: true });
    chmodSync(join(d, 'idx', 'index.json'), 0o600);
    expectError(await asNobody(['sbom', 'generate', `oci-dir:${join(d, 'idx')}`]), 3, 'SOURCE_PERMISSION_DENIED', 'index.json: permission denied');
    cpSync(join(G, 'example-oci'), join(d, 'blob'), { recursive: true });
    const index = JSON.parse(readFileSync(join(d, 'blob', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(d, 'blob', 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
    chmodSync(join(d, 'blob', 'blobs', 'sha256', manifest.layers[0]!.digest.slice(7)), 0o600);
    const r = await asNobody(['sbom', 'generate', `oci-dir:${join(d, 'blob')}`]);
    expectError(r, 3, 'SOURCE_PERMISSION_DENIED', 'permission denied');
    expect(r.stderr).toContain('layer 1');
    expect(r.stderr).not.toContain('is not in the image');
  });

  it('dir: a root nobody may list is an error; a subdirectory or a package database is incomplete input', async () => {
    const d = scratch('rootfs');
    mkdirSync(join(d, 'closed'));
    chmodSync(join(d, 'closed'), 0o700);
    expectError(await asNobody(['sbom', 'generate', `dir:${join(d, 'closed')}`]), 3, 'SOURCE_PERMISSION_DENIED', 'permission denied');

    const root = join(d, 'root');
    mkdirSync(join(root, 'var', 'lib', 'dpkg'), { recursive: true });
    mkdirSync(join(root, 'secret'));
    writeFileSync(join(root, 'secret', 'x'), 'x');
    chmodSync(join(root, 'secret'), 0o700);
    writeFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), 'Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n');
    chmodSync(join(root, 'var', 'lib', 'dpkg', 'status'), 0o600);
    for (const p of [root, join(root, 'var'), join(root, 'var', 'lib'), join(root, 'var', 'lib', 'dpkg')]) chmodSync(p, 0o755);
    const r = await asNobody(['sbom', 'generate', `dir:${root}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as { incomplete: { kind: string; path: string; reason: string }[] };
    expect(doc.incomplete).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'directory', path: '/secret', reason: 'permission denied' }),
        expect.objectContaining({ kind: 'file', path: '/var/lib/dpkg/status', reason: expect.stringContaining('permission denied') }),
      ]),
    );
    expect(r.stderr).toContain('cannot list /secret');
    const allowed = await asNobody(['--allow-incomplete', 'sbom', 'generate', `dir:${root}`, '-o', 'table']);
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('SBOM, bundle, key, trusted root, policy and report files nobody may read', async () => {
    const d = scratch('files');
    const locked = (name: string, from: string): string => {
      cpSync(from, join(d, name));
      chmodSync(join(d, name), 0o600);
      return join(d, name);
    };
    const sboms = readdirSync(join(GENERATED, '..', 'sboms'), { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    const sbom = locked('sbom.json', join(GENERATED, '..', 'sboms', sboms[0]!));
    // validate reports every file on stdout, the unreadable one as `error`.
    const validate = await asNobody(['sbom', 'validate', sbom]);
    expect(validate.code).toBe(3);
    expect(validate.stderr).toContain(`error [SBOM_PERMISSION_DENIED]: cannot read SBOM ${sbom}: permission denied`);
    expect(validate.stdout).toContain('not validated [SBOM_PERMISSION_DENIED]');
    const cases: [string[], string, string][] = [
      [['sbom', 'convert', sbom, '-o', 'spdx-json'], 'SBOM_PERMISSION_DENIED', 'permission denied'],
      [['sbom', 'diff', sbom, sbom], 'SBOM_PERMISSION_DENIED', 'permission denied'],
      [['verify', join(V, 'artifact.txt'), '--bundle', locked('b.json', join(V, 'artifact.p256.sigstore.json')), '--key', join(V, 'p256.pub')], 'VERIFY_INPUT_PERMISSION_DENIED', 'cannot read bundle'],
      [['verify', join(V, 'artifact.txt'), '--signature', join(V, 'artifact.p256.sig'), '--key', locked('k.pub', join(V, 'p256.pub'))], 'VERIFY_INPUT_PERMISSION_DENIED', 'cannot read public key'],
      [['verify', join(V, 'artifact.txt'), '--signature', locked('s.sig', join(V, 'artifact.p256.sig')), '--key', join(V, 'p256.pub')], 'VERIFY_INPUT_PERMISSION_DENIED', 'cannot read signature'],
      [['verify', locked('art.txt', join(V, 'artifact.txt')), '--signature', join(V, 'artifact.p256.sig'), '--key', join(V, 'p256.pub')], 'VERIFY_INPUT_PERMISSION_DENIED', 'cannot read artifact'],
      [['verify', join(V, 'artifact.txt'), '--bundle', join(V, 'artifact.p256.sigstore.json'), '--certificate-identity', 'x', '--certificate-oidc-issuer', 'y', '--trusted-root', locked('root.json', 'fixtures/verify/tsa/trusted_root.json')], 'VERIFY_TRUST_PERMISSION_DENIED', 'cannot read trusted root'],
      [['provenance', 'check', locked('prov-art', join(V, 'artifact.txt')), '--attestation', join(V, 'artifact.p256.sigstore.json')], 'PROVENANCE_ARTIFACT_PERMISSION_DENIED', 'cannot read artifact'],
      [['provenance', 'check', join(V, 'artifact.txt'), '--attestation', locked('att.json', join(V, 'artifact.p256.sigstore.json'))], 'PROVENANCE_INPUT_PERMISSION_DENIED', 'cannot read attestation'],
      [['scan', '--report', locked('report.json', join(V, 'artifact.p256.sigstore.json'))], 'VULN_INPUT_PERMISSION_DENIED', 'cannot read report'],
      [['audit', 'registry:127.0.0.1:1/x@sha256:' + 'a'.repeat(64), '--policy', locked('policy.yaml', join(V, 'artifact.txt'))], 'AUDIT_POLICY_PERMISSION_DENIED', 'cannot read policy'],
    ];
    const policy = join(d, 'open-policy.yaml');
    writeFileSync(policy, 'images: {requireDigest: true}\n');
    chmodSync(policy, 0o644);
    cases.push([['audit', 'k8s', locked('pod.yaml', policy), '--policy', policy], 'AUDIT_INPUT_PERMISSION_DENIED', 'cannot read manifest']);
    const closed = scratch('closed-manifests');
    chmodSync(closed, 0o700);
    cases.push([['audit', 'k8s', join(closed, 'pod.yaml'), '--policy', policy], 'AUDIT_INPUT_PERMISSION_DENIED', 'cannot read manifest path']);
    const db = scratch('osv');
    cpSync(join(GENERATED, 'vuln', 'osv-db'), join(db, 'db'), { recursive: true });
    chmodSync(join(db, 'db'), 0o700);
    cases.push([['scan', join(PROJECT_ROOT, 'fixtures', 'images', 'example.tar'), '--osv-db', join(db, 'db')], 'VULN_OSV_DB_PERMISSION_DENIED', 'cannot read OSV database file']);
    for (const [argv, code, text] of cases) expectError(await asNobody(argv), 3, code, text);
  });
});
