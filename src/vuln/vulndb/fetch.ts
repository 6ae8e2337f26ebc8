/**
 * The only network code in custody's vulnerability data path (README "custody vulndb"): HTTP(S) GETs
 * of a mirror laid out like osv.dev's bucket, through undici (HTTPS_PROXY / HTTP_PROXY / NO_PROXY via
 * its EnvHttpProxyAgent, a custom CA, timeouts), with conditional requests (ETag / Last-Modified),
 * bounded bodies, redirects followed by hand (no https -> http downgrade, credentials never leave the
 * source's origin) and errors that name the URL without its credentials.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { InputError, NetworkError, UsageError } from '../../core/errors.js';
import { lazyRequire } from '../../core/lazy.js';
import type { Credentials } from './credentials.js';
import { redactUrl } from './credentials.js';
import { writeError } from './generation.js';

export interface HttpClientOptions {
  /** Allow `http://` sources (and redirects to them). */
  allowInsecure: boolean;
  /** Extra trusted CA certificates (PEM), for mirrors behind a private CA or a TLS-inspecting proxy. */
  ca?: string;
  /** Proxy settings as the environment gives them (the CLI passes HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  proxy: { http?: string; https?: string; noProxy?: string };
  credentials?: Credentials;
  /** Connect, headers and idle-body timeout (ms). */
  timeoutMs: number;
  userAgent: string;
  signal?: AbortSignal;
}

/** What a conditional GET found. */
export type Fetched =
  | { status: 'not-modified' }
  | { status: 'missing'; httpStatus: number }
  | { status: 'ok'; etag?: string; lastModified?: string; bytes: number; sha256: string };

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface HttpClient {
  /**
   * GET `url` into the new file `dest` (created exclusively), sending `validators` as If-None-Match /
   * If-Modified-Since. `onProgress` gets bytes received and the announced total.
   * @throws NetworkError (unreachable, refused, timed out, HTTP errors), InputError VULNDB_WRITE_FAILED
   *   (the file could not be written: disk full), InputError VULNDB_DOWNLOAD_TOO_LARGE.
   */
  download(url: URL, dest: string, o: { validators?: Validators; maxBytes: number; onProgress?: (received: number, total?: number) => void }): Promise<Fetched>;
  /** GET a small text resource (`ecosystems.txt`); undefined on 404. */
  text(url: URL, maxBytes: number): Promise<string | undefined>;
  close(): Promise<void>;
}

const MAX_REDIRECTS = 5;

/** Loaded on first use: `custody scan` links this module but only `vulndb update` talks to the network. */
const undici = lazyRequire<typeof import('undici')>('undici');

/**
 * A client for one source.
 * @throws UsageError VULNDB_INSECURE_SOURCE for http:// without `allowInsecure`, VULNDB_BAD_SOURCE for other schemes.
 */
export function createHttpClient(o: HttpClientOptions): HttpClient {
  const tls = o.ca !== undefined ? { ca: o.ca } : {};
  const { EnvHttpProxyAgent, request } = undici();
  const agent = new EnvHttpProxyAgent({
    // Explicit values ('' = none) so undici never reads process.env itself: the CLI's env is the truth.
    httpProxy: o.proxy.http ?? '',
    httpsProxy: o.proxy.https ?? '',
    noProxy: o.proxy.noProxy ?? '',
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    connect: { timeout: o.timeoutMs, ...tls },
    requestTls: tls,
    proxyTls: tls,
  } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);

  const get = async (url: URL, headers: Record<string, string>): Promise<{ res: Dispatcher.ResponseData; url: URL }> => {
    let current = url;
    for (let hop = 0; ; hop++) {
      checkScheme(current, o.allowInsecure, hop > 0);
      const h: Record<string, string> = { 'user-agent': o.userAgent, accept: '*/*', ...headers };
      if (o.credentials !== undefined && current.origin === o.credentials.origin) h.authorization = o.credentials.authorization;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(stripUserInfo(current), { method: 'GET', headers: h, dispatcher: agent, ...(o.signal ? { signal: o.signal } : {}) });
      } catch (err) {
        throw networkError(err, current, o.signal);
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304) {
        await res.body.dump().catch(() => undefined);
        const location = res.headers.location;
        const loc = Array.isArray(location) ? location[0] : location;
        if (loc === undefined || hop >= MAX_REDIRECTS) {
          throw new NetworkError('VULNDB_HTTP', `${redactUrl(current)} answered HTTP ${res.statusCode} ${loc === undefined ? 'without a Location' : `after ${MAX_REDIRECTS} redirects`}`, {
            hint: 'check the --source URL',
          });
        }
        current = new URL(loc, current);
        continue;
      }
      return { res, url: current };
    }
  };

  const failStatus = async (res: Dispatcher.ResponseData, url: URL): Promise<never> => {
    await res.body.dump().catch(() => undefined);
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new NetworkError('VULNDB_AUTH', `${redactUrl(url)} refused access (HTTP ${res.statusCode})${o.credentials ? ` with the credentials from ${o.credentials.from}` : ''}`, {
        hint: 'set CUSTODY_VULNDB_TOKEN, or CUSTODY_VULNDB_USERNAME and CUSTODY_VULNDB_PASSWORD, or add the host to ~/.netrc',
      });
    }
    throw new NetworkError('VULNDB_HTTP', `${redactUrl(url)} answered HTTP ${res.statusCode}`, { hint: 'the source may be down; the data in the cache stays in use' });
  };

  return {
    async download(url, dest, d) {
      const headers: Record<string, string> = {};
      if (d.validators?.etag) headers['if-none-match'] = d.validators.etag;
      if (d.validators?.lastModified) headers['if-modified-since'] = d.validators.lastModified;
      const { res, url: final } = await get(url, headers);
      if (res.statusCode === 304) {
        await res.body.dump().catch(() => undefined);
        if (d.validators === undefined) throw new NetworkError('VULNDB_HTTP', `${redactUrl(final)} answered 304 to an unconditional request`, { hint: 'check the --source URL' });
        return { status: 'not-modified' };
      }
      if (res.statusCode === 404 || res.statusCode === 410) {
        await res.body.dump().catch(() => undefined);
        return { status: 'missing', httpStatus: res.statusCode };
      }
      if (res.statusCode !== 200) return failStatus(res, final);
      const announced = Number(header(res, 'content-length'));
      const total = Number.isFinite(announced) && announced >= 0 ? announced : undefined;
      if (total !== undefined && total > d.maxBytes) {
        await res.body.destroy();
        throw tooLarge(final, total, d.maxBytes);
      }
      const hash = createHash('sha256');
      let received = 0;
      let fh;
      try {
        fh = await open(dest, 'wx');
      } catch (err) {
        await res.body.destroy();
        throw writeError(dest, err);
      }
      try {
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            received += chunk.length;
            if (received > d.maxBytes) throw tooLarge(final, received, d.maxBytes);
            hash.update(chunk);
            try {
              await fh.write(chunk);
            } catch (err) {
              throw writeError(dest, err);
            }
            d.onProgress?.(received, total);
          }
        } catch (err) {
          res.body.destroy();
          if (err instanceof InputError || err instanceof NetworkError) throw err;
          throw networkError(err, final, o.signal);
        }
        if (total !== undefined && received !== total) {
          throw new NetworkError('VULNDB_TRUNCATED', `${redactUrl(final)} ended after ${received} of ${total} bytes`, { hint: 'the connection dropped; run the update again' });
        }
        try {
          await fh.sync();
        } catch (err) {
          throw writeError(dest, err);
        }
      } finally {
        await fh.close().catch(() => undefined);
      }
      const out: Fetched = { status: 'ok', bytes: received, sha256: hash.digest('hex') };
      const etag = header(res, 'etag');
      const lastModified = header(res, 'last-modified');
      if (etag) out.etag = etag;
      if (lastModified) out.lastModified = lastModified;
      return out;
    },

    async text(url, maxBytes) {
      const { res, url: final } = await get(url, {});
      if (res.statusCode === 404 || res.statusCode === 410) {
        await res.body.dump().catch(() => undefined);
        return undefined;
      }
      if (res.statusCode !== 200) return failStatus(res, final);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBytes) {
            res.body.destroy();
            throw tooLarge(final, size, maxBytes);
          }
          chunks.push(chunk);
        }
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw networkError(err, final, o.signal);
      }
      return Buffer.concat(chunks).toString('utf8');
    },

    close: () => agent.close(),
  };
}

function header(res: Dispatcher.ResponseData, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function stripUserInfo(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

/** http(s) only; http only when allowed. */
export function checkScheme(url: URL, allowInsecure: boolean, redirected = false): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (allowInsecure) return;
    throw new UsageError('VULNDB_INSECURE_SOURCE', `${redirected ? 'the source redirected to ' : ''}${redactUrl(url)} is plain HTTP: its data could be altered on the way`, {
      hint: 'use an https:// mirror (with --ca-file for a private CA), or pass --allow-insecure-source if you accept that',
    });
  }
  throw new UsageError('VULNDB_BAD_SOURCE', `${redactUrl(url)} is not an http(s) URL`, { hint: 'for a directory or zip on disk use `custody vulndb import PATH`' });
}

function tooLarge(url: URL, size: number, max: number): InputError {
  return new InputError('VULNDB_DOWNLOAD_TOO_LARGE', `${redactUrl(url)} is ${size} bytes, over the ${max}-byte limit`, {
    hint: 'check the --source URL; osv.dev zips are far smaller',
  });
}


const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Any failure to talk to the source as a NetworkError naming it (an abort is passed through as is). */
function networkError(err: unknown, url: URL, signal?: AbortSignal): unknown {
  if (signal?.aborted) return err;
  if (err instanceof NetworkError || err instanceof InputError || err instanceof UsageError) return err;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  if (TLS_CODES.has(code)) {
    return new NetworkError('VULNDB_TLS', `cannot verify the TLS certificate of ${redactUrl(url)} (${code})`, {
      cause: err,
      hint: 'if the mirror uses a private CA, pass --ca-file CA.pem',
    });
  }
  const what =
    code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
      ? 'timed out'
      : code === 'ECONNREFUSED'
        ? 'refused the connection'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'cannot be resolved'
          : code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'UND_ERR_ABORTED'
            ? 'dropped the connection'
            : `failed (${code || (err instanceof Error ? err.message : String(err))})`;
  return new NetworkError('VULNDB_UNREACHABLE', `${redactUrl(url)} ${what}`, { cause: err, hint: 'check the network, the proxy (HTTPS_PROXY, NO_PROXY) and the --source URL' });
}
