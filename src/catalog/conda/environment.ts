/**
 * conda's environment file, `environment.yml` / `environment.yaml` (https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#create-env-file-manually):
 * the `dependencies` an environment declares, as conda match specs, and a `pip:` sub-list of pip
 * requirements installed into it.
 *
 * - A conda spec pinned to one version is a package: `name=version[=build]`, `name==version[=build]`,
 *   `name version [build]` (conda's space form), with an optional `channel::` prefix (kept in metadata);
 *   `pkg:conda/<name>@<version>`, the build string in metadata. conda reads `=1.2` as `1.2.*`; custody,
 *   like trivy, reports the version written.
 * - A spec that names no single version (no version, a range, a wildcard, alternatives `1.2|1.3`, the
 *   bracket form `name[version='>=1']`) is a package without a version, the spec kept in metadata
 *   (`constraint`), as trivy reports it: the environment installs it, at a version only `conda env export`
 *   would pin (scan lists it under coverage as `conda (no version)`).
 * - `pip:` entries are pip requirements, read as a requirements file's lines are (python/requirements.ts):
 *   pinned ones are PyPI packages (`pkg:pypi`), the rest warnings.
 * - A string that is no spec at all (`=`) is a warning. An entry of another shape (a number, a mapping
 *   other than `pip:`, a `pip:` that is no list) may hide a package: incomplete. A file that is not YAML,
 *   or not a mapping, is incomplete; one without `dependencies` (not a conda environment: other tools
 *   name files so too) reports nothing.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, purlOrUndefined, textOf } from '../lang-common.js';
import { pythonPackage } from '../python/common.js';
import { classifyRequirement, redactUrlCredentials } from '../python/requirements.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'conda-environment-cataloger';
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 50_000;
/** conda package names: lower-case letters, digits and `-_.` (upper case accepted, as conda folds it). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
/** One exact conda version: no operators, wildcards, alternatives or spaces. */
const VERSION = /^[A-Za-z0-9_.+!]+$/;
const BUILD = /^[A-Za-z0-9_.+]+$/;

export interface CondaSpec {
  name: string;
  version?: string | undefined;
  build?: string | undefined;
  channel?: string | undefined;
}

/** A conda match spec → name and the one version it pins, if it pins one. */
export function parseCondaSpec(spec: string): CondaSpec | undefined {
  let s = spec.trim();
  let channel: string | undefined;
  const cc = s.indexOf('::');
  if (cc > 0) {
    channel = s.slice(0, cc);
    s = s.slice(cc + 2).trim();
  }
  const m = /^([A-Za-z0-9_][A-Za-z0-9_.+-]*)(.*)$/.exec(s);
  if (!m || !NAME.test(m[1]!)) return undefined;
  const name = m[1]!;
  const rest = m[2]!.trim();
  const out: CondaSpec = { name, ...(channel ? { channel } : {}) };
  if (rest === '') return out;
  // name=1.2[=build], name==1.2[=build]
  let pinned = /^==?([^=\s]+)(?:=([^=\s]+))?$/.exec(rest);
  // name 1.2 [build]
  if (!pinned && /^[^\s=<>!~|,[]/.test(rest)) pinned = /^(\S+)(?:\s+(\S+))?$/.exec(rest);
  if (!pinned || !VERSION.test(pinned[1]!) || (pinned[2] !== undefined && !BUILD.test(pinned[2]))) return out;
  return { ...out, version: pinned[1]!, ...(pinned[2] !== undefined ? { build: pinned[2] } : {}) };
}

const shown = (s: string): string => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

export function parseCondaEnvironment(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`environment file is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in conda environment file: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) return { packages: [] };
  if (!isRecord(doc)) throw new Error('conda environment file is not a YAML mapping');
  if (doc.dependencies === undefined || doc.dependencies === null) return { packages: [] };
  if (!Array.isArray(doc.dependencies)) throw new Error('conda environment `dependencies` is not a list');
  const entries = doc.dependencies;
  if (entries.length > MAX_ENTRIES) ctx.incomplete(`conda environment lists ${entries.length} dependencies; only the first ${MAX_ENTRIES} are read`);
  const packages: Package[] = [];
  const bad: string[] = [];
  const pip = (req: unknown): void => {
    if (typeof req !== 'string') {
      bad.push(`pip entry ${shown(JSON.stringify(req) ?? String(req))}`);
      return;
    }
    const text = redactUrlCredentials(req.trim());
    const o = classifyRequirement(text);
    if (o.kind === 'package') {
      const metadata: Record<string, unknown> = { installer: 'pip' };
      if (o.markers) metadata.markers = o.markers;
      if (o.url) metadata.url = o.url;
      packages.push(pythonPackage({ name: o.name, version: o.version, location: file.location, foundBy: CATALOGER, metadata }));
    } else if (o.kind === 'unresolved' || o.kind === 'note') ctx.warn(`pip: ${shown(text)}: ${o.why}; not reported`, file.location);
    else if (o.kind === 'unreadable') bad.push(`pip entry ${shown(text)}`);
  };
  for (const e of entries.slice(0, MAX_ENTRIES)) {
    if (typeof e === 'string') {
      const spec = parseCondaSpec(e);
      if (spec === undefined) ctx.warn(`conda environment: ${shown(e)} is not a package spec; ignored`, file.location);
      else if (spec.version === undefined) {
        const metadata: Record<string, unknown> = { constraint: e.trim() };
        if (spec.channel) metadata.channel = spec.channel;
        packages.push(langPackage({ name: spec.name, version: '', type: 'conda', purl: purlOrUndefined({ type: 'conda', name: spec.name, version: '' }), location: file.location, foundBy: CATALOGER, metadata }));
      } else {
        const metadata: Record<string, unknown> = {};
        if (spec.build) metadata.build = spec.build;
        if (spec.channel) metadata.channel = spec.channel;
        packages.push(langPackage({ name: spec.name, version: spec.version, type: 'conda', purl: purlOrUndefined({ type: 'conda', name: spec.name, version: spec.version }), location: file.location, foundBy: CATALOGER, metadata }));
      }
    } else if (isRecord(e)) {
      for (const [k, v] of Object.entries(e)) {
        if (k !== 'pip') bad.push(`a ${shown(k)} sub-list (only pip: is read)`);
        else if (!Array.isArray(v)) bad.push('a pip: that is not a list');
        else for (const req of v.slice(0, MAX_ENTRIES)) pip(req);
      }
    } else bad.push(`entry ${shown(JSON.stringify(e) ?? String(e))}`);
  }
  if (bad.length > 0) ctx.incomplete(`conda environment dependencies not read: ${nameSome(bad, 5, '; ')}`);
  return { packages };
}
