/**
 * The package types of Homebrew, Nix, Snap and the Linux kernel outside the catalogers: `sbom query
 * --version` orders their versions, reading an SBOM maps the peers' type words and purl types to them, and
 * no OSV ecosystem covers them (a scan reports them as not covered).
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { pkg } from './test-package.js';

describe('homebrew', () => {
  it('orders Homebrew versions digit run by digit run, the formula revision after the version', () => {
    expect(compareVersions('brew', '1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('brew', '1.2.3_1', '1.2.3')).toBe(1);
    expect(compareVersions('homebrew', '1.2.3_1', '1.2.3_2')).toBe(-1);
    const q = compileQuery({ purl: 'pkg:brew/openssl%403', version: '>=3.0.0 <3.3.0' });
    expect(matchPackage(q, pkg('homebrew', 'openssl@3', '3.2.1_1', 'pkg:brew/openssl%403@3.2.1_1'))).toBe(true);
    expect(matchPackage(q, pkg('homebrew', 'openssl@3', '3.3.0', 'pkg:brew/openssl%403@3.3.0'))).toBe(false);
  });
  it("read back from syft's type word and the brew purl type; no OSV ecosystem", () => {
    expect(packageTypeOf('pkg:brew/syft@1.23.1')).toBe('homebrew');
    expect(packageTypeOf(undefined, 'homebrew')).toBe('homebrew');
    expect(custodyType('homebrew')).toBe('homebrew');
    expect(osvQueryOf(pkg('homebrew', 'syft', '1.23.1', 'pkg:brew/syft@1.23.1'), undefined)).toBeUndefined();
  });
});

describe('nix', () => {
  it('orders nixpkgs versions digit run by digit run', () => {
    expect(compareVersions('nix', '2.34-210', '2.34-9')).toBe(1);
    expect(compareVersions('nix', '1.1.1q', '1.1.1k')).toBe(1);
    expect(compareVersions('nix', '2.37', '2.37-8')).toBe(-1);
    const q = compileQuery({ purl: 'pkg:nix/glibc', version: '<2.35' });
    expect(matchPackage(q, pkg('nix', 'glibc', '2.34-210', 'pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga'))).toBe(true);
    expect(matchPackage(q, pkg('nix', 'glibc', '2.37-8', 'pkg:nix/glibc@2.37-8?outputhash=02mqs1by2vab9yzw0qc4j7463w78p3ps'))).toBe(false);
  });
  it("read back from syft's type word and the nix purl type; no OSV ecosystem", () => {
    expect(packageTypeOf('pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga')).toBe('nix');
    expect(packageTypeOf(undefined, 'nix')).toBe('nix');
    expect(custodyType('nix')).toBe('nix');
    expect(osvQueryOf(pkg('nix', 'glibc', '2.34-210', 'pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga'), undefined)).toBeUndefined();
  });
});

describe('snap', () => {
  it("a snap's Debian packages are Ubuntu's: matched against OSV's Ubuntu data, at the image's release when it is Ubuntu", () => {
    const p = pkg('deb', 'shim-signed', '1.56+15.7-0ubuntu1', 'pkg:deb/ubuntu/shim-signed@1.56%2B15.7-0ubuntu1?arch=amd64');
    expect(packageTypeOf(p.purl)).toBe('deb');
    expect(osvQueryOf(p, undefined)).toMatchObject({ family: 'Ubuntu', ordering: 'deb', name: 'shim-signed', version: '1.56+15.7-0ubuntu1' });
    expect(osvQueryOf(p, { id: 'ubuntu', versionId: '24.04' })).toMatchObject({ family: 'Ubuntu', release: '24.04' });
  });
});

describe('linux kernel', () => {
  it("read back from syft's type words (their purls are pkg:generic); no OSV ecosystem", () => {
    expect(packageTypeOf('pkg:generic/linux-kernel@6.1.0-57-cloud-amd64', 'linux-kernel')).toBe('linux-kernel');
    expect(packageTypeOf('pkg:generic/crc7', 'linux-kernel-module')).toBe('linux-kernel-module');
    expect(custodyType('linux-kernel-module')).toBe('linux-kernel-module');
    expect(osvQueryOf(pkg('linux-kernel', 'linux-kernel', '6.1.0-57-cloud-amd64', 'pkg:generic/linux-kernel@6.1.0-57-cloud-amd64'), undefined)).toBeUndefined();
    const q = compileQuery({ name: 'linux-kernel', version: '<6.2' });
    expect(matchPackage(q, pkg('linux-kernel', 'linux-kernel', '6.1.0-57-cloud-amd64', 'pkg:generic/linux-kernel@6.1.0-57-cloud-amd64'))).toBe(true);
  });
});
