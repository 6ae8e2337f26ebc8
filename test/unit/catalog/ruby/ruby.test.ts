import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseGemfileLock, parseGemspec } from '../../../../src/catalog/ruby/gems.js';
import { rubyGemfileLockCataloger, rubyGemspecCataloger } from '../../../../src/catalog/ruby/index.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

describe('ruby catalogers', () => {
  it('installed gemspec: name, version, licences, authors — read, never evaluated', async () => {
    const r = await catalogFiles([rubyGemspecCataloger], [
      { path: '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec', content: fixture('ruby/rake-13.0.6.gemspec') },
      { path: '/usr/share/rubygems-integration/all/specifications/broken.gemspec', content: 'Gem::Specification.new do |s|\n  s.name = computed_name\nend\n' },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({ name: 'rake', version: '13.0.6', purl: 'pkg:gem/rake@13.0.6', licenses: ['MIT'], supplier: 'Hiroshi SHIBATA, Eric Hodel, Jim Weirich' });
    expect(r.warnings.join('\n')).toMatch(/broken\.gemspec: not read completely: gemspec without a literal name/);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/usr/share/rubygems-integration/all/specifications/broken.gemspec']);
  });

  it('Gemfile.lock: specs, platform gems, dependency edges', async () => {
    const r = await catalogFiles([rubyGemfileLockCataloger], [{ path: '/app/Gemfile.lock', content: fixture('ruby/Gemfile.lock') }]);
    expect(r.packages).toHaveLength(5);
    expect(find(r, 'nokogiri')[0]).toMatchObject({ version: '1.13.10', purl: 'pkg:gem/nokogiri@1.13.10?platform=x86_64-linux' });
    expect(r.relationships).toHaveLength(4);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/gemfile-lock.txt');
  });

  it('hostile bytes (fast-check)', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const parse of [parseGemspec, parseGemfileLock]) expect(Array.isArray(parse({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
        parseGemfileLock({ location: { path: '/x' }, contents: Buffer.from(`GEM\n  specs:\n${s}`) }, ctx);
      }),
      { numRuns: 300 },
    );
  });
});
