/**
 * Trusted roots: the built-in public-good snapshot, a file (--trusted-root), or a TUF refresh (--tuf-refresh).
 *
 * The built-in root is not a copy we maintain: it is the `trusted_root.json` TUF target cached in the
 * `@sigstore/tuf` package's seeds.json (the same bytes sigstore-js ships as its offline seed), together with the
 * TUF root.json it was signed under, whose version and expiry `--show-trust` prints.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { InputError, NetworkError, errorMessage } from '../core/errors.js';
import { readInputFileSync } from '../core/input-file.js';
import type { TrustedRootSummary } from './model.js';

/** A parsed trusted root. Opaque outside verify/: pass it back to verifyBundle & co. */
export interface TrustedRootHandle {
  readonly summary: TrustedRootSummary;
  /** @internal the sigstore protobuf model */
  readonly root: TrustedRoot;
}

const MAX_TRUST_FILE = 4 * 1024 * 1024;
const TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

const require = createRequire(import.meta.url);

/**
 * Load a trusted root: the built-in public-good snapshot when `path` is undefined, else the file
 * (a `trusted_root.json`, or a ClientTrustConfig whose `trustedRoot` member is one).
 * @throws InputError VERIFY_TRUST_UNREADABLE / VERIFY_TRUST_MALFORMED
 */
export function loadTrustedRoot(path?: string): TrustedRootHandle {
  if (path === undefined) return builtInTrustedRoot();
  const text = readInputFileSync(path, { prefix: 'VERIFY_TRUST', what: 'trusted root', maxBytes: MAX_TRUST_FILE }).toString('utf8');
  return parseTrustedRoot(text, 'file', path);
}

/** Parse trusted-root JSON text. @throws InputError VERIFY_TRUST_MALFORMED */
export function parseTrustedRoot(text: string, source: TrustedRootSummary['source'], origin: string, snapshot?: TrustedRootSummary['snapshot']): TrustedRootHandle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw malformed(origin, `not JSON: ${errorMessage(err)}`, err);
  }
  if (isObject(json) && isObject(json.trustedRoot)) json = json.trustedRoot; // ClientTrustConfig
  if (!isObject(json) || typeof json.mediaType !== 'string' || !json.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw malformed(origin, 'no trusted-root mediaType (application/vnd.dev.sigstore.trustedroot...)');
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (err) {
    throw malformed(origin, errorMessage(err), err);
  }
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0 && root.timestampAuthorities.length === 0) {
    throw malformed(origin, 'it trusts no certificate authority, transparency log or timestamp authority');
  }
  // A log key without a validity start is malformed, not unbounded (conformance trust-root-tlog-missing-validity-start).
  for (const log of [...root.tlogs, ...root.ctlogs]) {
    if (log.publicKey?.validFor?.start === undefined) throw malformed(origin, `log ${log.baseUrl} has a key without validFor.start`);
  }
  return { root, summary: summarize(root, source, origin, snapshot) };
}

function malformed(origin: string, why: string, cause?: unknown): InputError {
  return new InputError('VERIFY_TRUST_MALFORMED', `trusted root ${origin} is malformed: ${why}`, {
    hint: 'pass a Sigstore trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json)',
    ...(cause === undefined ? {} : { cause }),
  });
}

let builtIn: TrustedRootHandle | undefined;

/** The public-good root from @sigstore/tuf's seeds.json (parsed once per process; it is immutable). */
export function builtInTrustedRoot(): TrustedRootHandle {
  if (builtIn) return builtIn;
  let pkgDir: string;
  let pkgVersion: string;
  let seeds: unknown;
  try {
    const pkgJson = require.resolve('@sigstore/tuf/package.json');
    pkgDir = dirname(pkgJson);
    pkgVersion = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
    seeds = JSON.parse(readFileSync(join(pkgDir, 'seeds.json'), 'utf8'));
  } catch (err) {
    throw new InputError('VERIFY_TRUST_BUILTIN_MISSING', `cannot read the built-in trusted root (@sigstore/tuf seeds.json): ${errorMessage(err)}`, {
      hint: 'reinstall custody, or pass --trusted-root trusted_root.json',
      cause: err,
    });
  }
  const mirror = isObject(seeds) ? seeds[TUF_MIRROR] : undefined;
  const targets = isObject(mirror) && isObject(mirror.targets) ? mirror.targets : undefined;
  const target = targets?.['trusted_root.json'];
  const rootB64 = isObject(mirror) ? mirror['root.json'] : undefined;
  if (typeof target !== 'string' || typeof rootB64 !== 'string') {
    throw new InputError('VERIFY_TRUST_BUILTIN_MISSING', 'the built-in trusted root is missing from @sigstore/tuf seeds.json', {
      hint: 'pass --trusted-root trusted_root.json',
    });
  }
  let snapshot: TrustedRootSummary['snapshot'];
  try {
    const tufRoot = JSON.parse(Buffer.from(rootB64, 'base64').toString('utf8')) as { signed: { version: number; expires: string } };
    snapshot = { package: `@sigstore/tuf@${pkgVersion}`, tufRootVersion: tufRoot.signed.version, tufRootExpires: tufRoot.signed.expires };
  } catch {
    snapshot = undefined;
  }
  builtIn = parseTrustedRoot(Buffer.from(target, 'base64').toString('utf8'), 'built-in', `${TUF_MIRROR} (seed in @sigstore/tuf@${pkgVersion})`, snapshot);
  return builtIn;
}

/**
 * Fetch the current public-good trusted root over TUF (network; only on --tuf-refresh).
 * @throws NetworkError VERIFY_TUF_FAILED
 */
export async function refreshTrustedRoot(cachePath: string): Promise<TrustedRootHandle> {
  try {
    const tuf = await import('@sigstore/tuf');
    const root = await tuf.getTrustedRoot({ cachePath, mirrorURL: TUF_MIRROR, force: true });
    return { root, summary: summarize(root, 'tuf', TUF_MIRROR) };
  } catch (err) {
    throw new NetworkError('VERIFY_TUF_FAILED', `cannot refresh the trusted root from ${TUF_MIRROR}: ${errorMessage(err)}`, {
      hint: 'check the network, or drop --tuf-refresh to use the built-in root, or pass --trusted-root FILE',
      cause: err,
    });
  }
}

function iso(d: Date | undefined): string | undefined {
  return d === undefined ? undefined : d.toISOString();
}

function summarize(root: TrustedRoot, source: TrustedRootSummary['source'], origin: string, snapshot?: TrustedRootSummary['snapshot']): TrustedRootSummary {
  const ca = (c: TrustedRoot['certificateAuthorities'][number]): TrustedRootSummary['certificateAuthorities'][number] => {
    const s = c.subject;
    const validFrom = iso(c.validFor?.start);
    const validTo = iso(c.validFor?.end);
    return {
      uri: c.uri,
      subject: s ? [s.organization, s.commonName].filter((x) => x !== '').join(', ') : '',
      ...(validFrom ? { validFrom } : {}),
      ...(validTo ? { validTo } : {}),
    };
  };
  const log = (l: TrustedRoot['tlogs'][number]): TrustedRootSummary['tlogs'][number] => {
    const validFrom = iso(l.publicKey?.validFor?.start);
    const validTo = iso(l.publicKey?.validFor?.end);
    return {
      baseUrl: l.baseUrl,
      keyId: l.logId ? Buffer.from(l.logId.keyId).toString('hex') : '',
      ...(validFrom ? { validFrom } : {}),
      ...(validTo ? { validTo } : {}),
    };
  };
  return {
    source,
    origin,
    ...(snapshot ? { snapshot } : {}),
    mediaType: root.mediaType,
    certificateAuthorities: root.certificateAuthorities.map(ca),
    tlogs: root.tlogs.map(log),
    ctlogs: root.ctlogs.map(log),
    timestampAuthorities: root.timestampAuthorities.map(ca),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
