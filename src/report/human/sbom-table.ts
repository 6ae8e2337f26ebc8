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
  const header = ['NAME', 'VERSION', 'TYPE', 'FOUND-BY'];
  const rows = packages.map((p) => [p.name, p.version, p.type, `${p.foundBy.join(', ')}${p.deleted ? ' (deleted)' : ''}`]);
  const widths = header.map((h, i) => Math.min(MAX_WIDTH, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [chalk.bold(line(header))];
  packages.forEach((p, i) => out.push(p.deleted ? chalk.dim(line(rows[i]!)) : line(rows[i]!)));
  return `${out.join('\n')}\n`;
}
