import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { terraformLockCataloger } from '../../../../src/catalog/terraform/index.js';
import { HclError, parseLockHcl, parseTerraformLock } from '../../../../src/catalog/terraform/lock-hcl.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

describe('terraform-lock-cataloger', () => {
  it('providers by full address and version, constraints and hashes in metadata, no purl', async () => {
    const r = await catalogFiles([terraformLockCataloger], [{ path: '/infra/.terraform.lock.hcl', content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/terraform/two-providers/.terraform.lock.hcl')) }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['registry.terraform.io/hashicorp/aws@5.72.1', 'registry.terraform.io/hashicorp/google@6.8.0']);
    const aws = r.packages[0]!;
    expect(aws).toMatchObject({ type: 'terraform', foundBy: ['terraform-lock-cataloger'], metadata: { constraints: '> 5.72.0' } });
    expect(aws.purl).toBeUndefined();
    expect((aws.metadata?.hashes as string[]).length).toBe(16);
    expect(r.incomplete).toEqual([]);
  });

  it('comments of every kind, escapes, one-line blocks; a provider without version incomplete, other blocks a warning, not HCL incomplete', async () => {
    const lock = [
      '# comment',
      '// comment',
      '/* a',
      '   b */',
      'provider "registry.opentofu.org/hashicorp/null" {',
      '  version = "3.2.3" # pinned',
      '  hashes  = ["h1:a\\u0041=", "zh:00",]',
      '}',
      'provider "example.com/x/noversion" {',
      '  constraints = "~> 1.0"',
      '}',
      'module "m" { source = "x" }',
    ].join('\n');
    const r = await catalogFiles([terraformLockCataloger], [
      { path: '/a/.terraform.lock.hcl', content: Buffer.from(lock) },
      { path: '/b/.terraform.lock.hcl', content: Buffer.from('provider "x" {\n  version = "1.0.0"\n') },
      { path: '/c/.terraform.lock.hcl', content: Buffer.from('provider "x" {\n  version = "1.0.0" hashes = []\n}\n') },
    ]);
    expect(r.packages.map((p) => [p.name, p.version, p.metadata?.hashes])).toEqual([['registry.opentofu.org/hashicorp/null', '3.2.3', ['h1:aA=', 'zh:00']]]);
    expect(r.warnings.join('\n')).toMatch(/\.terraform\.lock\.hcl blocks not read: module/);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      '/a/.terraform.lock.hcl: .terraform.lock.hcl providers without one address and a version: "example.com/x/noversion"',
      expect.stringMatching(/^\/b\/\.terraform\.lock\.hcl: \.terraform\.lock\.hcl is not readable HCL: unexpected end of file in a block/),
      expect.stringMatching(/^\/c\/\.terraform\.lock\.hcl: \.terraform\.lock\.hcl is not readable HCL: expected a new line on line 2/),
    ]);
  });

  it('nesting is bounded', () => {
    expect(() => parseLockHcl(`a = ${'['.repeat(1000)}`)).toThrow(HclError);
    expect(() => parseLockHcl(`${'a {\n'.repeat(1000)}`)).toThrow(/nested deeper/);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseTerraformLock({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`provider "${a}" {\n  version = "${b}"\n  hashes = [${a}]\n}\n${b}`);
        run(`provider ${a} {\n  ${b} = ${a}\n}\n`);
      }),
      { numRuns: 300 },
    );
  });
});
