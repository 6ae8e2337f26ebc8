/**
 * Real tier: every real Debian image of ../shared/tools/build-images.sh, opened from each transport
 * (oci-dir, oci-archive, docker-archive pre-25 and v25, dir rootfs, the loopback registry), squashes
 * to exactly the regular files of its rootfs; the whiteout image shows none of the deleted files.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../src/source/index.js';
import { IMAGES, realImageRefs } from '../helpers/paths.js';

const NAMES = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'];

function rootfsFiles(name: string): string[] {
  const root = join(IMAGES, 'rootfs', name);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => `/${relative(root, join(d.parentPath, d.name))}`)
    .sort();
}

const transports = realImageRefs;

describe.each(NAMES)('%s', (name) => {
  const expected = rootfsFiles(name);

  it.each(transports(name))('from %s: the squashed regular files equal the rootfs', async (transport, ref) => {
    const src = await openSource(ref, { plainHttp: true });
    try {
      const wants = (p: string): boolean => p === '/var/lib/dpkg/status' || p === '/etc/os-release';
      const r = await src.resolver({ wants });
      const files = [...r.entries()].filter((e) => e.kind === 'file').map((e) => e.path);
      expect(files.length).toBe(expected.length);
      expect(files).toEqual(expected);
      expect((await r.read('/etc/os-release')).toString()).toContain('ID=debian');
      const status = (await r.read('/var/lib/dpkg/status')).toString();
      expect(status).toContain('Package: base-files');
      if (transport !== 'dir') {
        const d = src.describe();
        expect(d.kind).toBe('image');
        expect(d.layers!.length).toBeGreaterThanOrEqual(1);
        expect(d.platform).toMatchObject({ os: 'linux', architecture: 'amd64' });
        if (transport !== 'docker-archive') expect(d.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
      }
      if (name === 'layered-whiteout') {
        expect(files.filter((f) => /log4j|secret\.env|old\.conf/.test(f) || f.startsWith('/opt/app/data'))).toEqual([]);
        expect(r.stat('/opt/app/data')).toBeUndefined();
        expect(status).not.toMatch(/^Package: liblog4j/m);
      }
    } finally {
      await src[Symbol.asyncDispose]();
    }
  });
});

describe('layered-whiteout with --scope all-layers', () => {
  it('reports the deleted files, marked deleted', async () => {
    const src = await openSource(`oci-dir:${join(IMAGES, 'oci', 'layered-whiteout')}`);
    try {
      const r = await src.resolver({ scope: 'all-layers', wants: (p) => p === '/var/lib/dpkg/status' });
      const deleted = [...r.entries()].filter((e) => e.deleted === true).map((e) => e.path);
      expect(deleted.some((p) => p.includes('log4j'))).toBe(true);
      expect(deleted.some((p) => p.endsWith('secret.env'))).toBe(true);
      const statuses = [...r.entries()].filter((e) => e.path === '/var/lib/dpkg/status');
      const texts = await Promise.all(statuses.map((e) => r.read({ path: e.path, layer: e.layer! })));
      expect(texts.some((t) => t.toString().includes('Package: liblog4j2-java'))).toBe(true);
      expect(texts.at(-1)!.toString()).not.toContain('Package: liblog4j2-java');
    } finally {
      await src[Symbol.asyncDispose]();
    }
  });
});
