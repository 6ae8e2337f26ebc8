/**
 * `-o table`: one line per package, NAME VERSION TYPE FOUND-BY PATH, sorted by name, version, type and path
 * (two copies of one package are told apart by where they are). Cells are cut only to fit a terminal
 * (`width`), never when piped. Colour only through the injected chalk (the header bold, deleted packages dim).
 */
import type { ChalkInstance } from 'chalk';
import type { Sbom } from '../../sbom/model.js';
import { renderIncompleteLines } from '../incomplete.js';
import { fitColumns, type FitColumn } from './columns.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first location, with how many more there are. */
function pathOf(p: Sbom['packages'][number]): string {
  const first = p.locations[0]?.path;
  if (first === undefined) return '-';
  return p.locations.length > 1 ? `${first} (+${p.locations.length - 1})` : first;
}

export function renderSbomTable(sbom: Sbom, chalk: ChalkInstance, width?: number): string {
  const packages = [...sbom.packages].sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.type, b.type) || cmp(pathOf(a), pathOf(b)));
  // What could not be read ends the table (README "Completeness"): the list above may miss packages.
  const notRead = renderIncompleteLines(sbom.incomplete, chalk).map((l) => `${l}\n`).join('');
  if (packages.length === 0) return `No packages found.\n${notRead}`;
  // Several engines merged (--engine native,trivy): FOUND-BY lists the engines, AGREEMENT says where they differ.
  const engineSets = packages.map(enginesOf);
  const allEngines = [...new Set(engineSets.flatMap((e) => e ?? []))];
  const merged = allEngines.length > 1;
  const header = merged ? ['NAME', 'VERSION', 'TYPE', 'FOUND-BY', 'AGREEMENT', 'PATH'] : ['NAME', 'VERSION', 'TYPE', 'FOUND-BY', 'PATH'];
  const rows = packages.map((p, i) => {
    if (!merged) return [p.name, p.version, p.type, `${p.foundBy.join(', ')}${p.deleted ? ' (deleted)' : ''}`, pathOf(p)];
    const engines = engineSets[i] ?? [];
    const missing = allEngines.filter((e) => !engines.includes(e));
    const notes = Array.isArray(p.metadata?.disagreements) ? (p.metadata.disagreements as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const agreement = [missing.length === 0 ? 'all' : `not ${missing.join(', ')}`, ...notes].join('; ');
    return [p.name, p.version, p.type, `${engines.join(', ')}${p.deleted ? ' (deleted)' : ''}`, agreement, pathOf(p)];
  });
  const fit: FitColumn[] = header.map((h) => ({ header: h, keep: h === 'PATH' ? 'tail' : h === 'TYPE' ? 'none' : 'head', min: 10 }));
  const lines = fitColumns([header, ...rows], fit, width);
  const out = [chalk.bold(lines[0]!)];
  packages.forEach((p, i) => out.push(p.deleted ? chalk.dim(lines[i + 1]!) : lines[i + 1]!));
  if (merged) {
    const agreed = engineSets.filter((e) => (e ?? []).length === allEngines.length).length;
    out.push('', `${agreed} of ${packages.length} packages found by all of ${allEngines.join(', ')}`);
  }
  return `${out.join('\n')}\n${notRead}`;
}

/** Engines recorded by a multi-engine merge (`metadata.engines`, see sbom/engines/merge.ts). */
function enginesOf(p: Sbom['packages'][number]): string[] | undefined {
  const e = p.metadata?.engines;
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : undefined;
}
