/**
 * Rust crates: Cargo.lock (`[[package]]` with name, version, source, checksum, dependencies as
 * "name", "name version" or "name version (source)"), and the cargo-auditable `.dep-v0` ELF section
 * (zlib-compressed JSON {packages:[{name, version, source, kind, dependencies:[index], root}]},
 * https://github.com/rust-secure-code/cargo-auditable/blob/master/PARAMETERS.md).
 */
import { inflateSync } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, str, textOf } from '../lang-common.js';
import { readElf, sectionData } from '../go/elf.js';

const MAX_INFLATED = 16 * 1024 * 1024;

function cargoPurl(name: string, version: string): string | undefined {
  try {
    return buildPurl({ type: 'cargo', name, version });
  } catch {
    return undefined;
  }
}

function crate(name: string, version: string, file: { location: CatalogFile['location'] }, foundBy: string, metadata: Record<string, unknown>): Package {
  return langPackage({ name, version, type: 'rust-crate', purl: cargoPurl(name, version), location: file.location, foundBy, metadata });
}

export function parseCargoLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(textOf(file.contents)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid TOML in Cargo.lock: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(doc.package) ? doc.package : [];
  const packages: Package[] = [];
  const byName = new Map<string, Package[]>();
  const deps: [Package, string[]][] = [];
  for (const e of list) {
    const name = str(e, 'name');
    const version = str(e, 'version');
    if (!name || !version) {
      ctx.incomplete(`Cargo.lock package ${JSON.stringify(name ?? '?')} has no version`);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const source = str(e, 'source');
    if (source) metadata.source = source;
    else metadata.local = true;
    const checksum = str(e, 'checksum');
    const p = crate(name, version, file, 'rust-cargo-lock-cataloger', metadata);
    if (checksum) p.hashes = { 'SHA-256': checksum };
    packages.push(p);
    byName.set(name, [...(byName.get(name) ?? []), p]);
    deps.push([p, isRecord(e) && Array.isArray(e.dependencies) ? e.dependencies.filter((d): d is string => typeof d === 'string') : []]);
  }
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const [n, v] = d.split(' ');
      const cands = byName.get(n ?? '') ?? [];
      const t = v === undefined ? (cands.length === 1 ? cands[0] : undefined) : cands.find((c) => c.version === v);
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

/** Reads only the ELF header, section table and `.dep-v0` of each executable. */
export function parseCargoAuditable(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const elf = readElf(file.file);
  if (!elf) return { packages: [] };
  const data = sectionData(file.file, elf, '.dep-v0');
  if (!data) return { packages: [] };
  let json: unknown;
  try {
    json = parseJsonText(inflateSync(data, { maxOutputLength: MAX_INFLATED }), '.dep-v0');
  } catch (err) {
    ctx.incomplete(`cargo-auditable .dep-v0 section unreadable (${(err as Error).message})`);
    return { packages: [] };
  }
  const list = isRecord(json) && Array.isArray(json.packages) ? json.packages : [];
  const packages: (Package | undefined)[] = [];
  for (const e of list) {
    const name = str(e, 'name');
    const version = str(e, 'version');
    if (!name || !version) {
      packages.push(undefined);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    for (const k of ['source', 'kind'] as const) if (str(e, k)) metadata[k] = str(e, k);
    if (isRecord(e) && e.root === true) metadata.root = true;
    packages.push(crate(name, version, file, 'rust-binary-cataloger', metadata));
  }
  const relationships: Relationship[] = [];
  list.forEach((e, i) => {
    const from = packages[i];
    if (!from || !isRecord(e) || !Array.isArray(e.dependencies)) return;
    for (const d of e.dependencies) {
      const to = typeof d === 'number' ? packages[d] : undefined;
      if (to && to !== from) relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
    }
  });
  return { packages: packages.filter((p): p is Package => p !== undefined), relationships };
}
