/**
 * The vcpkg package type outside its cataloger: `sbom query --version` orders its versions (relaxed, date,
 * then #port-version), reading an SBOM maps syft's type word and the vcpkg purl type to it, and OSV, which
 * has no vcpkg ecosystem, does not cover it. (LibMan's libraries are npm packages: nothing new there.)
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { pkg } from './test-package.js';

describe('vcpkg', () => {
  it('sbom query --version orders port versions: digit runs numerically, dates, #port-version after the bare version', () => {
    const q = compileQuery({ purl: 'pkg:vcpkg/fmt', version: '>=10.0.0 <11.0.2#1' });
    expect(matchPackage(q, pkg('vcpkg', 'fmt', '11.0.2', 'pkg:vcpkg/fmt@11.0.2'))).toBe(true);
    expect(matchPackage(q, pkg('vcpkg', 'fmt', '11.0.2#1', 'pkg:vcpkg/fmt@11.0.2?port_revision=1'))).toBe(false);
    expect(matchPackage(q, pkg('vcpkg', 'fmt', '9.1.0', 'pkg:vcpkg/fmt@9.1.0'))).toBe(false);
    expect(compareVersions('vcpkg', '2024-04-23', '2024-05-23')).toBe(-1);
    expect(compareVersions('vcpkg', '1.10.0', '1.9.0#3')).toBe(1);
  });
  it("read back from syft's type word and the vcpkg purl type", () => {
    expect(packageTypeOf('pkg:vcpkg/fmt@11.0.2?port_revision=1')).toBe('vcpkg');
    expect(packageTypeOf(undefined, 'vcpkg')).toBe('vcpkg');
    expect(custodyType('vcpkg')).toBe('vcpkg');
  });
  it('OSV: no vcpkg ecosystem, not covered', () => {
    expect(osvQueryOf(pkg('vcpkg', 'fmt', '11.0.2', 'pkg:vcpkg/fmt@11.0.2'), undefined)).toBeUndefined();
  });
});
