/**
 * The "not read" section every report ends with when something could not be read (README
 * "Completeness"): human table text, Markdown, and the JSON shape (`incomplete: [{kind, path, reason,
 * layer?, by?}]`, always present, empty when everything was read).
 */
import type { ChalkInstance } from 'chalk';
import { describeIncomplete, normalizeIncomplete, type Incomplete } from '../core/incomplete.js';

/** The JSON form: deduplicated, stable order, no undefined keys. */
export function incompleteJson(list: readonly Incomplete[] | undefined): Incomplete[] {
  return normalizeIncomplete(list ?? []).map((i) => ({ kind: i.kind, path: i.path, reason: i.reason, ...(i.layer ? { layer: i.layer } : {}), ...(i.by ? { by: i.by } : {}) }));
}

/** Lines for a human report (empty when nothing is missing): a header and one line per input. */
export function renderIncompleteLines(list: readonly Incomplete[] | undefined, chalk: ChalkInstance, max = 50): string[] {
  const items = normalizeIncomplete(list ?? []);
  if (items.length === 0) return [];
  const out = [chalk.yellow(`not read (${items.length}): the answer above covers only what was read`)];
  for (const i of items.slice(0, max)) out.push(`  ${chalk.yellow('!')} ${describeIncomplete(i)}${i.by ? chalk.dim(` (${i.by})`) : ''}`);
  if (items.length > max) out.push(chalk.dim(`  ... ${items.length - max} more (-o json lists them)`));
  return out;
}

/** A Markdown section (empty string when nothing is missing). */
export function renderIncompleteMarkdown(list: readonly Incomplete[] | undefined): string {
  const items = normalizeIncomplete(list ?? []);
  if (items.length === 0) return '';
  const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
  const out = [`### Not read (${items.length})`, '', 'The answer covers only what was read.', '', '| Kind | Input | Reason |', '| --- | --- | --- |'];
  for (const i of items) out.push(`| ${i.kind} | ${cell(i.path)}${i.layer ? ` (layer ${cell(i.layer.slice(0, 19))})` : ''} | ${cell(i.reason)} |`);
  return `${out.join('\n')}\n`;
}
