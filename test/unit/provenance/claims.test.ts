import { describe, expect, it } from 'vitest';
import {
  builderIdMatches,
  checkBuilderId,
  checkClaims,
  checkSigner,
  checkSourceBranch,
  checkSourceTag,
  checkSourceUri,
  checkSourceVersionedTag,
  checkSubject,
  checkWorkflow,
  checkBuildType,
  checkPredicateType,
  versionedTagMatches,
} from '../../../src/provenance/claims.js';
import type { ProvenanceFacts, Signer, Statement } from '../../../src/provenance/model.js';
import { extractFacts, normaliseSourceUri } from '../../../src/provenance/statement.js';

const GEN = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

function facts(ref: string, over: Partial<ProvenanceFacts> = {}): ProvenanceFacts {
  return {
    slsaVersion: 'v0.2',
    builderId: `${GEN}@refs/tags/v1.4.0`,
    buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
    source: { uri: `git+https://github.com/slsa-framework/example-package@${ref}`, repository: 'github.com/slsa-framework/example-package', ref, commit: 'a'.repeat(40) },
    workflow: { path: '.github/workflows/release.yml', ref },
    ...over,
  };
}

describe('builder id (slsa-verifier loose match)', () => {
  it('matches by name, and by version when the expectation has one', () => {
    expect(builderIdMatches(GEN, `${GEN}@refs/tags/v1.4.0`)).toBe(true);
    expect(builderIdMatches(`${GEN}@v1.4.0`, `${GEN}@refs/tags/v1.4.0`)).toBe(true);
    expect(builderIdMatches(`${GEN}@refs/tags/v1.4.0`, `${GEN}@refs/tags/v1.4.0`)).toBe(true);
    expect(builderIdMatches(`${GEN}@v1.5.0`, `${GEN}@refs/tags/v1.4.0`)).toBe(false);
    expect(builderIdMatches('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml', `${GEN}@refs/tags/v1.4.0`)).toBe(false);
    expect(builderIdMatches('https://cloudbuild.googleapis.com/GoogleHostedWorker', 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2')).toBe(true);
    expect(builderIdMatches('https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.4', 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2')).toBe(false);
    expect(builderIdMatches('https://cloudbuild.googleapis.com/GoogleHostedWorkera', 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2')).toBe(false);
  });

  it('uses the trusted-builder list when no --builder-id is given', () => {
    expect(checkBuilderId(facts('refs/tags/v1'), undefined, undefined).ok).toBe(true);
    const untrusted = checkBuilderId(facts('refs/tags/v1', { builderId: 'https://github.com/asraa/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v1.4.0' }), undefined, undefined);
    expect(untrusted.ok).toBe(false);
    expect(untrusted.detail).toContain('not on custody');
  });

  it('accepts a delegated builder when slsa-github-generator\'s delegator signed', () => {
    const signer: Signer = {
      kind: 'certificate',
      identity: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml@refs/tags/v2.1.0',
      claims: {},
    };
    const f = facts('refs/tags/v14', { builderId: 'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0' });
    expect(checkBuilderId(f, undefined, signer).ok).toBe(true);
    expect(checkSigner(f, signer).ok).toBe(true);
  });

  it('npm v0.2 names the GitHub runner without the /github-hosted suffix', () => {
    const f = facts('refs/tags/v1.0.5', { builderId: 'https://github.com/actions/runner' });
    expect(checkBuilderId(f, 'https://github.com/actions/runner/github-hosted', undefined).ok).toBe(true);
    const v1 = facts('refs/tags/v1.0.1', { slsaVersion: 'v1', builderId: 'https://github.com/actions/runner/github-hosted' });
    expect(checkBuilderId(v1, 'https://github.com/actions/runner/github-hosted', undefined).ok).toBe(true);
    expect(checkBuilderId(v1, 'https://github.com/actions/runner/github-hosted2', undefined).ok).toBe(false);
  });
});

describe('source claims', () => {
  it('normalises repository URIs', () => {
    for (const u of ['github.com/org/repo', 'https://github.com/org/repo', 'git+https://github.com/org/repo@refs/tags/v1', 'git+https://github.com/org/repo.git', 'https://github.com/org/repo/commit/' + 'f'.repeat(40), 'https://www.github.com/org/repo/']) {
      expect(normaliseSourceUri(u)).toBe('github.com/org/repo');
    }
    expect(normaliseSourceUri('gs://bucket/source/x.tgz')).toBe('gs://bucket/source/x.tgz');
  });

  it('source-uri is exact after normalisation', () => {
    const f = facts('refs/tags/v14');
    expect(checkSourceUri(f, 'github.com/slsa-framework/example-package').ok).toBe(true);
    expect(checkSourceUri(f, 'git+https://github.com/slsa-framework/example-package').ok).toBe(true);
    for (const bad of ['github.com/slsa-framework/example-packageA', 'Agithub.com/slsa-framework/example-package', 'github.com/Aslsa-framework/example-package']) {
      const c = checkSourceUri(f, bad);
      expect(c.ok).toBe(false);
      expect(c.actual).toBe('github.com/slsa-framework/example-package');
    }
  });

  it('source-tag needs a tag ref and the exact tag', () => {
    expect(checkSourceTag(facts('refs/tags/v13.0.30'), 'v13.0.30').ok).toBe(true);
    for (const t of ['v13.0.29', 'v13.0', 'v13']) expect(checkSourceTag(facts('refs/tags/v13.0.30'), t).ok).toBe(false);
    const branch = checkSourceTag(facts('refs/heads/main'), 'v1.2.3');
    expect(branch.ok).toBe(false);
    expect(branch.detail).toContain('not on a tag');
  });

  it('source-versioned-tag is a semver prefix (slsa-verifier table)', () => {
    const ok = (tag: string, exp: string): boolean => checkSourceVersionedTag(facts(`refs/tags/${tag}`), exp).ok;
    for (const e of ['v13.0.30', 'v13.0', 'v13']) expect(ok('v13.0.30', e)).toBe(true);
    for (const e of ['v2', 'v0', 'v13.1', 'v12.9', 'v13.0.29', 'v13.0.31']) expect(ok('v13.0.30', e)).toBe(false);
    for (const e of ['v14.2', 'v14']) expect(ok('v14.2', e)).toBe(true);
    for (const e of ['v14.2.1', 'v14.2.3', 'v14.1', 'v14.1.1', 'v14.3.1', 'v13', 'v15', 'v15.1']) expect(ok('v14.2', e)).toBe(false);
    for (const e of ['v14', 'v14.0']) expect(ok('v14', e)).toBe(true);
    for (const e of ['v14.1', 'v13', 'v15', 'v13.2', 'v0']) expect(ok('v14', e)).toBe(false);
    expect(checkSourceVersionedTag(facts('refs/heads/main'), 'v1').ok).toBe(false);
    expect(versionedTagMatches('v1.2', 'release-1.2.3')).toBe(false);
  });

  it('source-branch needs a branch ref', () => {
    expect(checkSourceBranch(facts('refs/heads/main'), 'main').ok).toBe(true);
    expect(checkSourceBranch(facts('refs/heads/main'), 'refs/heads/main').ok).toBe(true);
    expect(checkSourceBranch(facts('refs/heads/main'), 'master').ok).toBe(false);
    const tag = checkSourceBranch(facts('refs/tags/v1.5.0'), 'main');
    expect(tag.ok).toBe(false);
    expect(tag.detail).toContain('not on a branch');
  });

  it('workflow and build type', () => {
    expect(checkWorkflow(facts('refs/heads/main'), './.github/workflows/release.yml').ok).toBe(true);
    expect(checkWorkflow(facts('refs/heads/main'), '.github/workflows/build.yml').ok).toBe(false);
    expect(checkBuildType(facts('refs/heads/main'), 'https://github.com/slsa-framework/slsa-github-generator/generic@v1').ok).toBe(true);
    expect(checkBuildType(facts('refs/heads/main'), 'https://github.com/slsa-framework/slsa-github-generator/go@v1').ok).toBe(false);
  });

  it('checkClaims only adds the claims the user stated', () => {
    const names = checkClaims(facts('refs/tags/v1'), { sourceUri: 'github.com/x/y' }, undefined).map((c) => c.claim);
    expect(names).toEqual(['signer', 'builder-id', 'source-uri']);
  });
});

describe('signer vs builder', () => {
  const cert = (identity: string, claims: Signer['claims'] = {}): Signer => ({ kind: 'certificate', identity, claims: { issuer: 'https://token.actions.githubusercontent.com', ...claims } });

  it('the signing workflow must be the builder', () => {
    const f = facts('refs/tags/v14');
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`)).ok).toBe(true);
    const other = checkSigner(f, cert('https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main'));
    expect(other.ok).toBe(false);
    expect(other.detail).toContain('is not the builder');
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.5.0`)).ok).toBe(false);
  });

  it('the certificate source repository, ref and commit must be the provenance\'s', () => {
    const f = facts('refs/tags/v14');
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`, { sourceRepositoryUri: 'https://github.com/slsa-framework/example-package', sourceRepositoryRef: 'refs/tags/v14', sourceRepositoryDigest: 'a'.repeat(40) })).ok).toBe(true);
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`, { sourceRepositoryUri: 'https://github.com/evil/example-package' })).ok).toBe(false);
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`, { githubWorkflowRepository: 'evil/example-package' })).ok).toBe(false);
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`, { githubWorkflowRef: 'refs/tags/v15' })).ok).toBe(false);
    expect(checkSigner(f, cert(`${GEN}@refs/tags/v1.4.0`, { sourceRepositoryDigest: 'b'.repeat(40) })).ok).toBe(false);
  });

  it('a GitHub builder must be signed by a GitHub Actions certificate', () => {
    const c = checkSigner(facts('refs/tags/v14'), { kind: 'certificate', identity: `${GEN}@refs/tags/v1.4.0`, claims: { issuer: 'https://accounts.example.com' } });
    expect(c.ok).toBe(false);
  });

  it('github-hosted runner builds are signed by the repository workflow on a GitHub-hosted runner', () => {
    const f = facts('refs/tags/v1.0.1', { builderId: 'https://github.com/actions/runner/github-hosted' });
    expect(checkSigner(f, cert('https://github.com/slsa-framework/example-package/.github/workflows/npm.yml@refs/tags/v1.0.1', { runnerEnvironment: 'github-hosted' })).ok).toBe(true);
    expect(checkSigner(f, cert('https://github.com/slsa-framework/example-package/.github/workflows/npm.yml@refs/tags/v1.0.1', { runnerEnvironment: 'self-hosted' })).ok).toBe(false);
    expect(checkSigner(f, { kind: 'certificate', identity: 'someone@example.com', claims: {} }).ok).toBe(false);
  });

  it('no signer never passes', () => {
    expect(checkSigner(facts('refs/tags/v1'), undefined).ok).toBe(false);
  });
});

describe('subject and predicate type', () => {
  const st: Statement = {
    type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://slsa.dev/provenance/v1',
    subjects: [{ name: 'a', digest: { sha256: '1'.repeat(64) } }, { name: 'b', digest: { sha512: '2'.repeat(128) } }],
    predicate: {},
  };
  it('matches any subject by any shared algorithm', () => {
    expect(checkSubject(st, { sha256: '1'.repeat(64) }).ok).toBe(true);
    expect(checkSubject(st, { sha512: '2'.repeat(128) }).ok).toBe(true);
    expect(checkSubject(st, { sha256: '3'.repeat(64) }).ok).toBe(false);
    expect(checkSubject({ ...st, subjects: [{ digest: { sha1: 'a'.repeat(40) } }] }, { sha256: '3'.repeat(64) }).detail).toContain('algorithms');
  });
  it('defaults to SLSA provenance types', () => {
    expect(checkPredicateType(st, undefined).ok).toBe(true);
    expect(checkPredicateType({ ...st, predicateType: 'https://spdx.dev/Document' }, undefined).ok).toBe(false);
    expect(checkPredicateType({ ...st, predicateType: 'https://spdx.dev/Document' }, 'https://spdx.dev/Document').ok).toBe(true);
    expect(checkPredicateType({ ...st, predicateType: '' }, undefined).ok).toBe(false);
  });
});

describe('facts from predicates', () => {
  it('reads v0.2 slsa-github-generator fields', () => {
    const f = extractFacts({
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subjects: [],
      predicate: {
        builder: { id: `${GEN}@refs/tags/v1.4.0` },
        buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
        invocation: { configSource: { uri: 'git+https://github.com/org/app@refs/tags/v14', digest: { sha1: 'f'.repeat(40) }, entryPoint: '.github/workflows/r.yml' }, environment: { github_event_name: 'push' } },
      },
    });
    expect(f).toMatchObject({ slsaVersion: 'v0.2', builderId: `${GEN}@refs/tags/v1.4.0`, source: { repository: 'github.com/org/app', ref: 'refs/tags/v14', commit: 'f'.repeat(40) }, workflow: { path: '.github/workflows/r.yml' }, trigger: 'push' });
  });

  it('reads v1 GitHub workflow and delegator fields', () => {
    const gh = extractFacts({
      type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/provenance/v1',
      subjects: [],
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/org/app', path: '.github/workflows/build.yml' } },
          internalParameters: { github: { event_name: 'workflow_dispatch' } },
          resolvedDependencies: [{ uri: 'git+https://github.com/org/app@refs/heads/main', digest: { gitCommit: 'c'.repeat(40) } }],
        },
        runDetails: { builder: { id: 'https://github.com/org/app/.github/workflows/build.yml@refs/heads/main' } },
      },
    });
    expect(gh).toMatchObject({ slsaVersion: 'v1', buildType: 'https://actions.github.io/buildtypes/workflow/v1', source: { repository: 'github.com/org/app', ref: 'refs/heads/main', commit: 'c'.repeat(40) }, workflow: { path: '.github/workflows/build.yml' }, trigger: 'workflow_dispatch' });
    const del = extractFacts({
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v1',
      subjects: [],
      predicate: {
        buildDefinition: {
          buildType: 'https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0',
          externalParameters: { inputs: {} },
          internalParameters: { GITHUB_REF: 'refs/tags/v14', GITHUB_EVENT_NAME: 'push', GITHUB_WORKFLOW_REF: 'org/app/.github/workflows/e2e.yml@refs/tags/v14' },
          resolvedDependencies: [{ uri: 'git+https://github.com/org/app@refs/tags/v14', digest: { gitCommit: 'd'.repeat(40) } }],
        },
        runDetails: { builder: { id: 'https://github.com/org/trw/.github/workflows/b.yml@refs/tags/v1' } },
      },
    });
    expect(del).toMatchObject({ source: { repository: 'github.com/org/app', ref: 'refs/tags/v14' }, workflow: { path: '.github/workflows/e2e.yml', ref: 'refs/tags/v14' }, trigger: 'push' });
  });

  it('reads v0.1 Cloud Build materials', () => {
    const f = extractFacts({
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.1',
      subjects: [],
      predicate: { builder: { id: 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2' }, recipe: { type: 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2', entryPoint: 'cloudbuild.yaml' }, materials: [{ uri: `https://github.com/laurentsimon/gcb-tests/commit/${'e'.repeat(40)}` }] },
    });
    expect(f).toMatchObject({ slsaVersion: 'v0.1', source: { repository: 'github.com/laurentsimon/gcb-tests', commit: 'e'.repeat(40) }, workflow: { path: 'cloudbuild.yaml' } });
  });
});
