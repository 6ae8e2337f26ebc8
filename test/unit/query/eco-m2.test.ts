/**
 * The package types of GitHub Actions, Terraform and LuaRocks outside the catalogers: `sbom query
 * --version` orders their versions, reading an SBOM maps the peers' type words and purl types to them,
 * and the OSV matcher knows which ecosystem (if any) covers them.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { pkg } from './test-package.js';
import { normaliseOsvName, osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';


describe('github-action', () => {
  it('sbom query --version orders action refs as v-prefixed SemVer, short tags padded (v4 is 4.0.0)', () => {
    const q = compileQuery({ purl: 'pkg:github/actions/checkout', version: '>=4.0.0 <4.2.2' });
    expect(matchPackage(q, pkg('github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4'))).toBe(true);
    expect(matchPackage(q, pkg('github-action', 'actions/checkout', 'v4.2.1', 'pkg:github/actions/checkout@v4.2.1'))).toBe(true);
    expect(matchPackage(q, pkg('github-action', 'actions/checkout', 'v4.10', 'pkg:github/actions/checkout@v4.10'))).toBe(false);
    expect(compareVersions('github', 'v3', 'v10.0.0')).toBe(-1);
    expect(compareVersions('GitHub Actions', 'v1.2.0-rc.1', '1.2.0')).toBe(-1);
  });
  it('read back from syft\'s type words and the github purl type', () => {
    expect(packageTypeOf('pkg:github/actions/cache@v3#restore')).toBe('github-action');
    expect(packageTypeOf(undefined, 'github-action')).toBe('github-action');
    expect(packageTypeOf(undefined, 'github-action-workflow')).toBe('github-action');
    expect(custodyType('github-action')).toBe('github-action');
  });
  it('OSV: the GitHub Actions ecosystem, named owner/repo (an action in a sub-directory by its repository), case-insensitive', () => {
    expect(osvQueryOf(pkg('github-action', 'actions/cache/restore', 'v3', 'pkg:github/actions/cache@v3#restore'), undefined)).toEqual({ family: 'GitHub Actions', ordering: 'github', name: 'actions/cache', version: 'v3' });
    expect(normaliseOsvName('GitHub Actions', 'Actions/Checkout')).toBe('actions/checkout');
  });
});

describe('terraform', () => {
  it('sbom query --version orders provider versions as SemVer (by name: they have no purl)', () => {
    const q = compileQuery({ name: 'registry.terraform.io/hashicorp/aws', version: '>=5.0.0 <5.72.1' });
    expect(matchPackage(q, pkg('terraform', 'registry.terraform.io/hashicorp/aws', '5.9.0'))).toBe(true);
    expect(matchPackage(q, pkg('terraform', 'registry.terraform.io/hashicorp/aws', '5.72.1'))).toBe(false);
    expect(matchPackage(q, pkg('terraform', 'registry.terraform.io/hashicorp/aws', '5.72.1-beta1'))).toBe(true);
  });
  it('read back from syft\'s type word (and a pkg:terraform purl, should one come)', () => {
    expect(packageTypeOf(undefined, 'terraform')).toBe('terraform');
    expect(packageTypeOf('pkg:terraform/registry.terraform.io/hashicorp/aws@5.72.1')).toBe('terraform');
    expect(custodyType('terraform')).toBe('terraform');
  });
  it('OSV: no Terraform ecosystem, not covered', () => {
    expect(osvQueryOf(pkg('terraform', 'registry.terraform.io/hashicorp/aws', '5.72.1'), undefined)).toBeUndefined();
  });
});

describe('lua-rocks', () => {
  it('sbom query --version orders rock versions (version-revision) numerically', () => {
    const q = compileQuery({ purl: 'pkg:luarocks/kong', version: '>=3.0.0-0 <3.10.0-0' });
    expect(matchPackage(q, pkg('lua-rocks', 'kong', '3.7.0-0', 'pkg:luarocks/kong@3.7.0-0'))).toBe(true);
    expect(matchPackage(q, pkg('lua-rocks', 'kong', '3.10.0-0', 'pkg:luarocks/kong@3.10.0-0'))).toBe(false);
    expect(compareVersions('luarocks', '1.0.2-1', '1.0.2-2')).toBe(-1);
  });
  it('read back from syft\'s type word and the luarocks purl type', () => {
    expect(packageTypeOf('pkg:luarocks/LPeg@1.0.2-1')).toBe('lua-rocks');
    expect(packageTypeOf(undefined, 'lua-rocks')).toBe('lua-rocks');
    expect(custodyType('lua-rocks')).toBe('lua-rocks');
  });
  it('OSV: no LuaRocks ecosystem, not covered', () => {
    expect(osvQueryOf(pkg('lua-rocks', 'kong', '3.7.0-0', 'pkg:luarocks/kong@3.7.0-0'), undefined)).toBeUndefined();
  });
});
