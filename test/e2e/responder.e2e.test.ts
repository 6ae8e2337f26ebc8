/**
 * The responder's session through the built CLI, on the project's example image (fixtures/images/README.md):
 * generate in every writer format, convert, query (files and index), diff, validate, advisory, scan SARIF.
 * Ground truth is the image itself: lodash 4.17.20 sits at /srv/app/node_modules/lodash/package.json in its
 * second layer; curl is installed by the first layer and deleted by the second.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED, FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const OCI = join(GENERATED, 'images', 'example-oci');
const WRITERS = ['cyclonedx-json', 'cyclonedx-json@1.5', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'cyclonedx-xml@1.4', 'spdx-json', 'json'];
const env = { SOURCE_DATE_EPOCH: '1700000000' };

let tmp: string;
let manifestDigest: string;
let appLayer: string;
const files: Record<string, string> = {};

interface Match {
  sbom: string;
  format: string;
  subject: { label: string; name: string; digest?: string; tags?: string[]; refName?: string };
  package: string;
  version: string;
  locations: { path: string; layer?: string }[];
  deleted?: boolean;
  advisory?: { id: string; fixedVersions: string[] };
}
const matchesOf = (stdout: string): Match[] => (JSON.parse(stdout) as { matches: Match[] }).matches;
const key = (m: Match): string => `${m.subject.label}|${m.subject.digest}|${m.package}@${m.version}|${m.locations.map((l) => `${l.path}@${l.layer ?? ''}`).join(',')}${m.deleted ? '|deleted' : ''}`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-responder-e2e-'));
  const index = JSON.parse(readFileSync(join(OCI, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  manifestDigest = index.manifests[0]!.digest;
  const manifest = JSON.parse(readFileSync(join(OCI, 'blobs', 'sha256', manifestDigest.slice('sha256:'.length)), 'utf8')) as { layers: { digest: string }[] };
  appLayer = manifest.layers[1]!.digest;
  const out = WRITERS.map((w) => {
    files[w] = join(tmp, 'gen', `${w.replace(/[@.]/g, '_')}.${w.startsWith('cyclonedx-xml') ? 'xml' : 'json'}`);
    return ['-o', `${w}=${files[w]}`];
  }).flat();
  mkdirSync(join(tmp, 'gen'), { recursive: true });
  const g = await runBuilt(['sbom', 'generate', `oci-dir:${OCI}`, '--scope', 'all-layers', ...out], { env });
  if (g.code !== 0) throw new Error(`generate failed: ${g.stderr}`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the responder session (built CLI)', { timeout: 300_000 }, () => {
  it('every writer format: the query names the image (containerd name, not the bare ref name "latest"), digest, path and layer', async () => {
    const want = `custody.example/debian-app:1.0|${manifestDigest}|lodash@4.17.20|/srv/app/node_modules/lodash/package.json@${appLayer}`;
    for (const w of WRITERS) {
      const r = await runBuilt(['sbom', 'query', files[w]!, '--name', 'lodash', '-o', 'json']);
      expect(r.code, `${w}: ${r.stderr}`).toBe(0);
      const ms = matchesOf(r.stdout);
      expect(ms.map(key), w).toEqual([want]);
      expect(ms[0]!.subject, w).toMatchObject({ name: `oci-dir:${OCI}`, refName: 'latest', tags: ['custody.example/debian-app:1.0'] });
    }
  });

  it('generate → convert → query: the same matches and locations from every format converted to every other', async () => {
    const conv = join(tmp, 'conv');
    mkdirSync(conv, { recursive: true });
    const baseline = matchesOf((await runBuilt(['sbom', 'query', files.json!, '--name', 'lodash', '-o', 'json'])).stdout).map(key);
    for (const from of ['cyclonedx-xml', 'spdx-json', 'json']) {
      for (const to of ['cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json', 'json']) {
        const out = join(conv, `${from}-to-${to}`.replace(/[@.]/g, '_'));
        const c = await runBuilt(['sbom', 'convert', files[from]!, '-o', to, '--file', out], { env });
        expect(c.code, c.stderr).toBe(0);
        const q = await runBuilt(['sbom', 'query', out, '--name', 'lodash', '-o', 'json']);
        expect(q.code, `${from} → ${to}: ${q.stderr}`).toBe(0);
        expect(matchesOf(q.stdout).map(key), `${from} → ${to}`).toEqual(baseline);
      }
    }
  });

  it('diff of one image across formats is empty (by location too, deleted packages included)', async () => {
    for (const w of WRITERS.filter((x) => x !== 'json')) {
      const d = await runBuilt(['sbom', 'diff', files.json!, files[w]!, '--by', 'location', '--include-deleted']);
      expect(d.code, `${w}: ${d.stdout}`).toBe(0);
      expect(d.stdout).toMatch(/^0 added, 0 removed, 0 changed, 0 moved, \d+ unchanged$/m);
      expect(d.stderr).toBe('');
    }
  });

  it('a package a later layer deleted keeps its mark in every format: hidden (and counted) unless --include-deleted', async () => {
    for (const w of WRITERS) {
      const hidden = await runBuilt(['sbom', 'query', files[w]!, '--name', 'curl']);
      expect(hidden.code, w).toBe(1);
      expect(hidden.stdout).toMatch(/no match: 0 matches in 0 of 1 SBOM; 1 deleted package\(s\) hidden/);
      expect(hidden.stderr).toMatch(/1 match\(es\) of packages a later layer deleted not shown \(--include-deleted shows them\)/);
      const shown = await runBuilt(['sbom', 'query', files[w]!, '--name', 'curl', '--include-deleted', '-o', 'json']);
      expect(shown.code, w).toBe(0);
      expect(matchesOf(shown.stdout).map((m) => [m.package, m.deleted])).toEqual([['curl', true]]);
    }
  });

  it('the json model is an input to index, query --db, validate and scan', async () => {
    const db = join(tmp, 'fleet.db');
    const add = await runBuilt(['sbom', 'index', 'add', '--db', db, join(tmp, 'gen')]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(new RegExp(`^${WRITERS.length} added, 0 updated, 0 unchanged, 0 skipped`));
    const viaDb = await runBuilt(['sbom', 'query', '--db', db, '--name', 'lodash', '-o', 'json']);
    const viaFiles = await runBuilt(['sbom', 'query', join(tmp, 'gen'), '--name', 'lodash', '-o', 'json']);
    expect(viaDb.code).toBe(0);
    expect(matchesOf(viaDb.stdout).map(key)).toEqual(matchesOf(viaFiles.stdout).map(key));
    expect(matchesOf(viaDb.stdout).map((m) => m.format).sort()).toContain('custody-json@1');
    const list = await runBuilt(['sbom', 'index', 'list', '--db', db]);
    expect(list.stdout.trim().split('\n').every((l) => l.includes('\tcustody.example/debian-app:1.0\t'))).toBe(true);
    const v = await runBuilt(['sbom', 'validate', files.json!]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/^valid +.*\(custody-json@1, custody json model schema 1/);
  });

  it('--advisory answers as scan does, with the fixed version; scan SARIF points at the file inside the image', async () => {
    const osv = join(tmp, 'osv');
    mkdirSync(osv, { recursive: true });
    // The shape of GHSA-35jh-r3h4-6jhm (lodash command injection, fixed in 4.17.21).
    writeFileSync(
      join(osv, 'GHSA-35jh-r3h4-6jhm.json'),
      JSON.stringify({ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] }),
    );
    for (const w of ['cyclonedx-json', 'spdx-json', 'json']) {
      const q = await runBuilt(['sbom', 'query', files[w]!, '--advisory', 'CVE-2021-23337', '--osv-db', osv, '-o', 'json']);
      expect(q.code, q.stderr).toBe(0);
      const ms = matchesOf(q.stdout);
      expect(ms.map((m) => [m.package, m.version, m.advisory?.id, m.advisory?.fixedVersions, m.locations[0]?.path])).toEqual([['lodash', '4.17.20', 'GHSA-35jh-r3h4-6jhm', ['4.17.21'], '/srv/app/node_modules/lodash/package.json']]);
      const s = await runBuilt(['scan', files[w]!, '--osv-db', osv, '-o', 'json']);
      expect(s.code, s.stderr).toBe(0);
      const findings = (JSON.parse(s.stdout) as { findings: { id: string; package: { name: string; version: string; locations: string[] }; fixedVersions: string[] }[] }).findings;
      expect(findings.map((f) => [f.package.name, f.package.version, f.id, f.fixedVersions, f.package.locations[0]])).toEqual(ms.map((m) => [m.package, m.version, m.advisory?.id, m.advisory?.fixedVersions, m.locations[0]?.path]));
    }
    const sarif = await runBuilt(['scan', files['cyclonedx-xml']!, '--osv-db', osv, '-o', 'sarif']);
    expect(sarif.code, sarif.stderr).toBe(0);
    const run = (JSON.parse(sarif.stdout) as { runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string; properties?: { layer: string } } } }[] }[] }[] }).runs[0]!;
    expect(run.originalUriBaseIds.IMAGE_ROOT!.uri).toBe('file:///');
    expect(run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([{ uri: 'srv/app/node_modules/lodash/package.json', uriBaseId: 'IMAGE_ROOT', properties: { layer: appLayer } }]);
    expect(run.results[0]!.message.text).toBe('GHSA-35jh-r3h4-6jhm (unknown) in custody.example/debian-app:1.0 → /srv/app/node_modules/lodash/package.json → lodash@4.17.20. Fixed in 4.17.21.');
  });

  it('a pre-25 docker archive is named by its manifest.json repo tag, as an image, in SPDX too', async () => {
    const out = join(tmp, 'archive.spdx.json');
    const g = await runBuilt(['sbom', 'generate', `docker-archive:${join(FIXTURES, 'images', 'example.tar')}`, '-o', `spdx-json=${out}`], { env });
    expect(g.code, g.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { name: string; packages: { name: string; primaryPackagePurpose?: string }[] };
    // No manifest blob in a pre-25 archive: the image's digest is its config digest (the image ID).
    const { configDigest } = JSON.parse(readFileSync(join(GENERATED, 'images', 'expected.json'), 'utf8')) as { configDigest: string };
    expect(doc.packages[0]).toMatchObject({ name: 'custody.example/debian-app:1.0', versionInfo: configDigest, primaryPackagePurpose: 'CONTAINER' });
    const q = await runBuilt(['sbom', 'query', out, '--name', 'lodash', '-o', 'json']);
    expect(matchesOf(q.stdout)[0]!.subject).toMatchObject({ kind: 'image', label: 'custody.example/debian-app:1.0', tags: ['custody.example/debian-app:1.0'] });
  });
});
