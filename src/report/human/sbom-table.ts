/**
 * `-o table`: one line per package, NAME VERSION TYPE FOUND-BY, sorted by name, version, type.
 * Colour only through the injected chalk (the header bold, deleted packages dim).
 */
import type { ChalkInstance } from 'chalk';
import type { Sbom } from '../../sbom/model.js';

const MAX_WIDTH = 60;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function renderSbomTable(sbom: Sbom, chalk: ChalkInstance): string {
  const packages = [...sbom.packages].sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.type, b.type));
  if (packages.length === 0) return 'No packages found.\n';
  // Several engines merged (--engine native,trivy): FOUND-BY lists the engines, AGREEMENT says where they differ.
  const engineSets = packages.map(enginesOf);
  const allEngines = [...new Set(engineSets.flatMap((e) => e ?? []))];
  const merged = allEngines.length > 1;
  const header = merged ? ['NAME', 'VERSION', 'TYPE', 'FOUND-BY', 'AGREEMENT'] : ['NAME', 'VERSION', 'TYPE', 'FOUND-BY'];
  const rows = packages.map((p, i) => {
    if (!merged) return [p.name, p.version, p.type, `${p.foundBy.join(', ')}${p.deleted ? ' (deleted)' : ''}`];
    const engines = engineSets[i] ?? [];
    const missing = allEngines.filter((e) => !engines.includes(e));
    const notes = Array.isArray(p.metadata?.disagreements) ? (p.metadata.disagreements as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const agreement = [missing.length === 0 ? 'all' : `not ${missing.join(', ')}`, ...notes].join('; ');
    return [p.name, p.version, p.type, `${engines.join(', ')}${p.deleted ? ' (deleted)' : ''}`, agreement];
  });
  const widths = header.map((h, i) => Math.min(MAX_WIDTH, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [chalk.bold(line(header))];
  packages.forEach((p, i) => out.push(p.deleted ? chalk.dim(line(rows[i]!)) : line(rows[i]!)));
  if (merged) {
    const agreed = engineSets.filter((e) => (e ?? []).length === allEngines.length).length;
    out.push('', `${agreed} of ${packages.length} packages found by all of ${allEngines.join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

/** Engines recorded by a multi-engine merge (`metadata.engines`, see sbom/engines/merge.ts). */
function enginesOf(p: Sbom['packages'][number]): string[] | undefined {
  const e = p.metadata?.engines;
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : undefined;
}
