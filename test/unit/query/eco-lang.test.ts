/**
 * The package types of Dart, Elixir/Erlang, Swift and CocoaPods outside the catalogers: `sbom query
 * --version` orders their versions, reading an SBOM maps the peers' type words and purl types to them,
 * and the OSV matcher knows which ecosystem (if any) covers them.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { pkg } from './test-package.js';
import { normaliseOsvName, osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';


describe('dart-pub', () => {
  it('sbom query --version orders pub versions as SemVer (pre-releases before the release, build metadata ignored)', () => {
    const q = compileQuery({ purl: 'pkg:pub/http', version: '>=1.0.0 <1.2.1' });
    expect(matchPackage(q, pkg('dart-pub', 'http', '1.2.0', 'pkg:pub/http@1.2.0'))).toBe(true);
    expect(matchPackage(q, pkg('dart-pub', 'http', '1.2.1-dev.1', 'pkg:pub/http@1.2.1-dev.1'))).toBe(true);
    expect(matchPackage(q, pkg('dart-pub', 'http', '1.10.0', 'pkg:pub/http@1.10.0'))).toBe(false);
    expect(matchPackage(compileQuery({ name: 'http', version: '<1.10.0' }), pkg('dart-pub', 'http', '1.9.0+2'))).toBe(true);
  });
  it('read back from the peers\' type words and the pub purl type', () => {
    expect(packageTypeOf('pkg:pub/http@1.2.0')).toBe('dart-pub');
    expect(packageTypeOf(undefined, 'dart-pub')).toBe('dart-pub');
    expect(packageTypeOf(undefined, 'pub')).toBe('dart-pub');
    expect(custodyType('dart-pub')).toBe('dart-pub');
  });
  it('OSV: the Pub ecosystem, by purl or by type', () => {
    expect(osvQueryOf(pkg('dart-pub', 'http', '1.2.0', 'pkg:pub/http@1.2.0?hosted_url=pub.flutter-io.cn'), undefined)).toEqual({ family: 'Pub', ordering: 'semver', name: 'http', version: '1.2.0' });
    expect(osvQueryOf(pkg('dart-pub', 'http', '1.2.0'), undefined)).toMatchObject({ family: 'Pub', name: 'http' });
  });
});

describe('hex (Elixir and Erlang)', () => {
  it('sbom query --version orders Hex versions as SemVer', () => {
    const q = compileQuery({ purl: 'pkg:hex/plug', version: '>=1.14.0 <1.15.3' });
    expect(matchPackage(q, pkg('hex', 'plug', '1.15.2', 'pkg:hex/plug@1.15.2'))).toBe(true);
    expect(matchPackage(q, pkg('hex', 'plug', '1.15.3-rc.0', 'pkg:hex/plug@1.15.3-rc.0'))).toBe(true);
    expect(matchPackage(q, pkg('hex', 'plug', '1.9.0', 'pkg:hex/plug@1.9.0'))).toBe(false);
  });
  it('read back from the peers\' type word and the hex purl type', () => {
    expect(packageTypeOf('pkg:hex/acme/secret@1.0.0')).toBe('hex');
    expect(packageTypeOf(undefined, 'hex')).toBe('hex');
    expect(custodyType('hex')).toBe('hex');
  });
  it('OSV: the Hex ecosystem by purl (an organisation\'s private package too); a git dependency has no purl and is not matched', () => {
    expect(osvQueryOf(pkg('hex', 'plug', '1.15.2', 'pkg:hex/plug@1.15.2'), undefined)).toEqual({ family: 'Hex', ordering: 'semver', name: 'plug', version: '1.15.2' });
    expect(osvQueryOf(pkg('hex', 'enacl', '2f50ba6289f2f2d9fef05d22a396c0bab4f64149'), undefined)).toBeUndefined();
  });
});

describe('swift', () => {
  it('sbom query --version orders Swift versions as SemVer (by name: packageurl-js refuses a swift purl without a version)', () => {
    const q = compileQuery({ name: 'swift-nio', version: '<2.29.1' });
    expect(matchPackage(q, pkg('swift', 'swift-nio', '2.29.0', 'pkg:swift/github.com/apple/swift-nio@2.29.0'))).toBe(true);
    expect(matchPackage(q, pkg('swift', 'swift-nio', '2.100.0', 'pkg:swift/github.com/apple/swift-nio@2.100.0'))).toBe(false);
  });
  it('read back from the peers\' type word and the swift purl type', () => {
    expect(packageTypeOf('pkg:swift/github.com/apple/swift-nio@2.29.0')).toBe('swift');
    expect(packageTypeOf(undefined, 'swift')).toBe('swift');
    expect(custodyType('swift')).toBe('swift');
  });
  it('OSV: SwiftURL, named by the repository URL without scheme (case ignored)', () => {
    expect(osvQueryOf(pkg('swift', 'nimble', '9.2.1', 'pkg:swift/github.com/Quick/nimble@9.2.1'), undefined)).toEqual({ family: 'SwiftURL', ordering: 'semver', name: 'github.com/Quick/nimble', version: '9.2.1' });
    expect(normaliseOsvName('SwiftURL', 'github.com/Quick/Nimble')).toBe(normaliseOsvName('SwiftURL', 'github.com/Quick/nimble'));
  });
});

describe('cocoapods', () => {
  it('sbom query --version orders pod versions as CocoaPods does (Pod::Version is a Gem::Version)', () => {
    const q = compileQuery({ purl: 'pkg:cocoapods/Alamofire', version: '<5.10' });
    expect(matchPackage(q, pkg('cocoapods', 'Alamofire', '5.9.1', 'pkg:cocoapods/Alamofire@5.9.1'))).toBe(true);
    expect(matchPackage(q, pkg('cocoapods', 'Alamofire', '5.10.0.beta.1', 'pkg:cocoapods/Alamofire@5.10.0.beta.1'))).toBe(true);
    expect(matchPackage(q, pkg('cocoapods', 'Alamofire', '5.10.1', 'pkg:cocoapods/Alamofire@5.10.1'))).toBe(false);
  });
  it('read back from the peers\' type words and the cocoapods purl type', () => {
    expect(packageTypeOf('pkg:cocoapods/PINCache@3.0.3#Core')).toBe('cocoapods');
    expect(packageTypeOf(undefined, 'pod')).toBe('cocoapods');
    expect(custodyType('cocoapods')).toBe('cocoapods');
  });
  it('OSV has no CocoaPods ecosystem: not matched, so a scan reports them as not covered', () => {
    expect(osvQueryOf(pkg('cocoapods', 'Alamofire', '5.9.1', 'pkg:cocoapods/Alamofire@5.9.1'), undefined)).toBeUndefined();
    expect(osvQueryOf(pkg('cocoapods', 'Alamofire', '5.9.1'), undefined)).toBeUndefined();
  });
});
