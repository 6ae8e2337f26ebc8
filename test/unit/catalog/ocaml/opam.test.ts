import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { ocamlOpamCataloger } from '../../../../src/catalog/ocaml/index.js';
import { parseOpamFile } from '../../../../src/catalog/ocaml/opam.js';
import { opamStrings, parseOpamItems } from '../../../../src/catalog/ocaml/opam-syntax.js';
import { catalogFiles, fixture } from '../lang-support.js';

describe('ocaml-opam-cataloger', () => {
  it('a switch\'s <name>.<version>/opam: named by its directory, licence, url and checksum, depends names (syft\'s fixture)', async () => {
    const r = await catalogFiles([ocamlOpamCataloger], [
      { path: '/root/.opam/default/.opam-switch/packages/ocaml-base-compiler.4.14.0/opam', content: fixture('peers/syft/ocaml/ocaml-base-compiler.4.14.0/opam') },
    ]);
    expect(r.packages).toHaveLength(1);
    const p = r.packages[0]!;
    expect(p.purl).toBe('pkg:opam/ocaml-base-compiler@4.14.0');
    expect(p.type).toBe('opam');
    expect(p.licenses).toEqual(['LGPL-2.1-or-later WITH OCaml-LGPL-linking-exception']);
    expect(p.hashes).toEqual({ 'SHA-256': '39f44260382f28d1054c5f9d8bf4753cb7ad64027da792f7938344544da155e8' });
    expect(p.metadata).toMatchObject({ homepage: 'https://ocaml.org', url: 'https://github.com/ocaml/ocaml/archive/4.14.0.tar.gz' });
    expect(p.metadata?.project).toBeUndefined();
    const depends = p.metadata?.depends as string[];
    expect(depends).toContain('ocaml');
    expect(depends).toContain('system-msvc');
    expect(depends).toContain('flexdll');
    expect(depends).not.toContain('4.14.0');
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('a project\'s <name>.opam and a bare opam file are the project itself; without a version field it has none', async () => {
    const r = await catalogFiles([ocamlOpamCataloger], [
      { path: '/src/alcotest/alcotest.opam', content: fixture('peers/syft/ocaml/alcotest.opam') },
      { path: '/src/tool/opam', content: Buffer.from('opam-version: "2.0"\nname: "tool"\nlicense: ["MIT" "ISC"]\ndepends: ["dune" {>= "3.0"} "cmdliner"]\n') },
      { path: '/src/lib/lib.opam', content: Buffer.from('opam-version: "2.0"\n(* a comment (* nested *) *)\nsynopsis: """ "quoted" """\n') },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${String(p.metadata?.project)}`).sort()).toEqual(['pkg:opam/alcotest@1.5.0 root', 'pkg:opam/lib root', 'pkg:opam/tool root']);
    const tool = r.packages.find((p) => p.name === 'tool')!;
    expect(tool.licenses).toEqual(['MIT', 'ISC']);
    expect(tool.metadata?.depends).toEqual(['dune', 'cmdliner']);
    expect(r.packages.find((p) => p.name === 'alcotest')!.licenses).toEqual(['ISC']);
  });

  it('an opam executable is skipped; a file without opam-version a warning (bash completion\'s opam too); an opam file that does not parse incomplete', async () => {
    const r = await catalogFiles([ocamlOpamCataloger], [
      { path: '/usr/local/bin/opam', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]) },
      { path: '/a/x.opam', content: Buffer.from('synopsis: "no version"\n') },
      { path: '/b/y.opam', content: Buffer.from('opam-version: "2.0"\ndepends: [ "a"\n') },
      { path: '/c/z.opam', content: Buffer.from('opam-version: "2.0\n') },
      { path: '/usr/share/bash-completion/completions/opam', content: Buffer.from('_opam() {\n  local cur="${COMP_WORDS[COMP_CWORD]}"\n}\ncomplete -F _opam opam\n') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/\/a\/x\.opam: no opam-version field/);
    expect(r.warnings.join('\n')).toMatch(/completions\/opam: not an opam file \(.*\); ignored/);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual(['/b/y.opam: opam file does not parse: unbalanced brackets', '/c/z.opam: opam file does not parse: unterminated string']);
  });

  it('the reader keeps fields apart from values that hold idents and operators', () => {
    const items = parseOpamItems('opam-version:"2.0"\nflags: compiler\nsetenv: CAML_LD_LIBRARY_PATH = "%{lib}%/stublibs"\navailable: os != "win32" & arch = "x86_64"\nurl { src: "https://x/y.tgz" checksum: ["md5=00" "sha512=11"] }\nextra-source "a.patch" { src: "https://x/a.patch" }\n');
    expect(opamStrings(items.fields.get('opam-version'))).toEqual(['2.0']);
    expect(opamStrings(items.fields.get('available'))).toEqual(['win32', 'x86_64']);
    expect(opamStrings(items.sections.get('url')![0]!.get('checksum'))).toEqual(['md5=00', 'sha512=11']);
    expect(items.sections.get('extra-source')).toHaveLength(1);
  });

  it('hostile opam files (fast-check): never more than a thrown Error, never a hang', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        const r = parseOpamFile({ location: { path: '/x/p.opam' }, contents: Buffer.from(s) }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`opam-version: "2.0"\nversion: ${JSON.stringify(a)}\ndepends: [ ${JSON.stringify(b)} {>= ${JSON.stringify(a)}} ${a} ]\nurl { src: ${JSON.stringify(b)} checksum: ${JSON.stringify(a)} }\n`);
      }),
      { numRuns: 300 },
    );
    run(`opam-version: "2.0"\ndepends: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    run(`opam-version: "2.0"\n${'(*'.repeat(5000)}`);
    run(`opam-version: "2.0"\n${'a { '.repeat(5000)}`);
    run(`opam-version: "2.0"\nx: ${'"a" '.repeat(200_000)}\n`);
  });
});
