/**
 * A gzip layer of 16 MB or more in a local OCI layout is inflated on a worker thread (source/image/
 * inflate-worker.ts). Through the built CLI: the packages of such a layer are found, from oci-dir and
 * oci-archive alike; a truncated or corrupt big layer is exit 3 SOURCE_CORRUPT_LAYER naming the layer,
 * with no SBOM written and no temp files left; an unreadable big layer is exit 3 SOURCE_PERMISSION_DENIED.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canDropPrivileges, NOBODY, runBuilt } from '../helpers/run-cli.js';
// @ts-expect-error the fixture builders are plain JS
import { writeLayeredImage } from '../../scripts/fixtures/images.mjs';

const base = mkdtempSync(join(tmpdir(), 'custody-worker-e2e-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const pkg = (name: string, version: string): Buffer => Buffer.from(JSON.stringify({ name, version }));

/** An OCI layout whose second layer is a gzip blob over 16 MB (an incompressible file), with npm packages before and after it in the tar. */
async function layout(dir: string): Promise<string> {
  await writeLayeredImage(
    [
      [{ name: 'etc/os-release', data: Buffer.from('ID=debian\nVERSION_ID=12\n') }],
      [
        { name: 'app/node_modules/left-pad/package.json', data: pkg('left-pad', '1.3.0') },
        { name: 'app/blob.bin', data: randomBytes(18 << 20) },
        { name: 'app/node_modules/lodash/package.json', data: pkg('lodash', '4.17.21') },
      ],
    ],
    { ociDir: dir },
  );
  // the biggest blob is the big layer
  const blobs = join(dir, 'blobs', 'sha256');
  return readdirSync(blobs).map((f) => join(blobs, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

describe('big gzip layers inflated on a worker thread', () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = join(base, 'good');
    big = await layout(dir);
  });

  it('finds the packages around an 18 MB file of a big gzip layer', async () => {
    expect(statSync(big).size).toBeGreaterThan(16 << 20);
    const out = join(base, 'good.json');
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${dir}`, '-o', `json=${out}`]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { completeness: string; packages: { purl?: string; locations: { path: string }[] }[] };
    expect(doc.completeness).toBe('complete');
    expect(doc.packages.map((p) => p.purl).filter((p) => p?.startsWith('pkg:npm/')).sort()).toEqual(['pkg:npm/left-pad@1.3.0', 'pkg:npm/lodash@4.17.21']);
  });

  it('a truncated big layer is exit 3 SOURCE_CORRUPT_LAYER naming layer 2; no SBOM written, no temp files left', async () => {
    const bad = join(base, 'truncated');
    const blob = await layout(bad);
    truncateSync(blob, statSync(blob).size - 100_000);
    const tmp = mkdtempSync(join(base, 'tmp-'));
    const out = join(base, 'truncated.json');
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${bad}`, '-o', `json=${out}`], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/SOURCE_CORRUPT_LAYER/);
    expect(r.stderr).toMatch(/layer 2 \(sha256:[0-9a-f]{64}\) of oci-dir:.* is not valid gzip \(unexpected end of file\)/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('corrupt deflate data in the middle of a big layer is exit 3 SOURCE_CORRUPT_LAYER', async () => {
    const bad = join(base, 'corrupt');
    const blob = await layout(bad);
    const bytes = readFileSync(blob);
    bytes.fill(0xff, bytes.length >> 1, (bytes.length >> 1) + 65_536);
    writeFileSync(blob, bytes);
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${bad}`, '-o', 'json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/SOURCE_CORRUPT_LAYER/);
    expect(r.stderr).toMatch(/layer 2 \(sha256:[0-9a-f]{64}\) of oci-dir:.* is not (valid gzip|a readable tar) \(/);
  });

  it.skipIf(!canDropPrivileges())('a big layer this user may not read is exit 3 SOURCE_PERMISSION_DENIED', async () => {
    // Everything readable by others but the big layer's blob.
    chmodSync(base, 0o755);
    const denied = join(base, 'denied');
    mkdirSync(denied);
    const blob = await layout(denied);
    chmodSync(blob, 0o600);
    expect(statSync(join(denied, 'index.json')).mode & 0o004).toBe(0o004);
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${denied}`, '-o', 'json'], { user: NOBODY });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SOURCE_PERMISSION_DENIED/);
    expect(r.stderr).toMatch(/layer 2/);
  });
});
