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

  it('gemspec: only the assignments of the block variable count; %q{} literals of older RubyGems are read', async () => {
    const spec = (body: string): string => `# -*- encoding: utf-8 -*-\n\nGem::Specification.new do |spec|\n${body}end\n`;
    const r = await catalogFiles([rubyGemspecCataloger], [
      // assigns through `s`, not the block's `spec`: Ruby raises NameError, RubyGems installs nothing
      { path: '/g/specifications/wrong-receiver.gemspec', content: spec('    s.name = "async".freeze\n    s.version = "1.25.0"\n') },
      { path: '/g/specifications/spec-receiver.gemspec', content: spec('    spec.name = "async".freeze # comment\n    spec.version = "1.25.0"\n    spec.licenses = ["MIT"]\n') },
      { path: '/g/specifications/old.gemspec', content: 'Gem::Specification.new do |s|\n  s.name = %q{activesupport}\n  s.version = "2.3.5"\n  s.authors = [%q{David Heinemeier Hansson}]\n  s.summary = %q(Support and utility classes.)\nend\n' },
      { path: '/g/specifications/braces.gemspec', content: 'Gem::Specification.new { |g| g.name = "x"; g.version = %q<1.0> }\n' },
    ]);
    expect(r.packages.map((p) => [p.purl, p.licenses, p.supplier, p.description])).toEqual([
      ['pkg:gem/activesupport@2.3.5', [], 'David Heinemeier Hansson', 'Support and utility classes.'],
      ['pkg:gem/async@1.25.0', ['MIT'], undefined, undefined],
    ]);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`)).toEqual([
      '/g/specifications/braces.gemspec: gemspec without a literal name',
      '/g/specifications/wrong-receiver.gemspec: gemspec without a literal name',
    ]);
  });

  it('Gemfile.lock: a file without any bundler section is incomplete, an empty one a warning; Gemfile.next.lock is read too', async () => {
    const r = await catalogFiles([rubyGemfileLockCataloger], [
      { path: '/a/Gemfile.lock', content: 'malformed' },
      { path: '/b/Gemfile.lock', content: '' },
      { path: '/c/Gemfile.lock', content: 'PLATFORMS\n  ruby\n\nBUNDLED WITH\n   2.3.7\n' },
      { path: '/d/Gemfile.next.lock', content: 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.0)\n\nBUNDLED WITH\n   2.5.0\n' },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:gem/rails@7.1.0']);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`)).toEqual(['/a/Gemfile.lock: no Gemfile.lock section (GEM, PATH, GIT, PLATFORMS, DEPENDENCIES, …): not a Gemfile.lock']);
    expect(r.warnings.filter((w) => !w.includes('not read completely'))).toEqual(['/b/Gemfile.lock: empty Gemfile.lock', '/c/Gemfile.lock: no GEM section: not a Gemfile.lock?']);
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
