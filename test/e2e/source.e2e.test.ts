/**
 * Sources through the built CLI (`custody sbom generate`): sniffing, platforms and every kind of bad input
 * end in the documented exit code with one clear message on stderr and nothing on stdout.
 */
import { describe, expect, it } from 'vitest';
import { runBuilt } from '../helpers/run-cli.js';

const G = 'fixtures/generated/images';

describe('custody sbom generate: sources', () => {
  it('sniffs the bundled example archive and says so on stderr', async () => {
    const r = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '-o', 'table']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('reading it as docker-archive:fixtures/images/example.tar');
    expect(r.stdout).toMatch(/^bash\s+5\.2\.15-2\+b13\s+deb/m);
    expect(r.stdout).toMatch(/^lodash\s+4\.17\.20\s+npm/m);
    expect(r.stdout).not.toMatch(/^curl\s/m); // whited out by layer 2
  });

  it('picks a platform of a multi-arch index', async () => {
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${G}/multiarch-oci`, '--platform', 'linux/arm64', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('error');
    const doc = JSON.parse(r.stdout) as { subject: { platform: unknown } };
    expect(doc.subject.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  });

  it.each([
    [[`${G}/hostile-absolute.tar`], 3, 'SOURCE_UNSAFE_ENTRY', "absolute entry name '/etc/passwd'"],
    [[`${G}/hostile-dotdot.tar`], 3, 'SOURCE_UNSAFE_ENTRY', 'climbs out'],
    [[`${G}/hostile-corrupt-gzip.tar`], 3, 'SOURCE_CORRUPT_LAYER', 'is not valid gzip'],
    [[`${G}/hostile-truncated-layer.tar`], 3, 'SOURCE_CORRUPT_LAYER', 'layer 1'],
    [[`${G}/hostile-truncated-archive.tar`], 3, 'SOURCE_BAD_ARCHIVE', 'truncated'],
    [[`oci-dir:${G}/hostile-missing-blob`], 3, 'SOURCE_MISSING_BLOB', 'is not in the image'],
    [[`${G}/not-an-image.bin`], 3, 'SOURCE_UNKNOWN_FORMAT', 'cannot tell what kind of source'],
    [[`${G}/example-docker.tar.gz`], 3, 'SOURCE_COMPRESSED_ARCHIVE', 'gzip-compressed'],
    [['no/such/file.tar'], 3, 'SOURCE_NOT_FOUND', 'does not exist'],
    [[`oci-dir:${G}/multiarch-oci`, '--platform', 'linux/s390x'], 3, 'SOURCE_PLATFORM_NOT_FOUND', 'it has: linux/amd64, linux/arm64/v8'],
    [[`oci-dir:${G}/multiarch-oci`, '--platform', 'arm64'], 2, 'SOURCE_BAD_PLATFORM', 'cannot read the platform'],
    [['registry:127.0.0.1:1/sbomtest/app:1.0', '--plain-http'], 5, 'SOURCE_REGISTRY_UNREACHABLE', 'cannot reach registry 127.0.0.1:1'],
  ])('%j -> exit %i %s', async (args, code, errCode, text) => {
    const r = await runBuilt(['sbom', 'generate', ...args]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`[${errCode}]`);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toMatch(/hint: \S/);
  });
});
