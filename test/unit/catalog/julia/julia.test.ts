import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { juliaManifestCataloger } from '../../../../src/catalog/julia/index.js';
import { parseJuliaManifest } from '../../../../src/catalog/julia/manifest.js';
import { catalogFiles, fixture } from '../lang-support.js';

const peers = (p: string): Buffer => fixture(`peers/trivy/julia/${p}`);
const mark = (r: Awaited<ReturnType<typeof catalogFiles>>): string[] =>
  r.packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev === true ? ' (dev)' : ''}${p.metadata?.project ? ' (project)' : ''}`).sort();

describe('julia-manifest-cataloger', () => {
  it('with the Project.toml beside it: the project, its direct dependencies, [extras] reached only from tests marked dev (trivy\'s analyzer fixture)', async () => {
    const r = await catalogFiles([juliaManifestCataloger], [
      { path: '/app/Manifest.toml', content: peers('analyzer/happy/Manifest.toml') },
      { path: '/app/Project.toml', content: peers('analyzer/happy/Project.toml') },
    ]);
    const dev = mark(r).filter((s) => s.includes('(dev)'));
    expect(dev).toEqual(['DevDep@1.0.0 (dev)', 'IndirectDevDep@2.0.0 (dev)']);
    const root = r.packages.find((p) => p.metadata?.project === 'root')!;
    expect(root.purl).toBe('pkg:julia/packageName@0.1.0?uuid=1c653b0a-0b5a-4cff-b25a-92f0db012773');
    expect(root.locations[0]!.path).toBe('/app/Project.toml');
    const byId = new Map(r.packages.map((p) => [p.id, p.name]));
    const fromRoot = r.relationships.filter((x) => x.from === root.id).map((x) => `${x.type} ${byId.get(x.to)}`).sort();
    expect(fromRoot).toEqual(['depends-on Dates', 'depends-on JSON', 'dev-depends-on DevDep']);
    const json = r.packages.find((p) => p.name === 'JSON')!;
    expect(r.relationships.filter((x) => x.from === json.id).map((x) => byId.get(x.to)).sort()).toEqual(['Dates', 'Mmap', 'Parsers', 'Unicode']);
    const dates = r.packages.find((p) => p.name === 'Dates')!;
    expect(dates.metadata).toMatchObject({ stdlib: true, uuid: 'ade2ca70-3891-5945-98fb-dc099432e06a' });
    expect(r.packages.every((p) => p.type === 'julia' && p.foundBy[0] === 'julia-manifest-cataloger')).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('format 1.0 with its Project.toml: packages by path without versions, name-table deps resolved by UUID, a project without a version', async () => {
    const r = await catalogFiles([juliaManifestCataloger], [
      { path: '/t/Manifest.toml', content: peers('manifest/julia_v1.0_format/Manifest.toml') },
      { path: '/t/Project.toml', content: peers('manifest/julia_v1.0_format/Project.toml') },
    ]);
    expect(mark(r)).toEqual(['Bar@', 'Baz@', 'Foo@', 'Foo@', 'TestProject@ (project)', 'Qux@'].sort());
    const byId = new Map(r.packages.map((p) => [p.id, `${p.name}:${String(p.metadata?.uuid ?? '').slice(0, 4)}`]));
    expect(r.relationships.map((x) => `${byId.get(x.from)} -> ${byId.get(x.to)}`).sort()).toContain('Bar:2a55 -> Foo:6f41');
    expect(r.warnings.join('\n')).toMatch(/name no version; reported without one/);
  });

  it('a file that is not TOML, or whose deps is no table, is incomplete; entries without a uuid are skipped as incomplete; another tool\'s Manifest.toml a warning', async () => {
    const r = await catalogFiles([juliaManifestCataloger], [
      { path: '/a/Manifest.toml', content: Buffer.from('[[deps.A]\nuuid = 1\n') },
      { path: '/b/Manifest.toml', content: Buffer.from('manifest_format = "2.0"\ndeps = 3\n') },
      { path: '/d/Manifest.toml', content: Buffer.from('[[target]]\nname = "x"\n') },
      { path: '/c/Manifest.toml', content: Buffer.from('julia_version = "1.10.0"\nmanifest_format = "2.0"\n[[deps.A]]\nversion = "1.0.0"\n[[deps.B]]\nuuid = "6801f525-dc68-44e8-a4e8-cabd286279e7"\nversion = "2.0.0"\n[deps]\nC = 3\n') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:julia/B@2.0.0?uuid=6801f525-dc68-44e8-a4e8-cabd286279e7']);
    expect(r.warnings.join('\n')).toMatch(/\/d\/Manifest\.toml: Manifest\.toml has no manifest_format and no package with a uuid: not a Julia manifest/);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      expect.stringMatching(/^\/a\/Manifest\.toml: invalid TOML in Manifest\.toml/),
      '/b/Manifest.toml: Manifest.toml `deps` is not a table',
      '/c/Manifest.toml: Manifest.toml package "A" has no valid uuid; skipped',
      '/c/Manifest.toml: Manifest.toml package "C" is not an array of tables; skipped',
    ]);
  });

  it('hostile TOML (fast-check): never more than a thrown Error, never a hang', async () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = async (s: string): Promise<void> => {
      try {
        const r = await parseJuliaManifest({ location: { path: '/x/Manifest.toml' }, contents: Buffer.from(s) }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (a, b, c) => {
        await run(a);
        await run(`julia_version = ${JSON.stringify(b)}\nmanifest_format = "2.0"\n[[deps.${JSON.stringify(a)}]]\nuuid = ${JSON.stringify(c)}\ndeps = [${JSON.stringify(a)}, ${JSON.stringify(b)}]\nversion = ${JSON.stringify(c)}\n`);
        await run(`[[${JSON.stringify(a)}]]\nuuid = "6801f525-dc68-44e8-a4e8-cabd286279e7"\n[${JSON.stringify(a)}.deps]\n${JSON.stringify(b)} = ${JSON.stringify(c)}\n`);
      }),
      { numRuns: 200 },
    );
    // deep nesting and a dependency cycle are read or refused
    await run(`x = ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    await run('manifest_format = "2.0"\n[[deps.A]]\nuuid = "6801f525-dc68-44e8-a4e8-cabd286279e7"\ngit-tree-sha1 = "0"\ndeps = ["A"]\n');
  });
});
