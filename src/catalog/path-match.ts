/**
 * One matcher for many globs over the hundreds of thousands of paths of an image, with exactly
 * picomatch's answers (`dot: true`), but without running a regular expression on every path.
 *
 * Each glob gets a cheap necessary condition read off its text: its literal basename (`** /go.mod`),
 * the literal extension of its basename (`** /*.jar`), its literal parent directory name
 * (`** /bin/*`) or its literal leading directory (`/usr/libexec/**`). A path is handed to a glob's
 * picomatch regex only when it meets that glob's condition; the few globs with no such condition are
 * always tried. Answers are picomatch's; the conditions only decide which regexes are worth running.
 */
import picomatch from 'picomatch';

const GLOB_CHARS = /[*?[\]{}()!+@\\]/;

const isLiteral = (s: string): boolean => s.length > 0 && !GLOB_CHARS.test(s);

type Test = (path: string) => boolean;

function push(map: Map<string, Test[]>, key: string, t: Test): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [t]);
  else list.push(t);
}

/** A predicate true exactly when picomatch(globs, { dot: true }) accepts the path (absolute, normalised: no `.`/`..` segments, no trailing slash). */
export function compilePathMatcher(globs: readonly string[]): Test {
  const byBase = new Map<string, Test[]>();
  const byExt = new Map<string, Test[]>();
  const byParent = new Map<string, Test[]>();
  // Grouped by prefix: many globs under the same directory (`/usr/local/**/lib*.so*`) cost one startsWith per path.
  const byPrefix = new Map<string, Test[]>();
  // By the literal start of the file name (`**/vmlinuz-*`): one startsWith per path and group.
  const byBaseStart = new Map<string, Test[]>();
  const always: Test[] = [];
  for (const glob of new Set(globs)) {
    const re = picomatch.makeRe(glob, { dot: true });
    const test: Test = (p) => re.test(p);
    const segments = glob.split('/');
    const last = segments[segments.length - 1] ?? '';
    const dot = last.lastIndexOf('.');
    const ext = dot >= 0 ? last.slice(dot) : '';
    const parent = segments.length >= 2 ? (segments[segments.length - 2] ?? '') : '';
    const firstGlob = glob.search(GLOB_CHARS);
    // The literal leading directories, without the last slash (`/usr/libexec/**` also matches `/usr/libexec`).
    const prefix = firstGlob < 0 ? glob : glob.slice(0, Math.max(0, glob.lastIndexOf('/', firstGlob)));
    // braces and extglobs may hold a '/': no segment reasoning, except a literal file name after the glob's
    // last '/' (`!(**/node_modules/**)/package.json`): every path it matches ends with it
    if (/[{}()]/.test(glob)) {
      if (isLiteral(last)) push(byBase, last, test);
      else always.push(test);
    }
    else if (last.includes('**')) {
      // A globstar last segment crosses directories: only the leading directories are known.
      if (glob.startsWith('/') && prefix.length > 1) push(byPrefix, prefix, test);
      else always.push(test);
    } else if (isLiteral(last)) push(byBase, last, test);
    else if (ext.length > 1 && isLiteral(ext)) push(byExt, ext, test);
    else if (segments.length >= 2 && isLiteral(parent)) push(byParent, parent, test);
    else if (glob.startsWith('/') && prefix.length > 1) push(byPrefix, prefix, test);
    else if (last.search(GLOB_CHARS) >= 2) push(byBaseStart, last.slice(0, last.search(GLOB_CHARS)), test);
    else always.push(test);
  }
  const any = (tests: Test[] | undefined, path: string): boolean => tests !== undefined && tests.some((t) => t(path));
  return (path) => {
    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (any(byBase.get(base), path)) return true;
    const dot = base.lastIndexOf('.');
    if (dot >= 0 && any(byExt.get(base.slice(dot)), path)) return true;
    if (byParent.size > 0 && slash > 0) {
      const parent = path.slice(path.lastIndexOf('/', slash - 1) + 1, slash);
      if (any(byParent.get(parent), path)) return true;
    }
    for (const [prefix, tests] of byPrefix) if (path.startsWith(prefix) && any(tests, path)) return true;
    for (const [start, tests] of byBaseStart) if (base.startsWith(start) && any(tests, path)) return true;
    return always.some((t) => t(path));
  };
}
