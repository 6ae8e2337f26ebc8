/**
 * Image transports on the fixtures built by scripts/fixtures/images.mjs (npm test builds them first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectingLogger } from '../../../src/core/log.js';
import { listPlatforms, OciLayoutReader, openSource } from '../../../src/source/index.js';
import type { FileResolver, ResolverOptions, Source } from '../../../src/source/index.js';
import { dirStore } from '../../../src/source/image/store.js';
import { FIXTURES, GENERATED } from '../../helpers/paths.js';

const G = join(GENERATED, 'images');
const EXAMPLE = join(FIXTURES, 'images', 'example.tar');
const expected = (): { tag: string; configDigest: string; layerDiffIds: string[] } => JSON.parse(readFileSync(join(G, 'expected.json'), 'utf8'));
const WANTS: ResolverOptions['wants'] = (p) => /\/(os-release|status|copyright|package\.json|METADATA)$/.test(p);

const FINAL_FILES = [
  '/etc/debian_version',
  '/opt/cache/new.bin',
  '/srv/app/node_modules/lodash/package.json',
  '/srv/app/package.json',
  '/usr/lib/os-release',
  '/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA',
  '/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/top_level.txt',
  '/usr/share/doc/zlib1g/copyright',
  '/var/lib/dpkg/status',
];

async function files(r: FileResolver): Promise<string[]> {
  return [...r.entries()].filter((e) => e.kind === 'file').map((e) => e.path);
}

async function withSource<T>(ref: string, fn: (s: Source) => Promise<T>, opts = {}): Promise<T> {
  const s = await openSource(ref, opts);
  try {
    return await fn(s);
  } finally {
    await s[Symbol.asyncDispose]();
  }
}

beforeAll(() => {
  if (!existsSync(join(G, 'expected.json'))) throw new Error('run `node scripts/build-fixtures.mjs` first (npm test does)');
});

describe.each([
  ['docker-archive (pre-25, plain layers)', `docker-archive:${EXAMPLE}`, 'docker-archive'],
  ['docker-archive (gzip layers)', `docker-archive:${join(G, 'example-docker-gzip.tar')}`, 'docker-archive'],
  ['docker-archive (Docker >= 25)', `docker-archive:${join(G, 'example-docker-v25.tar')}`, 'docker-archive'],
  ['oci-dir', `oci-dir:${join(G, 'example-oci')}`, 'oci-dir'],
  ['oci-archive', `oci-archive:${join(G, 'example-oci.tar')}`, 'oci-archive'],
])('%s', (_name, ref, transport) => {
  it('squashes the layers: whiteouts and opaque dirs applied, same-layer entries kept', async () => {
    await withSource(ref, async (s) => {
      const r = await s.resolver({ wants: WANTS });
      expect(await files(r)).toEqual(FINAL_FILES);
      expect(r.stat('/usr/bin/curl')).toBeUndefined();
      expect(r.stat('/usr/share/doc/curl')).toBeUndefined();
      expect(r.stat('/opt/cache/old.bin')).toBeUndefined();
      expect(r.stat('/bin')?.kind).toBe('symlink');
      // /bin -> usr/bin (relative), then /usr/bin/sh -> /usr/bin/bash, which the fixture does not ship: dangling.
      expect(r.stat('/bin/sh')).toMatchObject({ path: '/usr/bin/sh', kind: 'symlink', linkTarget: '/usr/bin/bash' });
      expect(r.resolve('/bin/sh')).toBeUndefined();
      expect(r.resolve('/bin')).toBe('/usr/bin');
    });
  });

  it('keeps wanted bytes, including targets of wanted symlinks (/etc/os-release -> ../usr/lib/os-release)', async () => {
    await withSource(ref, async (s) => {
      const r = await s.resolver({ wants: WANTS });
      expect((await r.read('/etc/os-release')).toString()).toContain('ID=debian');
      const status = (await r.read('/var/lib/dpkg/status')).toString();
      expect(status).toContain('Package: zlib1g');
      expect(status).not.toContain('Package: curl');
      await expect(r.read('/etc/debian_version')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_NOT_RETAINED' });
      const locs = [];
      for await (const l of r.glob(['**/dpkg/status'])) locs.push(l);
      expect(locs).toHaveLength(1);
      expect(locs[0]!.layer).toMatch(/^sha256:[a-f0-9]{64}$/);
    });
  });

  it('describes the image', async () => {
    await withSource(ref, async (s) => {
      const d = s.describe();
      expect(d).toMatchObject({ kind: 'image', name: ref, transport, configDigest: expected().configDigest, platform: { os: 'linux', architecture: 'amd64' } });
      expect(d.layers).toHaveLength(2);
      expect(d.layers!.map((l) => l.diffId)).toEqual(expected().layerDiffIds);
      if (transport !== 'docker-archive' || ref.includes('v25')) expect(d.manifestDigest).toMatch(/^sha256:/);
      expect(d.repoTags?.some((t) => t.includes('debian-app') || t === 'latest')).toBe(true);
    });
  });

  it("all-layers keeps deleted and overwritten entries marked deleted, readable by layer", async () => {
    await withSource(ref, async (s) => {
      const r = await s.resolver({ wants: WANTS, scope: 'all-layers' });
      const all = [...r.entries()];
      const curl = all.filter((e) => e.path === '/usr/bin/curl');
      expect(curl).toHaveLength(1);
      expect(curl[0]!.deleted).toBe(true);
      expect(all.find((e) => e.path === '/opt/cache/old.bin')?.deleted).toBe(true);
      const statuses = all.filter((e) => e.path === '/var/lib/dpkg/status');
      expect(statuses.map((e) => e.deleted === true)).toEqual([true, false]);
      const old = await r.read({ path: '/var/lib/dpkg/status', layer: statuses[0]!.layer! });
      expect(old.toString()).toContain('Package: curl');
      const now = await r.read({ path: '/var/lib/dpkg/status', layer: statuses[1]!.layer! });
      expect(now.toString()).not.toContain('Package: curl');
    });
  });
});

describe('sniffing bare paths', () => {
  it.each([
    [EXAMPLE, 'docker-archive'],
    [join(G, 'example-docker-v25.tar'), 'docker-archive'],
    [join(G, 'example-oci'), 'oci-dir'],
    [join(G, 'example-oci.tar'), 'oci-archive'],
    [join(FIXTURES, 'images', 'example'), 'dir'],
  ])('%s is %s, and says so', async (path, transport) => {
    const log = collectingLogger();
    await withSource(path, async (s) => expect(s.describe().transport).toBe(transport), { log });
    expect(log.infos.join('\n')).toContain(`reading it as ${transport}:`);
  });

  it('unknown file, gzip-compressed archive and missing path are exit-3 errors that say what to do', async () => {
    await expect(openSource(join(G, 'not-an-image.bin'))).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNKNOWN_FORMAT' });
    await expect(openSource(join(G, 'example-docker.tar.gz'))).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_COMPRESSED_ARCHIVE', hint: expect.stringContaining('gunzip') });
    await expect(openSource(join(G, 'nope.tar'))).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_NOT_FOUND' });
    await expect(openSource(`oci-archive:${EXAMPLE}`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_NOT_OCI_LAYOUT' });
    await expect(openSource(`docker-archive:${join(G, 'example-oci.tar')}`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNKNOWN_FORMAT' });
  });
});

describe('multi-platform index', () => {
  const ref = `oci-dir:${join(G, 'multiarch-oci')}`;
  const arch = async (s: Source): Promise<string> => {
    const r = await s.resolver({ wants: WANTS });
    return /Architecture: (\w+)/.exec((await r.read('/var/lib/dpkg/status')).toString())![1]!;
  };

  it('lists both platforms', async () => {
    expect(await listPlatforms(ref)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect(await listPlatforms(`oci-archive:${join(G, 'multiarch-oci.tar')}`)).toHaveLength(2);
    expect(await listPlatforms(`docker-archive:${EXAMPLE}`)).toEqual([{ os: 'linux', architecture: 'amd64' }]);
  });

  it('picks the requested platform (variant optional)', async () => {
    expect(await withSource(ref, arch, { platform: 'linux/arm64' })).toBe('arm64');
    expect(await withSource(ref, arch, { platform: 'linux/arm64/v8' })).toBe('arm64');
    expect(await withSource(ref, arch, { platform: 'linux/amd64' })).toBe('amd64');
    const d = await withSource(ref, async (s) => s.describe(), { platform: 'linux/arm64' });
    expect(d.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  });

  it('a platform the index lacks is exit 3 naming what is there; a malformed one exit 2', async () => {
    await expect(openSource(ref, { platform: 'linux/s390x' })).rejects.toMatchObject({
      exitCode: 3,
      code: 'SOURCE_PLATFORM_NOT_FOUND',
      message: expect.stringContaining('linux/amd64, linux/arm64/v8'),
    });
    await expect(openSource(ref, { platform: 'amd64' })).rejects.toMatchObject({ exitCode: 2, code: 'SOURCE_BAD_PLATFORM' });
  });
});

describe('hostile and broken images', () => {
  const open = async (file: string): Promise<FileResolver> => {
    const s = await openSource(`docker-archive:${join(G, file)}`);
    return s.resolver({ wants: () => true });
  };

  it('absolute entry names are refused, naming the layer', async () => {
    await expect(open('hostile-absolute.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNSAFE_ENTRY', message: expect.stringMatching(/layer 1 \(sha256:.*absolute entry name '\/etc\/passwd'/) });
  });

  it('entries climbing out with .. are refused', async () => {
    await expect(open('hostile-dotdot.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNSAFE_ENTRY', message: expect.stringContaining("climbs out") });
  });

  it('hard links out of the root are refused', async () => {
    await expect(open('hostile-hardlink.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNSAFE_ENTRY' });
  });

  it('symlinks resolve inside the root; loops are detected', async () => {
    const r = await open('hostile-symlinks.tar');
    expect(r.resolve('/etc/escape-relative')).toBe('/etc/hostname');
    expect(r.resolve('/etc/escape-absolute')).toBe('/etc/hostname');
    expect((await r.read('/etc/escape-relative')).toString()).toBe('inside\n');
    expect(r.resolve('/etc/host-only')).toBeUndefined();
    await expect(r.read('/etc/host-only')).rejects.toMatchObject({ exitCode: 3 });
    expect(r.resolve('/loop/a')).toBeUndefined();
    expect(r.resolve('/loop/self')).toBeUndefined();
    expect(r.stat('/loop/a')?.kind).toBe('symlink');
  });

  it('corrupt gzip, truncated layer and truncated archive are exit-3 errors naming the input', async () => {
    await expect(open('hostile-corrupt-gzip.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_CORRUPT_LAYER', message: expect.stringMatching(/layer 2 .*hostile-corrupt-gzip\.tar is not valid gzip/) });
    await expect(open('hostile-truncated-layer.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_CORRUPT_LAYER', message: expect.stringContaining('layer 1') });
    await expect(open('hostile-truncated-archive.tar')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_BAD_ARCHIVE', message: expect.stringContaining('truncated') });
  });

  it('a manifest naming a missing blob is exit 3', async () => {
    await expect(openSource(`oci-dir:${join(G, 'hostile-missing-blob')}`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_MISSING_BLOB', message: expect.stringContaining('layer 2') });
  });
});

describe('bounded memory', () => {
  const readAll = async (r: FileResolver): Promise<void> => {
    const statuses = [...r.entries()].filter((e) => e.path === '/var/lib/dpkg/status');
    expect((await r.read({ path: '/var/lib/dpkg/status', layer: statuses[0]!.layer! })).toString()).toContain('Package: curl');
    expect((await r.read('/var/lib/dpkg/status')).toString()).toContain('Package: bash');
    expect((await r.read('/etc/os-release')).toString()).toContain('ID=debian');
  };

  it('spills wanted bytes beyond the budget to a temp dir removed on dispose (streaming gzip layers)', async () => {
    const s = await openSource(`docker-archive:${join(G, 'example-docker-gzip.tar')}`, { memoryBudgetBytes: 0 });
    const r = await s.resolver({ wants: WANTS, scope: 'all-layers' });
    await readAll(r);
    await s[Symbol.asyncDispose]();
    await expect(r.read('/var/lib/dpkg/status')).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_UNREADABLE' });
  });

  it('keeps members of plain layers as references into the archive: nothing copied, nothing spilled (seeking plain layers)', async () => {
    const s = await openSource(`docker-archive:${EXAMPLE}`, { memoryBudgetBytes: 0 });
    const r = await s.resolver({ wants: WANTS, scope: 'all-layers' });
    await readAll(r);
    await s[Symbol.asyncDispose]();
    // read from the archive itself, so still readable: no temp copy was ever made
    await readAll(r);
    const ra = await r.openRandomAccess('/etc/os-release');
    try {
      const whole = await r.read('/etc/os-release');
      expect(ra.size).toBe(whole.length);
      expect(ra.read(3, 10)).toEqual(whole.subarray(3, 13));
      expect(ra.read(whole.length - 2, 10)).toEqual(whole.subarray(whole.length - 2));
      expect(ra.read(whole.length + 5, 10)).toHaveLength(0);
    } finally {
      ra.close();
    }
  });

  it('verifyLayers checks every layer against its digest', async () => {
    await withSource(`oci-dir:${join(G, 'example-oci')}`, async (s) => expect((await files(await s.resolver({}))).length).toBe(FINAL_FILES.length), { verifyLayers: true });
    await withSource(`docker-archive:${EXAMPLE}`, async (s) => expect((await files(await s.resolver({}))).length).toBe(FINAL_FILES.length), { verifyLayers: true });
  });
});

describe('OciLayoutReader', () => {
  it('reads index, tags, verified blobs and (no) referrers', async () => {
    const reader = new OciLayoutReader(dirStore(join(G, 'example-oci'), 'oci-dir:example-oci'));
    const tags = await reader.tags();
    expect([...tags.keys()]).toEqual(['latest']);
    const m = await reader.manifest(tags.get('latest')!.digest);
    expect(m.manifest?.layers).toHaveLength(2);
    expect((await reader.blob(m.manifest!.config.digest)).length).toBeGreaterThan(10);
    expect(await reader.referrers(m.digest)).toEqual([]);
    await expect(reader.blob(`sha256:${'0'.repeat(64)}`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_MISSING_BLOB' });
  });
});

describe('OCI layout with a referrer stored beside the image', () => {
  it('opens the image (not the referrer) and the reader finds the referrer by subject', async () => {
    const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { createHash } = await import('node:crypto');
    const dir = mkdtempSync(join(tmpdir(), 'custody-ref-'));
    try {
      cpSync(join(G, 'example-oci'), dir, { recursive: true });
      const idx = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] };
      const subject = idx.manifests[0]!;
      const put = (data: Buffer): { digest: string; size: number } => {
        const hex = createHash('sha256').update(data).digest('hex');
        writeFileSync(join(dir, 'blobs', 'sha256', hex), data);
        return { digest: `sha256:${hex}`, size: data.length };
      };
      const empty = put(Buffer.from('{}'));
      const bundle = put(Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'));
      const sigType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
      const ref = put(
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            artifactType: sigType,
            config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
            layers: [{ mediaType: sigType, ...bundle }],
            subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
          }),
        ),
      );
      idx.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...ref });
      writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
      await withSource(`oci-dir:${dir}`, async (s) => expect(s.describe().manifestDigest).toBe(subject.digest));
      const reader = new OciLayoutReader(dirStore(dir, 'layout'));
      expect(await reader.referrers(subject.digest)).toEqual([expect.objectContaining({ digest: ref.digest, artifactType: sigType })]);
      expect(await reader.referrers(subject.digest, 'application/spdx+json')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('picking an image by tag or digest', () => {
  it('oci-dir:PATH:TAG and oci-dir:PATH@DIGEST; unknown ones are exit 3', async () => {
    const layout = join(G, 'example-oci');
    const digest = await withSource(`oci-dir:${layout}`, async (s) => s.describe().manifestDigest!);
    expect(await withSource(`oci-dir:${layout}:latest`, async (s) => s.describe().manifestDigest)).toBe(digest);
    expect(await withSource(`oci-dir:${layout}@${digest}`, async (s) => s.describe().manifestDigest)).toBe(digest);
    expect(await withSource(`oci-archive:${join(G, 'example-oci.tar')}@${digest}`, async (s) => s.describe().manifestDigest)).toBe(digest);
    await expect(openSource(`oci-dir:${layout}:nope`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_TAG_NOT_FOUND' });
    await expect(openSource(`oci-dir:${layout}@sha256:${'0'.repeat(64)}`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_TAG_NOT_FOUND' });
    const tag = expected().tag;
    expect(await withSource(`docker-archive:${EXAMPLE}:${tag}`, async (s) => s.describe().repoTags)).toEqual([tag]);
    await expect(openSource(`docker-archive:${EXAMPLE}:other:1`)).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_TAG_NOT_FOUND' });
  });
});
