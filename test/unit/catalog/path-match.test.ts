// compilePathMatcher must give picomatch's answers ({ dot: true }) on every normalised absolute path:
// its per-glob conditions only choose which regexes to run. Checked on the catalogers' real globs and
// on random globs, against random paths built from the globs' own words (so matches are frequent).
import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compilePathMatcher } from '../../../src/catalog/path-match.js';
import { ALL_CATALOGERS } from '../../../src/catalog/registry.js';
import { globsFor } from '../../../src/catalog/run.js';

const GLOBS = globsFor(ALL_CATALOGERS);
const WORDS = ['usr', 'lib', 'bin', 'sbin', 'libexec', 'app', 'opt', 'etc', 'os-release', 'node_modules', '@scope', 'package.json', 'x.jar', 'X.JAR', '.jar', 'a.war', 'go.mod', 'Cargo.lock', 'requirements-dev.txt', 'requirements.txt', 'foo.egg-info', 'PKG-INFO', 'METADATA', 'a.dist-info', 'specifications', 'b.gemspec', 'var', 'dpkg', 'status', 'status.d', 'nodejs', 'x86_64-linux-gnu', 'share', 'doc', 'copyright', '.hidden', 'a.deps.json', 'vendor', 'composer', 'installed.json', 'rpm', 'rpmdb.sqlite', 'Packages', 'vmlinuz-6.1.0', 'kernel-x', 'abc', 'ab', 'abx.d'];
const segment = fc.oneof(fc.constantFrom(...WORDS), fc.stringMatching(/^[a-zA-Z0-9._@-]{1,8}$/).filter((s) => s !== '.' && s !== '..'));
const path = fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => `/${s.join('/')}`);

describe('compilePathMatcher', () => {
  it("gives picomatch's answer for the catalogers' globs", () => {
    const fast = compilePathMatcher(GLOBS);
    const slow = picomatch(GLOBS, { dot: true });
    fc.assert(fc.property(path, (p) => fast(p) === slow(p)), { numRuns: 20_000 });
    // and on paths each kind of condition picks out
    for (const p of ['/usr/bin/ls', '/usr/libexec', '/usr/libexec/a/b/c', '/opt/x/y', '/opt/x', '/app/a.jar', '/a', '/etc/os-release', '/var/lib/dpkg/status.d/base', '/x/node_modules/@s/p/package.json', '/y/requirements-dev.txt', '/g/specifications/a/b/c.gemspec', '/p/.jar', '/srv/package.json', '/srv/node_modules/a/b/package.json']) {
      expect(fast(p), p).toBe(slow(p));
    }
    expect(fast('/usr/libexec/a/b/c')).toBe(true);
    expect(fast('/usr/share/misc/magic')).toBe(false);
  });

  it("gives picomatch's answer for random globs (globstars, wildcards, classes, braces)", () => {
    const globPart = fc.oneof(fc.constantFrom('**', '*', '*.jar', 'a*', 'ab*', 'ab?', 'abc*.d', 'vmlinuz-*', '*.d', '[ab]*', '{x,y}', 'bin', 'lib', 'a.b', '?', '*.tar.gz', '@(a|b)', '!(**/node_modules/**)', '@(x/y|z)'), segment);
    const glob = fc.tuple(fc.boolean(), fc.array(globPart, { minLength: 1, maxLength: 4 })).map(([abs, parts]) => `${abs ? '/' : ''}${parts.join('/')}`);
    fc.assert(
      fc.property(fc.array(glob, { minLength: 1, maxLength: 5 }), fc.array(path, { minLength: 1, maxLength: 20 }), (globs, paths) => {
        const fast = compilePathMatcher(globs);
        const slow = picomatch(globs, { dot: true });
        for (const p of paths) expect(fast(p), `${p} against ${globs.join(' ')}`).toBe(slow(p));
      }),
      { numRuns: 3000 },
    );
  });
});
