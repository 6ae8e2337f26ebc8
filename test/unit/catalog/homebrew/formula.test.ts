import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { homebrewCataloger } from '../../../../src/catalog/homebrew/index.js';
import { parseFormulaText, parseHomebrewFormula } from '../../../../src/catalog/homebrew/formula.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/homebrew/testdata', f));

describe('homebrew-cataloger', () => {
  it("a keg's formula (name and version from the Cellar path) and a tap's formula (its own lines), with tap, homepage, licence and description", async () => {
    const r = await catalogFiles([homebrewCataloger], [
      { path: '/opt/homebrew/Cellar/foo/1.2.3/.brew/foo.rb', content: peer('install-example/opt/homebrew/Cellar/foo/1.2.3/.brew/foo.rb') },
      { path: '/opt/homebrew/Library/Taps/testorg/sometap/Formula/bar.rb', content: peer('install-example/opt/homebrew/Library/Taps/testorg/sometap/Formula/bar.rb') },
      { path: '/usr/local/Cellar/syft/1.23.1_2/.brew/syft.rb', content: peer('formulas/syft/1.23.1/.brew/syft.rb') },
    ]);
    const [bar, foo, syft] = [...r.packages].sort((a, b) => a.name.localeCompare(b.name));
    expect(foo).toMatchObject({ name: 'foo', version: '1.2.3', type: 'homebrew', purl: 'pkg:brew/foo@1.2.3', description: 'A test Homebrew formula for Foo', metadata: { homepage: 'https://example.com/foo' }, foundBy: ['homebrew-cataloger'] });
    expect(foo!.metadata?.tap).toBeUndefined();
    expect(bar).toMatchObject({ name: 'bar', version: '4.5.6', purl: 'pkg:brew/bar@4.5.6', licenses: ['MIT'], metadata: { tap: 'testorg/sometap', homepage: 'https://example.com/bar' } });
    // the keg's directory is the version installed, with Homebrew's revision
    expect(syft).toMatchObject({ version: '1.23.1_2', purl: 'pkg:brew/syft@1.23.1_2', description: expect.stringMatching(/^A tool that generates/) });
    expect(r.incomplete).toEqual([]);
  });

  it('only the class body counts: locals and comments before it, `name = …`, comments after a call, `__END__`; any_of licences', () => {
    const crazy = parseFormulaText(peer('formulas/crazy/1.0.0/.brew/crazy.rb').toString());
    expect(crazy).toEqual({ homepage: 'https://www.example.com', licenses: [] });
    const f = parseFormulaText([
      'version "0.0.0-before"',
      'class Foo < Formula',
      '  desc "say \\"hi\\"" # not this',
      '  name = "local"',
      "  license any_of: ['MIT', \"Apache-2.0\"]",
      '  version "2.0"',
      '  resource "x" do',
      '    version "9.9"',
      '  end',
      '__END__',
      'homepage "https://after.example"',
    ].join('\n'));
    expect(f).toEqual({ desc: 'say "hi"', version: '2.0', licenses: ['MIT', 'Apache-2.0'] });
  });

  it('a tap formula without a version line is a warning, not a package; a file that is not text is incomplete', async () => {
    const r = await catalogFiles([homebrewCataloger], [
      { path: '/opt/homebrew/Library/Taps/o/t/Formula/nover.rb', content: Buffer.from('class Nover < Formula\n  url "https://x/nover-1.0.tar.gz"\nend\n') },
      { path: '/opt/homebrew/Cellar/bin/1.0/.brew/bin.rb', content: Buffer.from([0x00, 0xff, 0xfe, 0x01]) },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/Homebrew formula nover: no version line/);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/opt/homebrew/Cellar/bin/1.0/.brew/bin.rb']);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (path: string, s: string): void => {
      try {
        expect(Array.isArray(parseHomebrewFormula({ location: { path }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        run(`/opt/homebrew/Library/Taps/${a}/t/Formula/x.rb`, `class X < Formula\n  version "${b}"\n  license ${c}\n  name '${a}`);
        run(`/usr/local/Cellar/${a}/${b}/.brew/x.rb`, c);
      }),
      { numRuns: 300 },
    );
    run('/x/Library/Taps/o/t/Formula/x.rb', `version "${'\\'.repeat(200_000)}"\nlicense ${'"a",'.repeat(100_000)}`);
    run('/x/Library/Taps/o/t/Formula/x.rb', `${'"'.repeat(300_000)}\n${'#'.repeat(100_000)}`);
  });
});
