/**
 * `custody sbom generate` through the built CLI on the bundled example image: every output format,
 * files, determinism, scopes, platforms, and the exit codes of bad usage and bad input.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuilt } from '../helpers/run-cli.js';

const EXAMPLE = 'fixtures/images/example.tar';
const G = 'fixtures/generated/images';
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };
const tmp = mkdtempSync(join(tmpdir(), 'custody-e2e-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface CdxDoc {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { type: string; name: string; properties: { name: string; value: string }[] } };
  components: { name: string; version: string; purl?: string; type: string }[];
}

describe('custody sbom generate (built CLI)', () => {
  it('default: CycloneDX 1.6 JSON on stdout that passes the library validator; info on stderr only', async () => {
    const r = await runBuilt(['sbom', 'generate', EXAMPLE], { env: EPOCH });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('reading it as docker-archive:');
    expect(r.stderr).toContain('8 packages');
    const doc = JSON.parse(r.stdout) as CdxDoc;
    expect(doc.specVersion).toBe('1.6');
    expect(doc.metadata.timestamp).toBe('2023-11-14T22:13:20.000Z');
    expect(doc.metadata.component.type).toBe('container');
    const props = Object.fromEntries(doc.metadata.component.properties.map((p) => [p.name, p.value]));
    expect(props['custody:image:configDigest']).toBe('sha256:9b21746e5f36c86855ca6ef69dddd6f18b0b440dfc3c51d6f68df423afc3068c');
    expect(props['custody:image:repoTag']).toBe('custody.example/debian-app:1.0');
    expect(props['custody:image:platform']).toBe('linux/amd64');
    expect(props['custody:image:layer:1:digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const bash = doc.components.find((c) => c.name === 'bash')!;
    // a binNMU (+b13) names its source version: upstream=bash@5.2.15-2
    expect(bash.purl).toBe('pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2');
    expect(doc.components.some((c) => c.name === 'curl')).toBe(false);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(r.stdout)).toBeNull();
  });

  it('is byte-identical across runs and across transports of the same image (apart from the source name)', async () => {
    const a = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', 'json'], { env: EPOCH });
    const b = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', 'json'], { env: EPOCH });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const oci = await runBuilt(['sbom', 'generate', `oci-dir:${G}/example-oci`, '-o', 'json'], { env: EPOCH });
    expect(oci.code).toBe(0);
    const names = (s: string): string[] => (JSON.parse(s) as { packages: { purl: string }[] }).packages.map((p) => p.purl).sort();
    expect(names(oci.stdout)).toEqual(names(a.stdout));
  });

  it('-o table on stdout plus -o spdx-json=FILE and -o cyclonedx-xml=FILE', async () => {
    const spdx = join(tmp, 'img.spdx.json');
    const xml = join(tmp, 'img.cdx.xml');
    const r = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', 'table', '-o', `spdx-json=${spdx}`, '-o', `cyclonedx-xml=${xml}`]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+TYPE\s+FOUND-BY\s+PATH$/);
    expect(r.stdout).toMatch(/^zlib1g\s+1:1\.2\.13\.dfsg-1\s+deb\s+dpkg-db-cataloger\s+\/var\/lib\/dpkg\/status$/m);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR (runBuilt) / not a TTY
    expect(r.stderr).toContain(`wrote spdx-json to ${spdx}`);
    const doc = JSON.parse(readFileSync(spdx, 'utf8')) as { spdxVersion: string; packages: { name: string; licenseDeclared: string; primaryPackagePurpose?: string }[] };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages[0]!.primaryPackagePurpose).toBe('CONTAINER');
    expect(doc.packages.find((p) => p.name === 'zlib1g')!.licenseDeclared).toBe('Zlib');
    expect(readFileSync(xml, 'utf8')).toContain('<bom xmlns="http://cyclonedx.org/schema/bom/1.6"');
  });

  it('cyclonedx-json@1.4 and @1.5 validate against their spec versions', async () => {
    for (const [format, version] of [['cyclonedx-json@1.4', Spec.Version.v1dot4], ['cyclonedx-json@1.5', Spec.Version.v1dot5]] as const) {
      const r = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', format]);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as CdxDoc).specVersion).toBe(version);
      expect(await new Validation.JsonStrictValidator(version).validate(r.stdout)).toBeNull();
    }
  });

  it('--scope all-layers reports the package layer 2 deleted, marked as deleted', async () => {
    const r = await runBuilt(['sbom', 'generate', EXAMPLE, '--scope', 'all-layers', '-o', 'json', '--select', 'os']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { packages: { name: string; deleted?: boolean }[] };
    expect(doc.packages.find((p) => p.name === 'curl')).toMatchObject({ deleted: true });
    expect(doc.packages.filter((p) => p.deleted).map((p) => p.name)).toEqual(['curl']);
  });

  it('--all-platforms writes one file per platform with the platform in its name', async () => {
    const out = join(tmp, 'multi.cdx.json');
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${G}/multiarch-oci`, '--all-platforms', '-o', `cyclonedx-json=${out}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    for (const p of ['linux-amd64', 'linux-arm64-v8']) expect(existsSync(join(tmp, `multi.${p}.cdx.json`))).toBe(true);
    const stdoutMany = await runBuilt(['sbom', 'generate', `oci-dir:${G}/multiarch-oci`, '--all-platforms']);
    expect(stdoutMany.code).toBe(2);
    expect(stdoutMany.stderr).toContain('CLI_OUTPUT_NEEDS_FILE');
  });

  it('unknown -o format: exit 2, nothing on stdout, the formats listed', async () => {
    const r = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/SBOM_UNKNOWN_FORMAT.*"yaml"/);
    expect(r.stderr).toContain('spdx-json');
  });

  it('unknown --select: exit 2', async () => {
    const r = await runBuilt(['sbom', 'generate', EXAMPLE, '--select', 'cobol']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('CATALOG_UNKNOWN_SELECTOR');
  });

  it('bad input: exit 3 with the input named, nothing on stdout', async () => {
    const r = await runBuilt(['sbom', 'generate', `${G}/hostile-corrupt-gzip.tar`, '-o', 'table']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('hostile-corrupt-gzip.tar');
    const missing = await runBuilt(['sbom', 'generate', 'no/such/image.tar']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no/such/image.tar');
  });

  it('an unwritable output file: exit 3 naming it', async () => {
    const r = await runBuilt(['sbom', 'generate', EXAMPLE, '-o', `json=${join(tmp, 'no-dir', 'x.json')}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('CLI_OUTPUT_UNWRITABLE');
  });
});
