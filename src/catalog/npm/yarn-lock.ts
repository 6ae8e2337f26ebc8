/**
 * yarn.lock, both formats:
 * - classic (v1): its own indented format — `"a@^1", a@~1.2:` headers, `version "1.2.3"`,
 *   `dependencies:` blocks of `name "range"`;
 * - berry (v2+): YAML with `__metadata`, keys `name@npm:range`, `resolution: name@npm:1.2.3`;
 *   workspace/link/portal entries are the project itself, not packages.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, str, textOf } from '../lang-common.js';
import { npmPackage } from './common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'npm-lock-cataloger';

/** 'a@^1' / '@s/a@npm:^1' → name ('a', '@s/a'). */
export function descriptorName(d: string): string {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  return at < 0 ? d : d.slice(0, at);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1).replace(/\\"/g, '"') : t;
}

interface Entry {
  descriptors: string[];
  name: string;
  version: string;
  deps: [string, string][];
  resolved?: string;
  integrity?: string;
}

export function parseClassicYarnLock(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | undefined;
  let inDeps = false;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      if (!line.endsWith(':')) {
        cur = undefined;
        continue;
      }
      const descriptors = line
        .slice(0, -1)
        .split(/,\s*/)
        .map(unquote)
        .filter((d) => d !== '');
      cur = { descriptors, name: descriptorName(descriptors[0] ?? ''), version: '', deps: [] };
      out.push(cur);
      inDeps = false;
      continue;
    }
    if (!cur) continue;
    if (indent <= 2) {
      inDeps = /^(dependencies|optionalDependencies):$/.test(line);
      const m = /^(\S+)\s+(.+)$/.exec(line);
      if (m && !inDeps) {
        const v = unquote(m[2]!);
        if (m[1] === 'version') cur.version = v;
        else if (m[1] === 'resolved') cur.resolved = v;
        else if (m[1] === 'integrity') cur.integrity = v;
      }
      continue;
    }
    if (inDeps) {
      const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(line);
      if (m) cur.deps.push([unquote(m[1]!), unquote(m[2]!)]);
    }
  }
  return out;
}

function parseBerry(doc: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  for (const [key, v] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(v)) continue;
    const resolution = str(v, 'resolution') ?? '';
    if (/@(workspace|link|portal|file):/.test(resolution) || str(v, 'linkType') === 'soft') continue;
    const descriptors = key.split(/,\s*/).map((d) => d.trim());
    const name = descriptorName(resolution || descriptors[0] || '');
    const version = typeof v.version === 'string' || typeof v.version === 'number' ? String(v.version) : '';
    const deps: [string, string][] = [];
    for (const f of ['dependencies', 'optionalDependencies']) {
      const d = v[f];
      if (isRecord(d)) for (const [n, r] of Object.entries(d)) deps.push([n, String(r)]);
    }
    const e: Entry = { descriptors, name, version, deps };
    if (resolution) e.resolved = resolution;
    const checksum = str(v, 'checksum');
    if (checksum) e.integrity = checksum;
    out.push(e);
  }
  return out;
}

export function parseYarnLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const text = textOf(file.contents);
  const berry = /^__metadata:/m.test(text);
  let entries: Entry[];
  if (berry) {
    let doc: unknown;
    try {
      doc = yaml().parse(text, { maxAliasCount: 100, logLevel: 'error' });
    } catch (err) {
      throw new Error(`invalid YAML in yarn.lock: ${(err as Error).message}`, { cause: err });
    }
    if (!isRecord(doc)) throw new Error('yarn.lock is not a YAML mapping');
    entries = parseBerry(doc);
  } else entries = parseClassicYarnLock(text);
  const packages: Package[] = [];
  const byDescriptor = new Map<string, Package>();
  const withPkg: [Entry, Package][] = [];
  for (const e of entries) {
    if (e.name === '' || e.version === '') {
      ctx.warn(`yarn.lock entry ${JSON.stringify(e.descriptors.join(', '))} has no version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    if (e.resolved) metadata.resolved = e.resolved;
    if (e.integrity) metadata.integrity = e.integrity;
    const p = npmPackage({ name: e.name, version: e.version, location: file.location, foundBy: CATALOGER, metadata });
    packages.push(p);
    withPkg.push([e, p]);
    for (const d of e.descriptors) byDescriptor.set(d, p);
  }
  const relationships: Relationship[] = [];
  for (const [e, p] of withPkg) {
    for (const [n, r] of e.deps) {
      const target = byDescriptor.get(`${n}@${r}`) ?? (berry ? byDescriptor.get(`${n}@npm:${r}`) : undefined);
      if (target && target !== p) relationships.push({ from: p.id, to: target.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
