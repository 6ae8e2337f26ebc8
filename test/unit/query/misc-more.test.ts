/**
 * The package types of WordPress and SWI-Prolog packs outside the catalogers: `sbom query --version` orders
 * their versions, reading an SBOM maps the peers' type words and purl types to them, and OSV (no ecosystem
 * for either) leaves them not covered.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery, matchPackage } from '../../../src/query/match.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { custodyType, packageTypeOf } from '../../../src/sbom/decode.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { pkg } from './test-package.js';

describe('wordpress', () => {
  it('sbom query --version orders versions as PHP\'s version_compare() (WordPress\'s own ordering)', () => {
    const q = compileQuery({ purl: 'pkg:wordpress/plugin/akismet', version: '>=5.0 <5.3.1' });
    expect(matchPackage(q, pkg('wordpress', 'Akismet Anti-spam: Spam Protection', '5.3', 'pkg:wordpress/plugin/akismet@5.3'))).toBe(true);
    expect(matchPackage(q, pkg('wordpress', 'Akismet Anti-spam: Spam Protection', '5.10', 'pkg:wordpress/plugin/akismet@5.10'))).toBe(false);
    // the plugin namespace is part of the identity: the core release is not this plugin
    expect(matchPackage(q, pkg('wordpress', 'wordpress', '5.3', 'pkg:wordpress/core/wordpress@5.3'))).toBe(false);
    expect(compareVersions('wordpress', '4.9.4-alpha', '4.9.4')).toBe(-1);
    expect(compareVersions('wordpress', '6.4.10', '6.4.9')).toBe(1);
  });
  it('read back from the wordpress purl type, syft\'s wordpress-plugin type word and purl type', () => {
    expect(packageTypeOf('pkg:wordpress/core/wordpress@6.4.2')).toBe('wordpress');
    expect(packageTypeOf('pkg:wordpress-plugin/akismet@5.3')).toBe('wordpress');
    expect(packageTypeOf(undefined, 'wordpress-plugin')).toBe('wordpress');
    expect(custodyType('wordpress')).toBe('wordpress');
  });
  it('OSV: no WordPress ecosystem, not covered', () => {
    expect(osvQueryOf(pkg('wordpress', 'wordpress', '6.4.2', 'pkg:wordpress/core/wordpress@6.4.2'), undefined)).toBeUndefined();
  });
});

describe('swiplpack', () => {
  it('sbom query --version orders pack versions numerically', () => {
    const q = compileQuery({ purl: 'pkg:swiplpack/hdt', version: '>=0.5.0 <0.5.10' });
    expect(matchPackage(q, pkg('swiplpack', 'hdt', '0.5.2', 'pkg:swiplpack/hdt@0.5.2'))).toBe(true);
    expect(matchPackage(q, pkg('swiplpack', 'hdt', '0.5.10', 'pkg:swiplpack/hdt@0.5.10'))).toBe(false);
  });
  it('read back from syft\'s swiplpack type word and purl type', () => {
    expect(packageTypeOf('pkg:swiplpack/hdt@0.5.2')).toBe('swiplpack');
    expect(packageTypeOf(undefined, 'swiplpack')).toBe('swiplpack');
    expect(custodyType('swiplpack')).toBe('swiplpack');
  });
  it('OSV: no SWI-Prolog ecosystem, not covered', () => {
    expect(osvQueryOf(pkg('swiplpack', 'hdt', '0.5.2', 'pkg:swiplpack/hdt@0.5.2'), undefined)).toBeUndefined();
  });
});

describe('apple-app-bundle', () => {
  it('no purl: sbom query orders versions generically; syft\'s type word read back; OSV not covered', () => {
    const q = compileQuery({ name: 'Slack', version: '>=4.9 <4.50.129' });
    expect(matchPackage(q, pkg('apple-app-bundle', 'Slack', '4.50.128'))).toBe(true);
    expect(matchPackage(q, pkg('apple-app-bundle', 'Slack', '4.8.0'))).toBe(false);
    expect(packageTypeOf(undefined, 'apple-app-bundle')).toBe('apple-app-bundle');
    expect(custodyType('apple-app-bundle')).toBe('apple-app-bundle');
    expect(osvQueryOf(pkg('apple-app-bundle', 'Slack', '4.50.128'), undefined)).toBeUndefined();
  });
});

describe('model', () => {
  it('no purl: syft\'s type word read back; OSV not covered', () => {
    expect(packageTypeOf(undefined, 'model')).toBe('model');
    expect(custodyType('model')).toBe('model');
    expect(osvQueryOf(pkg('model', 'llama3-8b', '3.0'), undefined)).toBeUndefined();
  });
});
