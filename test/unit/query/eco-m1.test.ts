/**
 * The package types of Julia, Haskell (Hackage) and OCaml (opam) outside the catalogers: `sbom query
 * --version` orders their versions, reading an SBOM maps the peers' type words and purl types to them,
 * and the OSV matcher queries the Julia, Hackage and opam ecosystems.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { pkg } from './test-package.js';
import { isMatchedEcosystem, osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { matchSbom } from '../../../src/vuln/osv/matcher.js';
import { parseOsvRecord, type OsvRecord } from '../../../src/vuln/osv/record.js';
import { storeFromRecords } from '../../../src/vuln/osv/store.js';


describe('julia', () => {
  it('sbom query --version orders Julia versions as SemVer (JLL build numbers ignored)', () => {
    const q = compileQuery({ purl: 'pkg:julia/HTTP', version: '>=1.0.0 <1.10.0' });
    expect(matchPackage(q, pkg('julia', 'HTTP', '1.9.16', 'pkg:julia/HTTP@1.9.16?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3'))).toBe(true);
    expect(matchPackage(q, pkg('julia', 'HTTP', '1.10.0', 'pkg:julia/HTTP@1.10.0?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3'))).toBe(false);
    expect(compareVersions('julia', '2.10.4+0', '2.10.4+1')).toBe(0);
  });
  it('read back from trivy\'s type word and the julia purl type; OSV ecosystem Julia', () => {
    expect(packageTypeOf('pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a')).toBe('julia');
    expect(packageTypeOf(undefined, 'julia')).toBe('julia');
    expect(custodyType('julia')).toBe('julia');
    expect(osvQueryOf(pkg('julia', 'HTTP', '1.9.16', 'pkg:julia/HTTP@1.9.16?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3'), undefined)).toEqual({ family: 'Julia', ordering: 'semver', name: 'HTTP', version: '1.9.16' });
    expect(isMatchedEcosystem('Julia')).toBe(true);
  });
});

describe('hackage', () => {
  it('orders PVP versions numerically, a prefix before its extensions; refuses other versions', () => {
    expect(compareVersions('hackage', '0.10.2.0', '0.9.9')).toBe(1);
    expect(compareVersions('hackage', '1.0', '1.0.0')).toBe(-1);
    expect(compareVersions('hackage', '4000.3.16', '4000.3.16')).toBe(0);
    expect(compareVersions('hackage', '1.02', '1.2')).toBe(0);
    expect(() => compareVersions('hackage', '1.0-beta', '1.0')).toThrow(/Hackage/);
    const q = compileQuery({ purl: 'pkg:hackage/aeson', version: '<2.0.3.0' });
    expect(matchPackage(q, pkg('hackage', 'aeson', '1.5.6.0', 'pkg:hackage/aeson@1.5.6.0'))).toBe(true);
    expect(matchPackage(q, pkg('hackage', 'aeson', '2.0.10.0', 'pkg:hackage/aeson@2.0.10.0'))).toBe(false);
  });
  it('read back from syft\'s type word and the hackage purl type; OSV ecosystem Hackage', () => {
    expect(packageTypeOf('pkg:hackage/HTTP@4000.3.16')).toBe('hackage');
    expect(packageTypeOf(undefined, 'hackage')).toBe('hackage');
    expect(custodyType('hackage')).toBe('hackage');
    expect(osvQueryOf(pkg('hackage', 'aeson', '2.0.3.0', 'pkg:hackage/aeson@2.0.3.0'), undefined)).toEqual({ family: 'Hackage', ordering: 'hackage', name: 'aeson', version: '2.0.3.0' });
  });
});

describe('opam', () => {
  it('orders opam versions as Debian does, over the whole string', () => {
    expect(compareVersions('opam', '1.0~beta', '1.0')).toBe(-1);
    expect(compareVersions('opam', '1.0', '1.0.1')).toBe(-1);
    expect(compareVersions('opam', 'v0.16.0', 'v0.15.1')).toBe(1);
    expect(compareVersions('opam', '4.14.0', '4.14.0')).toBe(0);
    expect(compareVersions('opam', '1.2-3', '1.2-10')).toBe(-1);
    expect(() => compareVersions('opam', '1 0', '1')).toThrow(/opam/);
  });
  it('read back from syft\'s type word and the opam purl type; OSV ecosystem opam', () => {
    expect(packageTypeOf('pkg:opam/alcotest@1.5.0')).toBe('opam');
    expect(packageTypeOf(undefined, 'opam')).toBe('opam');
    expect(custodyType('opam')).toBe('opam');
    expect(osvQueryOf(pkg('opam', 'alcotest', '1.5.0', 'pkg:opam/alcotest@1.5.0'), undefined)).toEqual({ family: 'opam', ordering: 'opam', name: 'alcotest', version: '1.5.0' });
  });
});

describe('native matching of Julia, Hackage and opam packages (hand-written OSV records in each ecosystem)', () => {
  const record = (ecosystem: string, name: string, introduced: string, fixed: string): OsvRecord => {
    const r = parseOsvRecord({ id: `TEST-${ecosystem}-1`, modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced }, { fixed }] }] }] });
    if ('error' in r) throw new Error(r.error);
    return r.record;
  };
  const found = (records: OsvRecord[], packages: Package[]): string[] =>
    matchSbom({ subject: { kind: 'directory', name: 't' }, packages, relationships: [], tools: [] }, storeFromRecords(records), { compare: compareVersions })
      .findings.map((f) => `${f.package.name}@${f.package.version} ${f.id}`)
      .sort();
  it('each ecosystem\'s ordering decides the range: SemVer for Julia, PVP for Hackage, Debian\'s for opam', () => {
    const records = [record('Julia', 'HTTP', '1.0.0', '1.10.1'), record('Hackage', 'aeson', '0', '2.0.3.0'), record('opam', 'cohttp', '0', '5.0.0~beta')];
    expect(
      found(records, [
        pkg('julia', 'HTTP', '1.9.16', 'pkg:julia/HTTP@1.9.16?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3'),
        pkg('julia', 'HTTP', '1.10.1', 'pkg:julia/HTTP@1.10.1?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3'),
        pkg('hackage', 'aeson', '2.0.2.99', 'pkg:hackage/aeson@2.0.2.99'),
        pkg('hackage', 'aeson', '2.0.10.0', 'pkg:hackage/aeson@2.0.10.0'),
        pkg('opam', 'cohttp', '4.0.0', 'pkg:opam/cohttp@4.0.0'),
        pkg('opam', 'cohttp', '5.0.0', 'pkg:opam/cohttp@5.0.0'),
      ]),
    ).toEqual(['HTTP@1.9.16 TEST-Julia-1', 'aeson@2.0.2.99 TEST-Hackage-1', 'cohttp@4.0.0 TEST-opam-1']);
  });
});
