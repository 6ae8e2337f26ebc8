import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { resolveEngineTarget, syftSourceOf, trivyTargetOf } from '../../../src/sbom/engines/index.js';

const root = mkdtempSync(join(tmpdir(), 'custody-engine-target-'));
mkdirSync(join(root, 'oci'));
writeFileSync(join(root, 'oci', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
mkdirSync(join(root, 'rootfs', 'etc'), { recursive: true });
writeFileSync(join(root, 'rootfs', 'etc', 'os-release'), 'ID=debian\n');
mkdirSync(join(root, 'project'));
writeFileSync(join(root, 'app.tar'), 'x');

describe('resolveEngineTarget', () => {
  it('explicit transports, relative to cwd', async () => {
    const t = await resolveEngineTarget('docker-archive:app.tar', root);
    expect(t).toEqual({ transport: 'docker-archive', location: join(root, 'app.tar'), ref: 'docker-archive:app.tar' });
    expect(trivyTargetOf(t)).toEqual({ kind: 'image-input', path: join(root, 'app.tar') });
    expect(syftSourceOf(t)).toBe(`docker-archive:${join(root, 'app.tar')}`);
  });

  it('bare paths are sniffed: OCI layout, rootfs dir, project dir, archive file', async () => {
    expect((await resolveEngineTarget('oci', root)).transport).toBe('oci-dir');
    const rootfs = await resolveEngineTarget(join(root, 'rootfs'), '/');
    expect(rootfs).toMatchObject({ transport: 'dir', rootfs: true });
    expect(trivyTargetOf(rootfs)).toEqual({ kind: 'rootfs', path: join(root, 'rootfs') });
    const project = await resolveEngineTarget('project', root);
    expect(trivyTargetOf(project)).toEqual({ kind: 'fs', path: join(root, 'project') });
    expect((await resolveEngineTarget('app.tar', root)).transport).toBe('docker-archive');
  });

  it('registry references pass through (trivy pulls; plain HTTP adds --insecure)', async () => {
    const t = await resolveEngineTarget('registry:127.0.0.1:5000/sbomtest/debian-min:latest', root);
    expect(trivyTargetOf(t, { plainHttp: true })).toEqual({ kind: 'image-remote', ref: '127.0.0.1:5000/sbomtest/debian-min:latest', insecure: true });
    expect(syftSourceOf(t)).toBe('registry:127.0.0.1:5000/sbomtest/debian-min:latest');
  });

  it('missing paths and wrong kinds are input errors (exit 3)', async () => {
    await expect(resolveEngineTarget('nope.tar', root)).rejects.toThrow(InputError);
    await expect(resolveEngineTarget('dir:app.tar', root)).rejects.toThrow(/not a directory/);
    await expect(resolveEngineTarget('oci-archive:project', root)).rejects.toThrow(/not a file/);
  });
});
