import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/audit/policy.js';
import { InputError } from '../../../src/core/errors.js';

function fails(text: string): InputError {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected parsePolicy to throw');
}

describe('audit policy', () => {
  it('reads every section with defaults', () => {
    const p = parsePolicy(
      `images:
  requireDigest: true
  forbidLatest: true
  allowedRegistries: ["ghcr.io/myorg/*", "127.0.0.1:5000/*"]
signature:
  identities:
    - issuer: https://token.actions.githubusercontent.com
      identityRegexp: '^https://github.com/myorg/'
provenance:
  - images: ["ghcr.io/myorg/*"]
    buildType: https://github.com/slsa-framework/slsa-github-generator/container@v1
    identities:
      - issuer: https://token.actions.githubusercontent.com
        subject: https://github.com/myorg/myapp/.github/workflows/build.yml@refs/heads/main
vulnerabilities:
  failOn: critical
sbom:
  forbid:
    - purl: pkg:maven/org.apache.logging.log4j/log4j-core
      version: '<2.17.1'
`,
      'p.yaml',
    );
    expect(p.images).toEqual({
      requireDigest: true,
      forbidLatest: true,
      allowedRegistries: ['ghcr.io/myorg/*', '127.0.0.1:5000/*'],
      excludedNamespaces: ['kube-system'],
    });
    expect(p.signature?.identities[0]).toEqual({ issuer: 'https://token.actions.githubusercontent.com', identityRegexp: '^https://github.com/myorg/' });
    expect(p.provenance[0]?.identities[0]?.identity).toBe('https://github.com/myorg/myapp/.github/workflows/build.yml@refs/heads/main');
    expect(p.vulnerabilities).toEqual({ failOn: 'critical', onlyFixed: false, vex: [] });
    expect(p.sbom).toEqual({ require: 'generate', allowMissingTlog: false, forbid: [{ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '<2.17.1' }] });
  });

  it('names an unknown key and its path', () => {
    const e = fails('images:\n  requireDigests: true\n');
    expect(e.message).toContain("images: unknown key 'requireDigests'");
    expect(e.code).toBe('AUDIT_POLICY_INVALID');
  });

  it('rejects bad types, bad regexps, signer-less provenance, bad severities', () => {
    expect(fails('images:\n  requireDigest: yes please\n').message).toContain('images.requireDigest: must be true or false');
    expect(fails('signature:\n  identities:\n    - issuer: x\n      identityRegexp: "(["\n').message).toContain('not a valid regular expression');
    expect(fails('provenance:\n  - builderId: x\n').message).toContain('needs identities or keys');
    expect(fails('vulnerabilities:\n  failOn: severe\n').message).toContain('must be one of');
    expect(fails('signature:\n  identities:\n    - issuer: x\n').message).toContain('needs identity or identityRegexp');
  });

  it('rejects invalid YAML and an empty file', () => {
    expect(fails('images: [unclosed\n').message).toMatch(/not valid YAML/);
    expect(fails('').message).toContain('is empty');
  });
});

describe('audit policy: the local vulnerability database', () => {
  it('reads vulndbDir and maxVulnDbAge (a duration, in seconds)', () => {
    const p = parsePolicy('vulnerabilities:\n  vulndbDir: ./cache/vulndb\n  maxVulnDbAge: 1d12h\n', 'p.yaml');
    expect(p.vulnerabilities).toMatchObject({ failOn: 'high', vulndbDir: './cache/vulndb', maxVulnDbAgeSeconds: 129_600 });
  });
  it('refuses an age that is not a duration, naming the key', () => {
    expect(fails('vulnerabilities:\n  maxVulnDbAge: a week\n').message).toMatch(/vulnerabilities\.maxVulnDbAge: "a week" is not a duration/);
  });
});
