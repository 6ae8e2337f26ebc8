/**
 * A small OCI distribution client (distribution-spec v1.1): manifests and indexes, blobs verified
 * against their digests, tags, and OCI 1.1 referrers with the tag-schema fallback (`sha256-<hex>`).
 * Token auth from `WWW-Authenticate` (Bearer realm/service/scope, or Basic) with credentials from
 * REGISTRY_AUTH_FILE / the Docker config; credentials and tokens never appear in messages.
 * HTTPS unless `plainHttp` (loopback/test registries). verify/provenance/audit reuse it for
 * signature (`sha256-<digest>.sig`) and attestation discovery.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { InputError, NetworkError } from '../core/errors.js';
import { fileProblem, inputFileError } from '../core/input-file.js';
import { silentLogger, type Logger } from '../core/log.js';
import { findCredentials, type Credentials } from './credentials.js';
import { apiHost, formatImageRef, parseImageRef, type ImageRef } from './image-ref.js';
import { isDigest, isIndexDoc, METADATA_CAP, MEDIA, parseIndex, parseJson, parseManifest, type Descriptor } from './image/manifest.js';
import type { FetchedManifest } from './oci-layout.js';

export interface RegistryClientOptions {
  plainHttp?: boolean;
  /** PEM file of extra CA certificates. */
  caFile?: string;
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');
const DEFAULT_BLOB_CAP = 64 << 20;

interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

function parseChallenge(header: string | string[] | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (h === undefined) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(h);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme: m[1]!.toLowerCase(), params };
}

async function readBody(res: IncomingMessage, cap: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > cap) {
      res.destroy();
      throw new InputError('SOURCE_OVERSIZED_METADATA', `${what} is larger than ${cap} bytes`, { hint: 'this does not look like what was asked for; check the reference' });
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export class RegistryClient {
  readonly ref: ImageRef;
  private readonly host: string;
  private readonly log: Logger;
  private readonly creds: Credentials | undefined;
  private token: string | undefined;
  private basic = false;
  private readonly ca: Buffer | undefined;

  constructor(ref: ImageRef | string, private readonly options: RegistryClientOptions = {}) {
    this.ref = typeof ref === 'string' ? parseImageRef(ref) : ref;
    this.host = apiHost(this.ref.registry);
    this.log = options.log ?? silentLogger;
    this.creds = findCredentials(this.ref.registry, options.env ?? {}, this.log);
    if (options.caFile !== undefined) {
      try {
        this.ca = readFileSync(options.caFile);
      } catch (err) {
        const { problem, reason } = fileProblem(err);
        throw inputFileError({ prefix: 'SOURCE_CA_FILE', what: 'CA file', path: options.caFile }, problem, reason, err);
      }
    }
  }

  private get base(): string {
    return `${this.options.plainHttp === true ? 'http' : 'https'}://${this.host}`;
  }

  private get name(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  /** One HTTP request (following up to 5 redirects; Authorization is dropped when the host changes). */
  private raw(method: string, url: string, headers: Record<string, string>, redirects = 0): Promise<Response> {
    const u = new URL(url);
    const mod = u.protocol === 'http:' ? http : https;
    const timeout = this.options.timeoutMs ?? 60_000;
    return new Promise<Response>((resolve, reject) => {
      const req = mod.request(
        u,
        {
          method,
          headers: { 'user-agent': 'custody', ...headers },
          timeout,
          ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
          ...(this.ca === undefined || mod !== https ? {} : { ca: this.ca }),
        },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          const loc = res.headers.location;
          if ([301, 302, 303, 307, 308].includes(status) && loc !== undefined && redirects < 5) {
            res.resume();
            const next = new URL(loc, u);
            if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.options.plainHttp === true)) {
              reject(this.netError('SOURCE_REGISTRY_REDIRECT', `registry ${this.ref.registry} redirected to a non-HTTPS location`, 'refusing to download over plain HTTP without --plain-http'));
              return;
            }
            const h = { ...headers };
            if (next.host !== u.host) delete h.authorization;
            this.raw(method, next.toString(), h, redirects + 1).then(resolve, reject);
            return;
          }
          resolve({ status, headers: res.headers, body: res });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (this.options.signal?.aborted === true) return reject(this.options.signal.reason);
        const code = err.code ?? '';
        const tlsHint = /EPROTO|WRONG_VERSION|ERR_SSL/i.test(`${code} ${err.message}`)
          ? 'the registry may speak plain HTTP: pass --plain-http (loopback/test registries only)'
          : /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(`${code} ${err.message}`)
            ? 'the registry certificate is not trusted: pass its CA with NODE_EXTRA_CA_CERTS=FILE'
            : 'check the registry address and that it is running and reachable';
        reject(this.netError('SOURCE_REGISTRY_UNREACHABLE', `cannot reach registry ${this.ref.registry} (${code || err.message})`, tlsHint, err));
      });
      req.end();
    });
  }

  private netError(code: string, message: string, hint: string, cause?: unknown): NetworkError {
    return new NetworkError(code, message, cause === undefined ? { hint } : { hint, cause });
  }

  private authHeader(): Record<string, string> {
    if (this.token !== undefined) return { authorization: `Bearer ${this.token}` };
    if (this.basic && this.creds !== undefined) {
      return { authorization: `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}` };
    }
    return {};
  }

  /** Get a token for the challenge (Bearer) or switch to Basic; false when nothing more can be tried. */
  private async authenticate(challenge: string | string[] | undefined): Promise<boolean> {
    const c = parseChallenge(challenge);
    if (c === undefined) return false;
    if (c.scheme === 'basic') {
      if (this.creds === undefined || this.basic) return false;
      this.basic = true;
      return true;
    }
    if (c.scheme !== 'bearer' || c.params.realm === undefined) return false;
    let realm: URL;
    try {
      realm = new URL(c.params.realm);
    } catch {
      return false;
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.options.plainHttp === true)) return false;
    if (c.params.service !== undefined) realm.searchParams.set('service', c.params.service);
    realm.searchParams.set('scope', c.params.scope ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = {};
    if (this.creds !== undefined) headers.authorization = `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`;
    const res = await this.raw('GET', realm.toString(), headers);
    if (res.status !== 200) {
      res.body.resume();
      if (res.status === 401 || res.status === 403) return false;
      throw this.netError('SOURCE_REGISTRY_AUTH', `the token service of ${this.ref.registry} answered HTTP ${res.status}`, 'try again later, or check the registry');
    }
    const body = parseJson(await readBody(res.body, 1 << 20, 'the token response'), 'the token response') as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (token === undefined) return false;
    this.token = token;
    return true;
  }

  /** A request to the registry API with auth; maps failures to NetworkError. `notFound` says what a 404 means. */
  private async request(method: string, path: string, headers: Record<string, string>, notFound: () => NetworkError | undefined): Promise<Response | undefined> {
    const url = `${this.base}/v2/${path}`;
    for (let attempt = 0; ; attempt++) {
      const res = await this.raw(method, url, { ...headers, ...this.authHeader() });
      if (res.status === 401 && attempt < 2 && (await this.authenticate(res.headers['www-authenticate']))) {
        res.body.resume();
        continue;
      }
      if (res.status >= 500 && attempt < 1) {
        res.body.resume();
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      res.body.resume();
      if (res.status === 404) {
        const e = notFound();
        if (e === undefined) return undefined;
        throw e;
      }
      if (res.status === 401) {
        throw this.netError('SOURCE_REGISTRY_UNAUTHORIZED', `registry ${this.ref.registry} refused access to ${this.ref.repository} (HTTP 401)`, this.creds === undefined
          ? 'log in: put credentials for this registry in REGISTRY_AUTH_FILE or ~/.docker/config.json (auths)'
          : 'the stored credentials were rejected; renew them in REGISTRY_AUTH_FILE or ~/.docker/config.json');
      }
      if (res.status === 403) {
        throw this.netError('SOURCE_REGISTRY_FORBIDDEN', `registry ${this.ref.registry} forbids access to ${this.ref.repository} (HTTP 403)`, 'check that your account may pull this repository');
      }
      if (res.status === 429) throw this.netError('SOURCE_REGISTRY_RATE_LIMITED', `registry ${this.ref.registry} is rate-limiting us (HTTP 429)`, 'wait and try again, or log in for a higher limit');
      throw this.netError('SOURCE_REGISTRY_ERROR', `registry ${this.ref.registry} answered HTTP ${res.status} for ${this.ref.repository}`, 'the registry is failing; try again later');
    }
  }

  private manifestNotFound(reference: string): NetworkError {
    return this.netError('SOURCE_IMAGE_NOT_FOUND', `registry ${this.ref.registry} has no ${this.ref.repository}${isDigest(reference) ? '@' : ':'}${reference} (HTTP 404)`, 'check the repository name and tag');
  }

  private defaultReference(): string {
    return this.ref.digest ?? this.ref.tag ?? 'latest';
  }

  /** The manifest digest a tag (or the client's reference) points at. */
  async resolveDigest(reference: string = this.defaultReference()): Promise<string> {
    if (isDigest(reference)) return reference;
    const res = (await this.request('HEAD', `${this.ref.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, () => this.manifestNotFound(reference)))!;
    res.body.resume();
    const d = res.headers['docker-content-digest'];
    if (typeof d === 'string' && isDigest(d)) return d;
    return (await this.getManifest(reference)).digest;
  }

  /** A manifest or index by tag or digest; by digest it is verified, by tag its digest is computed. */
  async getManifest(reference: string = this.defaultReference()): Promise<FetchedManifest> {
    const res = (await this.request('GET', `${this.ref.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, () => this.manifestNotFound(reference)))!;
    const where = `manifest ${reference} of ${this.name}`;
    const raw = await readBody(res.body, METADATA_CAP, where);
    const alg = isDigest(reference) ? reference.split(':')[0]! : 'sha256';
    const digest = `${alg}:${createHash(alg).update(raw).digest('hex')}`;
    if (isDigest(reference) && digest !== reference) {
      throw this.netError('SOURCE_DIGEST_MISMATCH', `registry ${this.ref.registry} sent a manifest with digest ${digest} for ${reference}`, 'the registry or something in between is corrupting data; do not trust this image');
    }
    const ct = res.headers['content-type']?.split(';')[0]?.trim();
    const doc = parseJson(raw, where);
    const out: FetchedManifest = { digest, raw, ...(ct === undefined ? {} : { mediaType: ct }) };
    if (isIndexDoc(doc, ct)) out.index = parseIndex(doc, where);
    else out.manifest = parseManifest(doc, where);
    return out;
  }

  private blobNotFound(digest: string): NetworkError {
    return this.netError('SOURCE_MISSING_BLOB', `registry ${this.ref.registry} has no blob ${digest} in ${this.ref.repository} (HTTP 404)`, 'the image is incomplete on the registry; push it again');
  }

  /** A blob's bytes (capped), verified against its digest. */
  async getBlob(digest: string, cap = DEFAULT_BLOB_CAP): Promise<Buffer> {
    if (!isDigest(digest)) throw new InputError('SOURCE_BAD_DIGEST', `'${digest}' is not a digest`, { hint: 'digests look like sha256:<64 hex>' });
    const res = (await this.request('GET', `${this.ref.repository}/blobs/${digest}`, {}, () => this.blobNotFound(digest)))!;
    const data = await readBody(res.body, cap, `blob ${digest} of ${this.name}`);
    const alg = digest.split(':')[0]!;
    const got = `${alg}:${createHash(alg).update(data).digest('hex')}`;
    if (got !== digest) throw this.netError('SOURCE_DIGEST_MISMATCH', `registry ${this.ref.registry} sent blob ${got} for ${digest}`, 'the registry or something in between is corrupting data; do not trust this image');
    return data;
  }

  /** A blob as a stream (the caller verifies the digest while reading; squash does). */
  async blobStream(digest: string): Promise<Readable> {
    if (!isDigest(digest)) throw new InputError('SOURCE_BAD_DIGEST', `'${digest}' is not a digest`, { hint: 'digests look like sha256:<64 hex>' });
    return (await this.request('GET', `${this.ref.repository}/blobs/${digest}`, {}, () => this.blobNotFound(digest)))!.body;
  }

  /** Every tag of the repository (following `Link` pagination). */
  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `${this.ref.repository}/tags/list?n=1000`;
    for (let page = 0; path !== undefined && page < 100; page++) {
      const res: Response = (await this.request('GET', path, { accept: 'application/json' }, () =>
        this.netError('SOURCE_IMAGE_NOT_FOUND', `registry ${this.ref.registry} has no repository ${this.ref.repository} (HTTP 404)`, 'check the repository name'),
      ))!;
      const link: string | string[] | undefined = res.headers.link;
      const body = parseJson(await readBody(res.body, METADATA_CAP, `tags of ${this.name}`), `tags of ${this.name}`) as { tags?: unknown };
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.push(t);
      const m: RegExpExecArray | null = typeof link === 'string' ? /<\/v2\/([^>]+)>/.exec(link) : null;
      path = m === null ? undefined : m[1];
    }
    return tags;
  }

  /**
   * Manifests whose subject is `digest`: the OCI 1.1 referrers API, else the referrers tag schema
   * (an index tagged `sha256-<hex>`). Filtered by artifactType when given.
   */
  async getReferrers(digest: string, artifactType?: string): Promise<Descriptor[]> {
    if (!isDigest(digest)) throw new InputError('SOURCE_BAD_DIGEST', `'${digest}' is not a digest`, { hint: 'digests look like sha256:<64 hex>' });
    const q = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
    const res = await this.request('GET', `${this.ref.repository}/referrers/${digest}${q}`, { accept: MEDIA.ociIndex }, () => undefined);
    let manifests: Descriptor[];
    const ct = res?.headers['content-type'] ?? '';
    if (res !== undefined && ct.includes('json')) {
      const where = `referrers of ${digest} in ${this.name}`;
      manifests = parseIndex(parseJson(await readBody(res.body, METADATA_CAP, where), where), where).manifests;
    } else {
      res?.body.resume();
      const tag = digest.replace(':', '-');
      const tagRes = await this.request('GET', `${this.ref.repository}/manifests/${tag}`, { accept: MANIFEST_ACCEPT }, () => undefined);
      if (tagRes === undefined) return [];
      const where = `referrers tag ${tag} of ${this.name}`;
      const doc = parseJson(await readBody(tagRes.body, METADATA_CAP, where), where);
      if (!isIndexDoc(doc)) return [];
      manifests = parseIndex(doc, where).manifests;
    }
    return artifactType === undefined ? manifests : manifests.filter((m) => m.artifactType === artifactType);
  }

  toString(): string {
    return formatImageRef(this.ref);
  }
}

/** A client for the repository of an image reference ('host/repo:tag'). */
export function createRegistryClient(ref: string | ImageRef, options: RegistryClientOptions = {}): RegistryClient {
  return new RegistryClient(ref, options);
}

export { parseImageRef, formatImageRef, type ImageRef };
