/**
 * conda's record of an installed package: `<prefix>/conda-meta/<name>-<version>-<build>.json`, written by
 * conda, mamba and rattler (pixi) when they link a package into an environment (`name`, `version`,
 * `build`, `channel`, `subdir`, `fn`, `license`, `md5`, `sha256`, `depends`, `files`, ...).
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, purlOrUndefined, str } from '../lang-common.js';

/**
 * The channel's name as the purl spec's `channel` qualifier writes it: `https://conda.anaconda.org/conda-forge/`
 * → `conda-forge`, `https://repo.anaconda.com/pkgs/main/linux-64` → `main` (the subdir dropped), `pkgs/main` → `main`.
 */
export function condaChannelName(channel: string | undefined, subdir: string | undefined): string | undefined {
  if (channel === undefined || channel.trim() === '') return undefined;
  const segments = channel.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('/').filter((s) => s !== '');
  if (segments.length > 1 && subdir !== undefined && segments.at(-1) === subdir) segments.pop();
  return segments.at(-1);
}

/** The package file's format from its name: `.conda` or `.tar.bz2`. */
function archiveType(fn: string | undefined): string | undefined {
  if (fn === undefined) return undefined;
  if (fn.endsWith('.conda')) return 'conda';
  if (fn.endsWith('.tar.bz2')) return 'tar.bz2';
  return undefined;
}

export function parseCondaMeta(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'conda-meta package record');
  if (!isRecord(doc)) {
    ctx.incomplete('a conda-meta record that is no JSON object');
    return { packages: [] };
  }
  const name = str(doc, 'name')?.trim();
  const version = str(doc, 'version')?.trim();
  if (!name || /\s/.test(name)) {
    ctx.incomplete('a conda-meta record without a valid "name"');
    return { packages: [] };
  }
  if (!version || /\s/.test(version)) {
    ctx.incomplete(`conda package ${name} has no valid "version"`);
    return { packages: [] };
  }
  const build = str(doc, 'build');
  const subdir = str(doc, 'subdir');
  const fn = str(doc, 'fn');
  const channel = condaChannelName(str(doc, 'channel') ?? str(doc, 'url')?.replace(/\/[^/]*$/, ''), subdir);
  const type = archiveType(fn);
  const purl = purlOrUndefined({
    type: 'conda',
    name,
    version,
    qualifiers: { ...(build ? { build } : {}), ...(channel ? { channel } : {}), ...(subdir ? { subdir } : {}), ...(type ? { type } : {}) },
  });
  const hashes: Record<string, string> = {};
  const md5 = str(doc, 'md5');
  const sha256 = str(doc, 'sha256');
  if (md5 && /^[0-9a-f]{32}$/i.test(md5)) hashes.MD5 = md5.toLowerCase();
  if (sha256 && /^[0-9a-f]{64}$/i.test(sha256)) hashes['SHA-256'] = sha256.toLowerCase();
  const metadata: Record<string, unknown> = {};
  for (const k of ['build', 'subdir', 'channel', 'fn', 'url'] as const) {
    const v = str(doc, k);
    if (v) metadata[k] = v;
  }
  const depends = Array.isArray(doc.depends) ? doc.depends.filter((d): d is string => typeof d === 'string').slice(0, 10_000) : [];
  if (depends.length > 0) metadata.depends = depends;
  const license = str(doc, 'license')?.trim();
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'conda',
        purl,
        location: file.location,
        foundBy: 'conda-meta-cataloger',
        licenses: license ? [license] : [],
        hashes,
        metadata,
      }),
    ],
  };
}
