/**
 * The main module's version when the build info says `(devel)`: `go build` without a module version
 * (a checkout, `go build .`) records `(devel)`, and release builds set the version through the linker
 * instead (`-ldflags "-X main.version=1.4.2"`), which the build info keeps as the `-ldflags` setting.
 * Read as trivy does (pkg/dependency/parser/golang/binary): `-X <pkg>.<var>=<value>` flags whose
 * variable ends in `version` or `ver` and whose value is a semantic version; the first tier with exactly
 * one such version wins (keys under the main module's path, then keys whose first element is `main`,
 * `common`, `version` or `cmd`, then any other); several candidates in a tier give nothing.
 */

/** A Go-quoted build setting value (`"-s -w -X main.version=1.4.2"`) unquoted; others as they are. */
function unquoteGo(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return v;
}

/** Shell-like words: whitespace separates, single and double quotes group (as the go command splits -ldflags). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PREFIXES = new Set(['main', 'common', 'version', 'cmd']);

/** The version `-X` flags give the main module (with a leading `v`, as Go module versions have); undefined when none or ambiguous. */
export function versionFromLdflags(mainPath: string, ldflagsSetting: string): string | undefined {
  const words = splitWords(unquoteGo(ldflagsSetting));
  const tiers: string[][] = [[], [], []];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let assignment: string | undefined;
    if (w === '-X' || w === '--X') assignment = words[++i];
    else if (w.startsWith('-X=')) assignment = w.slice(3);
    if (!assignment) continue;
    const eq = assignment.indexOf('=');
    if (eq <= 0) continue;
    const key = assignment.slice(0, eq).toLowerCase();
    const value = assignment.slice(eq + 1);
    if (!(key.endsWith('.version') || key.endsWith('.ver')) || !SEMVER.test(value)) continue;
    const v = value.startsWith('v') ? value : `v${value}`;
    const tier = mainPath !== '' && key.startsWith(`${mainPath.toLowerCase()}/`) ? 0 : PREFIXES.has(key.split('.')[0]!.split('/').at(-1)!) ? 1 : 2;
    if (!tiers[tier]!.includes(v)) tiers[tier]!.push(v);
  }
  for (const t of tiers) {
    if (t.length === 1) return t[0];
    if (t.length > 1) return undefined;
  }
  return undefined;
}
