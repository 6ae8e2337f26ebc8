/**
 * The claim checks, one function per flag, with slsa-verifier's matching rules:
 * builder ids match by name, and by version when the user gives `@ref` (`@v1.4.0` also matches
 * `@refs/tags/v1.4.0`); tags are `refs/tags/<tag>`, branches `refs/heads/<branch>`; a versioned tag
 * is a semver prefix (`v1.2` accepts `v1.2.3`, not `v1.3.0`). Pure functions.
 */
import type { CertificateClaims, ClaimCheck, ProvenanceExpectations, ProvenanceFacts, Signer, Statement } from './model.js';
import { normaliseSourceUri, SLSA_PREDICATE_TYPES } from './statement.js';

const GENERATOR = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/';

/** Builders trusted when the user names none (slsa-verifier's defaults, plus Google Cloud Build). */
export const DEFAULT_TRUSTED_BUILDERS: readonly string[] = [
  `${GENERATOR}generator_generic_slsa3.yml`,
  `${GENERATOR}generator_container_slsa3.yml`,
  `${GENERATOR}builder_go_slsa3.yml`,
  `${GENERATOR}builder_container-based_slsa3.yml`,
  `${GENERATOR}builder_docker-based_slsa3.yml`,
  `${GENERATOR}builder_nodejs_slsa3.yml`,
  `${GENERATOR}builder_maven_slsa3.yml`,
  `${GENERATOR}builder_gradle_slsa3.yml`,
  'https://cloudbuild.googleapis.com/GoogleHostedWorker',
];

/** slsa-github-generator's delegator workflows: they sign for any builder (BYOB / TRW) that calls them. */
export const TRUSTED_DELEGATORS: readonly string[] = [
  `${GENERATOR}delegator_generic_slsa3.yml`,
  `${GENERATOR}delegator_lowperms-generic_slsa3.yml`,
];

const GITHUB_RUNNER = 'https://github.com/actions/runner';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** `name@version` -> parts; the version is what follows the last `@`. */
export function splitBuilderId(id: string): { name: string; version?: string } {
  const at = id.lastIndexOf('@');
  if (at <= 0 || id.slice(at + 1) === '') return { name: id };
  return { name: id.slice(0, at), version: id.slice(at + 1) };
}

/**
 * slsa-verifier's loose builder match: names equal; when the expectation has a version it must equal
 * the actual one, where `v1.4.0` also matches `refs/tags/v1.4.0`.
 */
export function builderIdMatches(expected: string, actual: string): boolean {
  const e = splitBuilderId(expected);
  const a = splitBuilderId(actual);
  if (e.name !== a.name) return false;
  if (e.version === undefined) return true;
  return e.version === a.version || `refs/tags/${e.version}` === a.version;
}

function check(claim: ClaimCheck['claim'], ok: boolean, detail: string, expected?: string, actual?: string): ClaimCheck {
  const c: ClaimCheck = { claim, ok, detail };
  if (expected !== undefined) c.expected = expected;
  if (actual !== undefined) c.actual = actual;
  return c;
}

export function checkPredicateType(st: Statement, expected: string | undefined): ClaimCheck {
  if (expected !== undefined) {
    return expected === st.predicateType
      ? check('predicate-type', true, 'predicate type is the one expected', expected, st.predicateType)
      : check('predicate-type', false, 'predicate type differs', expected, st.predicateType);
  }
  const v = SLSA_PREDICATE_TYPES[st.predicateType];
  return v !== undefined
    ? check('predicate-type', true, `SLSA provenance ${v}`, 'SLSA provenance', st.predicateType)
    : check('predicate-type', false, 'not SLSA provenance (pass --predicate-type to accept another predicate)', 'SLSA provenance (v0.1, v0.2 or v1)', st.predicateType);
}

/** One of the statement's subjects must carry one of the artifact's digests. */
export function checkSubject(st: Statement, artifactDigests: Record<string, string>): ClaimCheck {
  const want = Object.entries(artifactDigests).map(([a, h]) => `${a}:${h}`);
  for (const s of st.subjects) {
    for (const [alg, hex] of Object.entries(s.digest)) {
      if (artifactDigests[alg] === hex) {
        return check('subject', true, `matches subject ${JSON.stringify(s.name ?? '(unnamed)')}`, `${alg}:${hex}`, `${alg}:${hex}`);
      }
    }
  }
  const have = st.subjects.flatMap((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
  const comparable = st.subjects.some((s) => Object.keys(s.digest).some((a) => a in artifactDigests));
  return check(
    'subject',
    false,
    comparable ? 'no subject of the statement has the artifact digest' : `the statement's subjects use digest algorithms the artifact was not given in (${[...new Set(st.subjects.flatMap((s) => Object.keys(s.digest)))].join(', ')})`,
    want.join(' or '),
    have.slice(0, 4).join(', ') + (have.length > 4 ? `, … (${have.length} subjects)` : ''),
  );
}

/** --builder-id, or custody's trusted-builder defaults when none is given. */
export function checkBuilderId(facts: ProvenanceFacts, expected: string | undefined, signer: Signer | undefined): ClaimCheck {
  const actual = facts.builderId;
  if (actual === undefined) return check('builder-id', false, 'the provenance names no builder', expected ?? 'a trusted builder');
  if (expected !== undefined) {
    // npm's SLSA v0.2 provenance names the runner without the `/github-hosted` suffix v1 uses.
    const npmV02 = actual === GITHUB_RUNNER && expected === `${GITHUB_RUNNER}/github-hosted` && facts.slsaVersion === 'v0.2';
    return builderIdMatches(expected, actual) || npmV02
      ? check('builder-id', true, 'builder is the one expected', expected, actual)
      : check('builder-id', false, 'builder differs from --builder-id (untrusted or mismatched builder)', expected, actual);
  }
  const name = splitBuilderId(actual).name;
  if (DEFAULT_TRUSTED_BUILDERS.includes(name)) return check('builder-id', true, 'builder is on custody\'s trusted-builder list', 'a trusted builder', actual);
  const signerUri = signer ? signerWorkflow(signer.claims, signer.identity) : undefined;
  if (signerUri !== undefined && TRUSTED_DELEGATORS.includes(splitBuilderId(signerUri).name)) {
    return check('builder-id', true, 'builder was delegated by slsa-github-generator\'s trusted delegator workflow', 'a trusted builder', actual);
  }
  return check('builder-id', false, 'builder is not on custody\'s trusted-builder list; name it with --builder-id if you trust it', 'a trusted builder', actual);
}

export function checkSourceUri(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const actual = facts.source?.repository;
  if (actual === undefined) return check('source-uri', false, 'the provenance names no source repository', expected);
  const e = normaliseSourceUri(expected);
  return e === actual
    ? check('source-uri', true, 'source repository is the one expected', e, actual)
    : check('source-uri', false, 'source repository differs', e, actual);
}

const TAG = 'refs/tags/';
const BRANCH = 'refs/heads/';

export function checkSourceTag(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const ref = facts.source?.ref;
  if (ref === undefined) return check('source-tag', false, 'the provenance records no source ref', expected);
  if (!ref.startsWith(TAG)) return check('source-tag', false, `the build ran on ${ref}, not on a tag`, expected, ref);
  const tag = ref.slice(TAG.length);
  return tag === expected ? check('source-tag', true, 'built from the expected tag', expected, tag) : check('source-tag', false, 'built from a different tag', expected, tag);
}

export function checkSourceBranch(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const ref = facts.source?.ref;
  if (ref === undefined) return check('source-branch', false, 'the provenance records no source ref', expected);
  if (!ref.startsWith(BRANCH)) return check('source-branch', false, `the build ran on ${ref}, not on a branch`, expected, ref);
  const branch = ref.slice(BRANCH.length);
  const want = expected.startsWith(BRANCH) ? expected.slice(BRANCH.length) : expected;
  return branch === want ? check('source-branch', true, 'built from the expected branch', want, branch) : check('source-branch', false, 'built from a different branch', want, branch);
}

interface LooseSemver {
  parts: number[];
  prerelease?: string;
}

/** `v1`, `v1.2`, `v1.2.3`, `v1.2.3-rc.1+meta` (leading `v` optional); undefined when not a version. */
export function parseLooseSemver(s: string): LooseSemver | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
  if (parts.some((n) => !Number.isSafeInteger(n))) return undefined;
  return m[4] !== undefined ? { parts, prerelease: m[4] } : { parts };
}

/** Semver prefix match: every component the user gave must equal the tag's (missing tag components are 0). */
export function versionedTagMatches(expected: string, tag: string): boolean {
  const e = parseLooseSemver(expected);
  const a = parseLooseSemver(tag);
  if (!e || !a) return false;
  for (let i = 0; i < e.parts.length; i++) if (e.parts[i] !== (a.parts[i] ?? 0)) return false;
  if (e.prerelease !== undefined) return e.parts.length === 3 && e.prerelease === a.prerelease && a.parts.length <= 3;
  return true;
}

export function checkSourceVersionedTag(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const ref = facts.source?.ref;
  if (ref === undefined) return check('source-versioned-tag', false, 'the provenance records no source ref', expected);
  if (!ref.startsWith(TAG)) return check('source-versioned-tag', false, `the build ran on ${ref}, not on a tag`, expected, ref);
  const tag = ref.slice(TAG.length);
  if (parseLooseSemver(tag) === undefined) return check('source-versioned-tag', false, 'the tag is not a semantic version', expected, tag);
  return versionedTagMatches(expected, tag)
    ? check('source-versioned-tag', true, 'tag is within the expected version', expected, tag)
    : check('source-versioned-tag', false, 'tag is not within the expected version', expected, tag);
}

function normaliseWorkflowPath(p: string): string {
  return p.replace(/@.*$/, '').replace(/^\.\//, '').replace(/^\/+/, '');
}

export function checkWorkflow(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const actual = facts.workflow?.path;
  if (actual === undefined) return check('workflow', false, 'the provenance names no workflow', expected);
  const e = normaliseWorkflowPath(expected);
  const a = normaliseWorkflowPath(actual);
  return e === a ? check('workflow', true, 'built by the expected workflow', e, a) : check('workflow', false, 'built by a different workflow', e, a);
}

export function checkBuildType(facts: ProvenanceFacts, expected: string): ClaimCheck {
  const actual = facts.buildType;
  if (actual === undefined) return check('build-type', false, 'the provenance names no build type', expected);
  return expected === actual ? check('build-type', true, 'build type is the one expected', expected, actual) : check('build-type', false, 'build type differs', expected, actual);
}

/** The workflow that signed, `https://github.com/org/repo/.github/workflows/x.yml@ref`, from a Fulcio certificate. */
export function signerWorkflow(claims: CertificateClaims, identity: string): string | undefined {
  if (claims.buildSignerUri !== undefined) return claims.buildSignerUri;
  return identity.startsWith('https://github.com/') && identity.includes('/.github/workflows/') ? identity : undefined;
}

function certSourceRepo(c: CertificateClaims): string | undefined {
  if (c.sourceRepositoryUri !== undefined) return normaliseSourceUri(c.sourceRepositoryUri);
  if (c.githubWorkflowRepository !== undefined) return `github.com/${c.githubWorkflowRepository}`;
  return undefined;
}

/**
 * The signer must be the builder the predicate names: for GitHub builders, the workflow in the
 * certificate is the builder (or slsa-github-generator's delegator for a delegated builder, or, for
 * `https://github.com/actions/runner[/github-hosted]`, the repository's own workflow on a GitHub-hosted
 * runner); and the certificate's source repository, ref and commit are those of the provenance.
 * Key-signed provenance (Cloud Build, cosign --key) has no certificate: the key is the identity.
 */
export function checkSigner(facts: ProvenanceFacts, signer: Signer | undefined): ClaimCheck {
  if (signer === undefined) return check('signer', false, 'no verified signer');
  if (signer.kind === 'key') return check('signer', true, 'signed by the given key; the builder identity rests on that key', undefined, signer.identity);
  const builder = facts.builderId;
  if (builder === undefined) return check('signer', false, 'the provenance names no builder to compare the signer with', undefined, signer.identity);
  const c = signer.claims;
  const wf = signerWorkflow(c, signer.identity);
  const problems: string[] = [];
  const b = splitBuilderId(builder);
  if (b.name === GITHUB_RUNNER || b.name === `${GITHUB_RUNNER}/github-hosted`) {
    if (wf === undefined) problems.push('the certificate is not for a GitHub Actions workflow');
    if (c.runnerEnvironment !== undefined && c.runnerEnvironment !== 'github-hosted') problems.push(`the certificate says runner ${c.runnerEnvironment}, not github-hosted`);
  } else if (wf === undefined) {
    // Not a GitHub workflow identity (e.g. another CI's OIDC identity): the SAN must name the builder.
    if (splitBuilderId(signer.identity).name !== b.name) problems.push(`the certificate identity is not the builder`);
  } else {
    const s = splitBuilderId(wf);
    const delegated = TRUSTED_DELEGATORS.includes(s.name);
    if (!delegated && s.name !== b.name) problems.push(`the signing workflow ${wf} is not the builder ${builder}`);
    if (!delegated && s.name === b.name && b.version !== undefined && s.version !== undefined && s.version !== b.version) {
      problems.push(`the signing workflow ran at ${s.version}, the provenance says ${b.version}`);
    }
  }
  if (b.name.startsWith('https://github.com/') && c.issuer !== undefined && c.issuer !== GITHUB_ISSUER) {
    problems.push(`the certificate was issued for ${c.issuer}, not GitHub Actions (${GITHUB_ISSUER})`);
  }
  const repo = certSourceRepo(c);
  if (repo !== undefined && facts.source?.repository !== undefined && repo !== facts.source.repository) {
    problems.push(`the certificate's source repository ${repo} is not the provenance's ${facts.source.repository}`);
  }
  const ref = c.sourceRepositoryRef ?? c.githubWorkflowRef;
  if (ref !== undefined && facts.source?.ref !== undefined && ref !== facts.source.ref) {
    problems.push(`the certificate's source ref ${ref} is not the provenance's ${facts.source.ref}`);
  }
  const sha = c.sourceRepositoryDigest ?? c.githubWorkflowSha;
  if (sha !== undefined && facts.source?.commit !== undefined && /^[0-9a-f]{40}$/.test(facts.source.commit) && sha !== facts.source.commit) {
    problems.push(`the certificate's commit ${sha} is not the provenance's ${facts.source.commit}`);
  }
  const actual = wf ?? signer.identity;
  return problems.length === 0
    ? check('signer', true, 'the certificate that signed is the builder the provenance names, for the same source', builder, actual)
    : check('signer', false, problems.join('; '), builder, actual);
}

/** Every claim check for one statement, in report order. */
export function checkClaims(facts: ProvenanceFacts, exp: ProvenanceExpectations, signer: Signer | undefined): ClaimCheck[] {
  const out: ClaimCheck[] = [checkSigner(facts, signer), checkBuilderId(facts, exp.builderId, signer)];
  if (exp.buildType !== undefined) out.push(checkBuildType(facts, exp.buildType));
  if (exp.sourceUri !== undefined) out.push(checkSourceUri(facts, exp.sourceUri));
  if (exp.sourceTag !== undefined) out.push(checkSourceTag(facts, exp.sourceTag));
  if (exp.sourceVersionedTag !== undefined) out.push(checkSourceVersionedTag(facts, exp.sourceVersionedTag));
  if (exp.sourceBranch !== undefined) out.push(checkSourceBranch(facts, exp.sourceBranch));
  if (exp.workflow !== undefined) out.push(checkWorkflow(facts, exp.workflow));
  return out;
}
