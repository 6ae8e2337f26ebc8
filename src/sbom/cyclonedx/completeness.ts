/**
 * What a CycloneDX document declares about its own completeness (README "Completeness"): the
 * `compositions` whose `assemblies` name the subject (`metadata.component`), or that name nothing at
 * all (a composition about the BOM as a whole), give the declaration — the least complete of them
 * wins; custody's `custody:incomplete:<i>:*` metadata properties give the list of what was not read.
 * A document without such a composition declares nothing (`not-declared`), which is not incomplete.
 * https://cyclonedx.org/use-cases/compositions-components
 */
import type { DeclaredCompleteness, Incomplete } from '../../core/incomplete.js';
import { completenessOfAggregate, incompleteFromProperties, MAX_DECLARED_ENTRIES, worstCompleteness } from '../completeness.js';
import { arr, isObj, obj, str } from '../decode.js';

export function cycloneDxCompleteness(doc: Record<string, unknown>): { completeness: DeclaredCompleteness; incomplete: Incomplete[] } {
  const metadata = obj(doc.metadata);
  const root = str(obj(metadata.component)['bom-ref']);
  const declared: DeclaredCompleteness[] = [];
  for (const c of arr(doc.compositions).slice(0, MAX_DECLARED_ENTRIES)) {
    if (!isObj(c)) continue;
    const aggregate = str(c.aggregate);
    if (aggregate === undefined) continue;
    const assemblies = arr(c.assemblies).map((a) => (typeof a === 'string' ? a : str(obj(a).ref)));
    // Keys absent, not merely empty: a large document read sparsely may have emptied a filtered array.
    const aboutNothingElse = c.assemblies === undefined && c.dependencies === undefined && c.vulnerabilities === undefined;
    if ((root !== undefined && assemblies.includes(root)) || aboutNothingElse) declared.push(completenessOfAggregate(aggregate));
  }
  const props = arr(metadata.properties)
    .map((p) => ({ name: str(obj(p).name), value: str(obj(p).value) }))
    .filter((p): p is { name: string; value: string } => p.name !== undefined && p.value !== undefined);
  const incomplete = incompleteFromProperties(props);
  // A list of unread inputs without a composition still says the document is incomplete.
  const completeness = declared.length > 0 ? worstCompleteness(declared) : incomplete.length > 0 ? 'incomplete' : 'not-declared';
  return { completeness, incomplete };
}
