/**
 * The registry client against an in-process protocol stub of the OCI distribution API (a small node:http
 * server serving the example OCI layout): token and basic auth, error mapping to exit 5, digest checks,
 * tags pagination, referrers with the tag-schema fallback, credentials never in messages.
 * The real registry (Debian's docker-registry) is exercised by test/real/source*.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectingLogger } from '../../../src/core/log.js';
import { createRegistryClient, listPlatforms, openSource, parseImageRef } from '../../../src/source/index.js';
import { GENERATED } from '../../helpers/paths.js';

const LAYOUT = join(GENERATED, 'images', 'example-oci');
const USER = 'alice';
const PASS = 's3cret-pass';
const TOKEN = 'tok-abcdef-123';
const SIG_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

let server: Server;
let port = 0;
let authFile = '';
const tmp = mkdtempSync(join(tmpdir(), 'custody-reg-'));
const requests: string[] = [];

function blob(digest: string): Buffer | undefined {
  try {
    return readFileSync(join(LAYOUT, 'blobs', 'sha256', digest.replace('sha256:', '')));
  } catch {
    return undefined;
  }
}
const index = JSON.parse(readFileSync(join(LAYOUT, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
const manifestDigest = index.manifests[0]!.digest;
const referrersIndex = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10, artifactType: SIG_TYPE },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10, artifactType: 'application/spdx+json' },
    ],
  }),
);

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  requests.push(`${req.method} ${url.pathname}`);
  const send = (status: number, body: Buffer | string = '', headers: Record<string, string> = {}): void => {
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (url.pathname === '/token') {
    const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return send(401, '{}');
    return send(200, JSON.stringify({ token: TOKEN }), { 'content-type': 'application/json' });
  }
  const m = /^\/v2\/(.+)\/(manifests|blobs|tags|referrers)\/(.+)$/.exec(url.pathname);
  if (m === null) return send(404);
  const [, repo, kind, ref] = m as unknown as [string, string, string, string];
  if (repo === 'basic/app') {
    if (req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`) return send(401, '', { 'www-authenticate': 'Basic realm="stub"' });
  } else if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return send(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', {
      'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="stub",scope="repository:${repo}:pull"`,
    });
  }
  if (repo === 'broken/five') return send(500, 'boom');
  if (repo === 'secret/forbidden') return send(403, 'no');
  if (kind === 'tags') {
    if (url.searchParams.get('last') === null) return send(200, JSON.stringify({ name: repo, tags: ['1.0', 'latest'] }), { link: `</v2/${repo}/tags/list?n=2&last=latest>; rel="next"` });
    return send(200, JSON.stringify({ name: repo, tags: ['sha256-abc.sig'] }));
  }
  if (kind === 'referrers') return send(404);
  if (kind === 'manifests') {
    if (ref === manifestDigest.replace(':', '-')) return send(200, referrersIndex, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
    const digest = ref === 'latest' || ref === '1.0' ? manifestDigest : ref;
    const body = digest === manifestDigest ? blob(digest) : undefined;
    if (body === undefined) return send(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    return send(200, body, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest });
  }
  const body = blob(ref);
  if (body === undefined) return send(404);
  if (repo === 'tamper/app' && body.length > 1000) return send(200, Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1]! ^ 1])]));
  return send(200, body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  authFile = join(tmp, 'auth.json');
  writeFileSync(authFile, JSON.stringify({ auths: { [`127.0.0.1:${port}`]: { auth: Buffer.from(`${USER}:${PASS}`).toString('base64') } } }));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const opts = (extra = {}) => ({ plainHttp: true, env: { REGISTRY_AUTH_FILE: authFile, HOME: tmp }, ...extra });

describe('registry client (protocol stub)', () => {
  it('pulls an image with Bearer token auth and squashes it like the local layout', async () => {
    const src = await openSource(`registry:127.0.0.1:${port}/sbomtest/example:latest`, opts());
    try {
      const r = await src.resolver({ wants: (p) => p.endsWith('/status') });
      expect((await r.read('/var/lib/dpkg/status')).toString()).toContain('Package: zlib1g');
      expect(r.stat('/usr/bin/curl')).toBeUndefined();
      expect(src.describe()).toMatchObject({ transport: 'registry', manifestDigest, repoTags: [`127.0.0.1:${port}/sbomtest/example:latest`] });
      expect(requests).toContain('GET /token');
    } finally {
      await src[Symbol.asyncDispose]();
    }
  });

  it('uses Basic auth when the registry asks for it', async () => {
    const c = createRegistryClient(`127.0.0.1:${port}/basic/app:latest`, opts());
    expect(await c.resolveDigest()).toBe(manifestDigest);
  });

  it('401 without credentials, 403, 404 and 500 are exit-5 errors naming the registry, never the secrets', async () => {
    const noCreds = { plainHttp: true, env: { HOME: tmp } };
    const cases: [Promise<unknown>, string][] = [
      [openSource(`registry:127.0.0.1:${port}/sbomtest/example:latest`, noCreds), 'SOURCE_REGISTRY_UNAUTHORIZED'],
      [openSource(`registry:127.0.0.1:${port}/secret/forbidden:latest`, opts()), 'SOURCE_REGISTRY_FORBIDDEN'],
      [openSource(`registry:127.0.0.1:${port}/sbomtest/example:nope`, opts()), 'SOURCE_IMAGE_NOT_FOUND'],
      [openSource(`registry:127.0.0.1:${port}/broken/five:latest`, opts()), 'SOURCE_REGISTRY_ERROR'],
    ];
    for (const [p, code] of cases) {
      const err = (await p.then(() => undefined, (e: unknown) => e)) as { exitCode: number; code: string; message: string; hint: string };
      expect(err).toMatchObject({ exitCode: 5, code });
      expect(err.message).toContain(`127.0.0.1:${port}`);
      expect(`${err.message} ${err.hint}`).not.toContain(PASS);
      expect(`${err.message} ${err.hint}`).not.toContain(TOKEN);
    }
  });

  it('a blob that does not match its digest fails the pull', async () => {
    const src = await openSource(`registry:127.0.0.1:${port}/tamper/app:latest`, opts());
    await expect(src.resolver({})).rejects.toMatchObject({ code: expect.stringMatching(/SOURCE_DIGEST_MISMATCH|SOURCE_CORRUPT_LAYER/) });
    await src[Symbol.asyncDispose]();
  });

  it('lists tags across pages, fetches verified blobs, finds referrers via the tag schema', async () => {
    const c = createRegistryClient(`127.0.0.1:${port}/sbomtest/example`, opts());
    expect(await c.listTags()).toEqual(['1.0', 'latest', 'sha256-abc.sig']);
    const m = await c.getManifest(manifestDigest);
    expect(m.manifest?.layers).toHaveLength(2);
    expect(createHash('sha256').update(await c.getBlob(m.manifest!.config.digest)).digest('hex')).toBe(m.manifest!.config.digest.slice(7));
    expect((await c.getReferrers(manifestDigest)).map((d) => d.artifactType)).toEqual([SIG_TYPE, 'application/spdx+json']);
    expect(await c.getReferrers(manifestDigest, SIG_TYPE)).toHaveLength(1);
    expect(await c.getReferrers(`sha256:${'c'.repeat(64)}`)).toEqual([]);
    await expect(c.getBlob(`sha256:${'d'.repeat(64)}`)).rejects.toMatchObject({ exitCode: 5, code: 'SOURCE_MISSING_BLOB' });
    expect(await listPlatforms(`registry:127.0.0.1:${port}/sbomtest/example:latest`, opts())).toEqual([{ os: 'linux', architecture: 'amd64' }]);
  });

  it('warns about credential helpers instead of running them', async () => {
    const cfgDir = join(tmp, 'docker');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ credHelpers: { [`127.0.0.1:${port}`]: 'pass' } }));
    const log = collectingLogger();
    createRegistryClient(`127.0.0.1:${port}/sbomtest/example`, { plainHttp: true, env: { DOCKER_CONFIG: cfgDir, HOME: tmp }, log });
    expect(log.warnings.join('\n')).toContain('credential helper');
  });
});

describe('image references', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['ghcr.io/org/app:1.2', { registry: 'ghcr.io', repository: 'org/app', tag: '1.2' }],
    ['127.0.0.1:5000/sbomtest/x', { registry: '127.0.0.1:5000', repository: 'sbomtest/x', tag: 'latest' }],
    [`localhost/a@sha256:${'e'.repeat(64)}`, { registry: 'localhost', repository: 'a', digest: `sha256:${'e'.repeat(64)}` }],
  ])('%s', (text, want) => expect(parseImageRef(text)).toEqual(want));

  it('malformed references are usage errors', () => {
    expect(() => parseImageRef('Foo/Bar')).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseImageRef('x@sha256:12')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
