/**
 * Completeness inside SBOM documents (README "Completeness: what custody could not read").
 *
 * custody writes what it could not read into every document it generates, so the mark travels with
 * the SBOM: CycloneDX `compositions` (an aggregate for the subject, `metadata.component`:
 * https://cyclonedx.org/use-cases/compositions-components) plus `custody:incomplete:<i>:<field>`
 * metadata properties; SPDX 2.3 document annotations `custody:completeness=<value>` and
 * `custody:incomplete:<i>=<JSON entry>`; custody's json model its `completeness` and `incomplete`
 * fields. Decoders read them back into `Sbom.completeness` / `Sbom.incomplete`, and commands that
 * read an SBOM turn a document that declares itself incomplete into one incomplete input.
 */
import { type DeclaredCompleteness, type Incomplete, type IncompleteKind, declaresIncomplete, normalizeIncomplete } from '../core/incomplete.js';
import type { Sbom } from './model.js';

const KINDS: readonly IncompleteKind[] = ['file', 'directory', 'layer', 'sbom', 'report', 'manifest', 'workload', 'image', 'vulndb'];

/** Cap on entries read back from a document (hostile input controls the count). */
export const MAX_DECLARED_ENTRIES = 10_000;

/** Prefix of the per-entry CycloneDX metadata properties and SPDX annotations. */
export const INCOMPLETE_PREFIX = 'custody:incomplete:';
/** The SPDX annotation that carries the declaration (`custody:completeness=incomplete`). */
export const COMPLETENESS_ANNOTATION = 'custody:completeness=';

/**
 * What a document written from this model declares: `incomplete` when anything is listed, else the
 * model's own declaration (`complete` from custody's generation); a model read from a document that
 * declared nothing stays `not-declared` (converting a third-party SBOM claims nothing it did not).
 */
export function completenessToWrite(sbom: Pick<Sbom, 'completeness' | 'incomplete'>): DeclaredCompleteness {
  if ((sbom.incomplete ?? []).length > 0) return 'incomplete';
  return sbom.completeness ?? 'not-declared';
}

/**
 * CycloneDX `aggregate` values (1.3-1.7 `aggregateType`) as a declaration: every `incomplete*` value
 * is incomplete (`incomplete_first_party_only` etc. say some part is missing), `not_specified` says nothing.
 */
export function completenessOfAggregate(aggregate: string): DeclaredCompleteness {
  if (aggregate === 'complete') return 'complete';
  if (aggregate.startsWith('incomplete')) return 'incomplete';
  if (aggregate === 'unknown') return 'unknown';
  return 'not-declared';
}

/** The CycloneDX aggregate custody writes for a declaration. */
export function aggregateOf(c: DeclaredCompleteness): string {
  switch (c) {
    case 'complete':
      return 'complete';
    case 'incomplete':
      return 'incomplete';
    case 'unknown':
      return 'unknown';
    case 'not-declared':
      return 'not_specified';
  }
}

/** Several declarations about the same document: the least complete wins. */
export function worstCompleteness(list: readonly DeclaredCompleteness[]): DeclaredCompleteness {
  const rank: Record<DeclaredCompleteness, number> = { 'not-declared': 0, complete: 1, unknown: 2, incomplete: 3 };
  return list.reduce<DeclaredCompleteness>((w, c) => (rank[c] > rank[w] ? c : w), 'not-declared');
}

/** Name/value pairs (CycloneDX properties) for the list: `custody:incomplete:0:kind` = `file`, ... */
export function incompleteProperties(list: readonly Incomplete[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  normalizeIncomplete(list).forEach((i, n) => {
    const p = `${INCOMPLETE_PREFIX}${n}:`;
    out.push({ name: `${p}kind`, value: i.kind }, { name: `${p}path`, value: i.path }, { name: `${p}reason`, value: i.reason });
    if (i.layer) out.push({ name: `${p}layer`, value: i.layer });
    if (i.by) out.push({ name: `${p}by`, value: i.by });
  });
  return out;
}

function entryOf(fields: Partial<Record<string, unknown>>): Incomplete | undefined {
  const { kind, path, reason, layer, by } = fields;
  if (typeof kind !== 'string' || !KINDS.includes(kind as IncompleteKind) || typeof path !== 'string' || typeof reason !== 'string') return undefined;
  return { kind: kind as IncompleteKind, path, reason, ...(typeof layer === 'string' && layer !== '' ? { layer } : {}), ...(typeof by === 'string' && by !== '' ? { by } : {}) };
}

/** The list back from name/value pairs; malformed entries are dropped (the declaration still counts). */
export function incompleteFromProperties(props: readonly { name: string; value: string }[]): Incomplete[] {
  const byIndex = new Map<string, Record<string, string>>();
  for (const p of props) {
    if (!p.name.startsWith(INCOMPLETE_PREFIX)) continue;
    const m = /^(\d{1,6}):(kind|path|reason|layer|by)$/.exec(p.name.slice(INCOMPLETE_PREFIX.length));
    if (!m) continue;
    if (!byIndex.has(m[1]!) && byIndex.size >= MAX_DECLARED_ENTRIES) continue;
    const e = byIndex.get(m[1]!) ?? {};
    e[m[2]!] = p.value;
    byIndex.set(m[1]!, e);
  }
  return [...byIndex.entries()]
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, f]) => entryOf(f))
    .filter((e): e is Incomplete => e !== undefined);
}

/** SPDX annotation comments for a document: one JSON entry each, then the declaration (last: the end of the document). */
export function spdxCompletenessComments(sbom: Sbom): string[] {
  const list = normalizeIncomplete(sbom.incomplete ?? []);
  return [...list.map((i, n) => `${INCOMPLETE_PREFIX}${n}=${JSON.stringify(i)}`), `${COMPLETENESS_ANNOTATION}${completenessToWrite(sbom)}`];
}

/** The declaration and the list from SPDX annotation comments; undefined declaration when none says it. */
export function completenessFromSpdxComments(comments: readonly string[]): { completeness?: DeclaredCompleteness; incomplete: Incomplete[] } {
  const declared: DeclaredCompleteness[] = [];
  const incomplete: Incomplete[] = [];
  for (const c of comments) {
    const text = c.trim();
    if (text.startsWith(COMPLETENESS_ANNOTATION)) {
      const v = text.slice(COMPLETENESS_ANNOTATION.length).trim();
      // An unrecognised value is not a claim of completeness: treat it as unknown.
      declared.push(v === 'complete' || v === 'incomplete' || v === 'unknown' ? v : v === 'not-declared' ? 'not-declared' : 'unknown');
      continue;
    }
    const m = /^custody:incomplete:\d{1,6}=(\{.*\})$/s.exec(text);
    if (!m || incomplete.length >= MAX_DECLARED_ENTRIES) continue;
    try {
      const e = entryOf(JSON.parse(m[1]!) as Record<string, unknown>);
      if (e) incomplete.push(e);
    } catch {
      // a malformed entry is dropped; the declaration itself still counts
    }
  }
  const completeness = declared.length > 0 ? worstCompleteness(declared) : incomplete.length > 0 ? 'incomplete' : undefined;
  return completeness === undefined ? { incomplete } : { completeness, incomplete };
}

/**
 * One incomplete input for an SBOM `path` that declares itself incomplete (or unknown), naming what its
 * own list says was not read; undefined for an SBOM that declares `complete` or nothing (a third-party
 * SBOM that says nothing is "not declared", not incomplete).
 */
export function declaredIncompleteInput(sbom: Pick<Sbom, 'completeness' | 'incomplete'>, path: string): Incomplete | undefined {
  const list = sbom.incomplete ?? [];
  const declared = sbom.completeness ?? (list.length > 0 ? 'incomplete' : 'not-declared');
  if (!declaresIncomplete(declared)) return undefined;
  const first = list[0];
  const what =
    list.length === 0
      ? `the SBOM declares itself ${declared}`
      : `the SBOM declares itself ${declared}: ${list.length} input${list.length === 1 ? '' : 's'} not read when it was made (first: ${first!.kind} ${first!.path}: ${first!.reason})`;
  return { kind: 'sbom', path, reason: what };
}
