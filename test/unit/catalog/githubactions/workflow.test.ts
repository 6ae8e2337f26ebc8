import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { githubActionsUsageCataloger } from '../../../../src/catalog/githubactions/index.js';
import { parseUses, parseWorkflowUsage } from '../../../../src/catalog/githubactions/workflow.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/githubactions', f));

describe('github-actions-usage-cataloger', () => {
  it('step actions and reusable workflows of workflows, steps of composite actions; a commit stays the version, its comment kept', async () => {
    const r = await catalogFiles([githubActionsUsageCataloger], [
      { path: '/r/.github/workflows/v.yml', content: peer('workflow-with-version-comments.yaml') },
      { path: '/r/.github/actions/bootstrap/action.yaml', content: peer('composite-action.yaml') },
    ]);
    const checkout = r.packages.find((p) => p.name === 'actions/checkout' && p.locations[0]!.path.endsWith('v.yml'))!;
    expect(checkout).toMatchObject({
      type: 'github-action',
      version: '11bd71901bbe5b1630ceea73d27597364c9af683',
      purl: 'pkg:github/actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
      metadata: { kind: 'action', versionComment: 'v4.2.2' },
      foundBy: ['github-actions-usage-cataloger'],
    });
    const wf = r.packages.find((p) => p.metadata?.kind === 'workflow')!;
    expect(wf).toMatchObject({ name: 'octo-org/this-repo/.github/workflows/workflow-1.yml', purl: 'pkg:github/octo-org/this-repo@172239021f7ba04fe7327647b213799853a9eb89#.github/workflows/workflow-1.yml' });
    expect(r.packages.filter((p) => p.locations[0]!.path.endsWith('action.yaml')).map((p) => p.purl).sort()).toEqual([
      'pkg:github/actions/cache@v3',
      'pkg:github/actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
      'pkg:github/actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed',
      'pkg:github/actions/setup-go@v4',
    ]);
    expect(r.incomplete).toEqual([]);
  });

  it('a local use is the project\'s own member (no version, no purl), docker uses are no packages; uses in no known form a warning; not YAML or not a mapping incomplete; other files not claimed', async () => {
    const wf = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: ./local',
      '      - uses: docker://alpine:3.19',
      '      - uses: actions/checkout',
      '      - uses: ${{ matrix.action }}@v1',
      '      - uses: owner/repo@${{ inputs.ref }}',
      '      - uses: good/one@v1.2',
      '      - run: echo',
      '  b:',
      '    uses: org/repo/.github/workflows/ci.yml@main',
    ].join('\n');
    const r = await catalogFiles([githubActionsUsageCataloger], [
      { path: '/r/.github/workflows/ci.yaml', content: Buffer.from(wf) },
      { path: '/r/.github/workflows/bad.yml', content: Buffer.from('jobs: [unclosed\n') },
      { path: '/r/.github/workflows/list.yml', content: Buffer.from('- a\n- b\n') },
      { path: '/r/.github/workflows/empty.yml', content: Buffer.from('') },
      { path: '/r/.github/workflows/sub/x.yml', content: Buffer.from(wf) },
      { path: '/r/action.yml', content: Buffer.from('runs:\n  steps:\n    - uses: a/b@v1\n') },
    ]);
    expect(r.packages.filter((p) => p.purl !== undefined).map((p) => p.purl).sort()).toEqual(['pkg:github/good/one@v1.2', 'pkg:github/org/repo@main#.github/workflows/ci.yml']);
    expect(r.packages.filter((p) => p.purl === undefined).map((p) => [p.name, p.version, p.metadata?.project])).toEqual([['./local', '', 'workspace']]);
    expect(r.warnings.join('\n')).toMatch(/ci\.yaml: workflow uses not read: "actions\/checkout" \(no @ref\), "\$\{\{ matrix\.action \}\}@v1" \(not owner\/repo\), "owner\/repo@\$\{\{ inputs\.ref \}\}" \(bad ref\)/);
    expect(r.warnings.join('\n')).toMatch(/empty\.yml: empty workflow/);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/r/.github/workflows/bad.yml', '/r/.github/workflows/list.yml']);
  });

  it('parseUses: owner/repo[/path]@ref', () => {
    expect(parseUses('actions/cache/restore@v3')).toEqual({ owner: 'actions', repo: 'cache', path: 'restore', ref: 'v3' });
    expect(parseUses('a/b/../c@v1')).toEqual({ error: 'bad path' });
    expect(parseUses('a@v1')).toEqual({ error: 'not owner/repo' });
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (path: string, s: string): void => {
      try {
        expect(Array.isArray(parseWorkflowUsage({ location: { path }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run('/.github/workflows/x.yml', a);
        run('/.github/workflows/x.yml', `jobs:\n  ${a}:\n    uses: ${b}\n    steps:\n      - uses: ${a}@${b} # ${b}\n`);
        run('/.github/actions/x/action.yml', `runs:\n  steps:\n    - uses: ${b}/${a}@v1\n`);
      }),
      { numRuns: 300 },
    );
    run('/.github/workflows/x.yml', `jobs: ${'['.repeat(20_000)}`);
    run('/.github/workflows/x.yml', `a: &a [x]\n${Array.from({ length: 50 }, (_, i) => `b${i}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`).join('\n')}\njobs: {}\n`);
  });
});
