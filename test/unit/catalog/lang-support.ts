/** Helpers for the language-cataloger unit tests: run catalogers over in-memory files, summarise results. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incomplete } from '../../../src/core/incomplete.js';
import { collectingLogger } from '../../../src/core/log.js';
import { DEFAULT_LIMITS, type Cataloger, type CatalogLimits } from '../../../src/catalog/cataloger.js';
import { runCatalogers } from '../../../src/catalog/run.js';
import type { Package } from '../../../src/sbom/model.js';
import { createMemoryResolver, type MemoryFile } from '../../../src/source/index.js';
import { FIXTURES, GENERATED } from '../../helpers/paths.js';

export const generated = (p: string): Buffer => readFileSync(join(GENERATED, 'catalog', p));
export const fixture = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', p));

export interface LangResult {
  packages: Package[];
  relationships: { from: string; to: string; type: string }[];
  warnings: string[];
  /** What the parsers reported as not read (ctx.incomplete, or a parser that threw). */
  incomplete: Incomplete[];
}

export async function catalogFiles(catalogers: readonly Cataloger[], files: readonly MemoryFile[], limits: Partial<CatalogLimits> = {}): Promise<LangResult> {
  const log = collectingLogger();
  const r = await runCatalogers(createMemoryResolver(files), catalogers, { log, limits: { ...DEFAULT_LIMITS, ...limits } });
  return { packages: r.packages, relationships: r.relationships, warnings: r.warnings, incomplete: r.incomplete };
}

/** A readable, stable summary for goldens: one line per package, relationships by name@version. */
export function summarize(r: LangResult): string {
  const byId = new Map(r.packages.map((p) => [p.id, p]));
  const label = (id: string): string => {
    const p = byId.get(id);
    return p ? `${p.name}@${p.version}` : id;
  };
  const lines = r.packages.map((p) =>
    JSON.stringify({
      name: p.name,
      version: p.version,
      type: p.type,
      purl: p.purl,
      at: p.locations.map((l) => l.path),
      licenses: p.licenses.length > 0 ? p.licenses : undefined,
      hashes: p.hashes,
      group: p.group,
      foundBy: p.foundBy,
      metadata: p.metadata,
    }),
  );
  const rels = r.relationships.map((x) => `${label(x.from)} -${x.type}-> ${label(x.to)}`).sort();
  return `${lines.join('\n')}\n--- relationships\n${rels.join('\n')}\n--- warnings\n${r.warnings.join('\n')}\n`;
}

export function find(r: LangResult, name: string, version?: string): Package[] {
  return r.packages.filter((p) => p.name === name && (version === undefined || p.version === version));
}
