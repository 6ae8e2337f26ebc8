/**
 * GitHub Actions: the `uses:` of workflow files (`.github/workflows/*.yml`: each job's steps and each job
 * that calls a reusable workflow) and of composite actions (`.github/actions/<name>/action.yml`: `runs.steps`),
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsuses.
 *
 * `uses: owner/repo[/path]@ref` is a package named `owner/repo[/path]` at `ref`, as syft reports it:
 * `pkg:github/<owner>/<repo>@<ref>[#<path>]` (there is no purl type for actions; syft uses the GitHub one).
 * A ref that is a commit SHA stays the version (it is what runs); a version in the comment after it
 * (`@11bd719… # v4.2.2`) is kept as `metadata.versionComment` (syft reports the comment's version instead).
 * A local action or workflow (`./…`) is the repository's own code: reported by its path without a version
 * or purl, marked `metadata.project: workspace`; container actions (`docker://…`) are not packages; a `uses`
 * in no known form (no `@ref`, an expression) is a warning.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, nameSome, projectMetadata, purlOrUndefined, textOf } from '../lang-common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');
type YamlNode = import('yaml').Node;

const CATALOGER = 'github-actions-usage-cataloger';
/** The largest real workflow files are a few hundred KB. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_USES = 100_000;
const MAX_NAMED = 20;

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{7,64}$/;

/** `owner/repo[/path]@ref` → its parts; a reason when it is none. */
export function parseUses(uses: string): { owner: string; repo: string; path: string; ref: string } | { error: string } {
  const at = uses.lastIndexOf('@');
  if (at < 0) return { error: 'no @ref' };
  const ref = uses.slice(at + 1);
  const [owner = '', repo = '', ...rest] = uses.slice(0, at).split('/');
  const path = rest.join('/');
  if (!SEGMENT.test(owner) || !SEGMENT.test(repo) || owner === '.' || owner === '..') return { error: 'not owner/repo' };
  if (rest.some((s) => s === '' || s === '.' || s === '..' || !/^[^\s?#]+$/.test(s))) return { error: 'bad path' };
  if (!/^[^\s${}]+$/.test(ref)) return { error: 'bad ref' };
  return { owner, repo, path, ref };
}

interface Use {
  value: string;
  comment: string | undefined;
  kind: 'action' | 'workflow';
}

function scalar(node: unknown): { value: unknown; comment?: string | null | undefined } | undefined {
  return yaml().isScalar(node) ? node : undefined;
}

function mapGet(node: unknown, key: string): unknown {
  return yaml().isMap(node) ? node.get(key, true) : undefined;
}

function seqItems(node: unknown): unknown[] {
  return yaml().isSeq(node) ? node.items : [];
}

function useOf(node: unknown, kind: Use['kind']): Use | undefined {
  const s = scalar(node);
  if (s === undefined) return undefined;
  return { value: typeof s.value === 'string' ? s.value.trim() : String(s.value), comment: s.comment ?? undefined, kind };
}

/** Every `uses` of a workflow (`jobs.<id>.uses`, `jobs.<id>.steps[].uses`) or a composite action (`runs.steps[].uses`). */
function usesOf(root: YamlNode | null, composite: boolean): Use[] {
  const out: Use[] = [];
  const steps = (list: unknown): void => {
    for (const step of seqItems(list)) {
      const u = useOf(mapGet(step, 'uses'), 'action');
      if (u) out.push(u);
    }
  };
  if (composite) {
    steps(mapGet(mapGet(root, 'runs'), 'steps'));
    return out;
  }
  const jobs = mapGet(root, 'jobs');
  if (!yaml().isMap(jobs)) return out;
  for (const pair of jobs.items) {
    const u = useOf(mapGet(pair.value, 'uses'), 'workflow');
    if (u) out.push(u);
    steps(mapGet(pair.value, 'steps'));
  }
  return out;
}

export function parseWorkflowUsage(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const composite = /\/action\.ya?ml$/.test(file.location.path) && /\/\.github\/actions\//.test(file.location.path);
  const what = composite ? 'composite action' : 'workflow';
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`${what} is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const doc = yaml().parseDocument(textOf(file.contents), { logLevel: 'silent', prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`invalid YAML in ${what}: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents === null) {
    ctx.warn(`empty ${what}`, file.location);
    return { packages: [] };
  }
  if (!yaml().isMap(doc.contents)) throw new Error(`${what} is not a YAML mapping`);
  const uses = usesOf(doc.contents, composite);
  if (uses.length > MAX_USES) ctx.incomplete(`${what} has ${uses.length} uses; only the first ${MAX_USES} are read`);
  const packages: Package[] = [];
  const seen = new Set<string>();
  const unread: string[] = [];
  for (const u of uses.slice(0, MAX_USES)) {
    // a container image is not a package; a local action or workflow is this repository's own code: a
    // member of the project, without a version or purl (syft reports it by its path, without either)
    if (u.value.startsWith('docker://')) continue;
    if (u.value.startsWith('./')) {
      const local = u.value.replace(/\/+$/, '');
      if (seen.has(local)) continue;
      seen.add(local);
      packages.push(langPackage({ name: local, version: '', type: 'github-action', location: file.location, foundBy: CATALOGER, metadata: projectMetadata('workspace', { kind: u.kind }) }));
      continue;
    }
    const p = parseUses(u.value);
    if ('error' in p) {
      unread.push(`${JSON.stringify(u.value.slice(0, 120))} (${p.error})`);
      continue;
    }
    const name = [p.owner, p.repo, ...(p.path ? [p.path] : [])].join('/');
    if (seen.has(`${name}@${p.ref}`)) continue;
    seen.add(`${name}@${p.ref}`);
    const versionComment = COMMIT.test(p.ref) ? /v?\d+(?:\.\d+)*/.exec(u.comment ?? '')?.[0] : undefined;
    packages.push(
      langPackage({
        name,
        version: p.ref,
        type: 'github-action',
        purl: purlOrUndefined({ type: 'github', namespace: p.owner, name: p.repo, version: p.ref, subpath: p.path || undefined }),
        location: file.location,
        foundBy: CATALOGER,
        metadata: { kind: u.kind, ...(versionComment ? { versionComment } : {}) },
      }),
    );
  }
  if (unread.length > 0) ctx.warn(`${what} uses not read: ${nameSome(unread, MAX_NAMED)}`, file.location);
  return { packages };
}
