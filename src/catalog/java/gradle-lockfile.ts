/**
 * Gradle lock files (`gradle.lockfile`, and the older per-configuration `gradle/dependency-locks/*.lockfile`,
 * https://docs.gradle.org/current/userguide/dependency_locking.html): one line per locked module,
 * `group:artifact:version=configuration1,configuration2`; `#` comments; an `empty=…` line naming the
 * configurations that lock nothing. The per-configuration files of Gradle < 6 carry no `=…` part.
 * A module locked only for test configurations (`testCompileClasspath`, `testRuntimeClasspath`, …)
 * is marked `metadata.dev`, as trivy marks it. A module named twice is reported once.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, nameSome, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'java-gradle-lockfile-cataloger';
/** A longer line is no lock entry Gradle writes; it is named as not read (and not echoed whole). */
const MAX_LINE = 64 * 1024;
/** Lines named per incomplete/warning entry; the rest are counted. */
const MAX_NAMED = 10;
/** A Gradle configuration name; anything else after `=` is two lines run together or damage. */
const CONFIGURATION = /^[\w.$-]+$/;

const quote = (s: string): string => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

function summary(what: string, lines: readonly string[]): string {
  return `${what}: ${nameSome(lines, MAX_NAMED)}`;
}

export function parseGradleLockfile(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const unreadable: string[] = [];
  const versionless: string[] = [];
  const lines = textOf(file.contents).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (raw.length > MAX_LINE) {
      unreadable.push(`line ${n} (${raw.length} characters)`);
      continue;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const coords = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (coords === 'empty') continue;
    const configs = eq < 0 ? [] : line.slice(eq + 1).split(',').map((c) => c.trim()).filter((c) => c !== '');
    const parts = coords.split(':').map((s) => s.trim());
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
      versionless.push(`line ${n} ${quote(line)}`);
      continue;
    }
    if (parts.length !== 3 || parts.some((s) => s === '' || /\s/.test(s)) || configs.some((c) => !CONFIGURATION.test(c))) {
      unreadable.push(`line ${n} ${quote(line)}`);
      continue;
    }
    const [group, artifact, version] = parts as [string, string, string];
    const dev = configs.length > 0 && configs.every((c) => c.startsWith('test'));
    const key = `${group}:${artifact}@${version}`;
    const seen = byKey.get(key);
    if (seen) {
      // locked for a production configuration once is enough to not be dev
      if (!dev && seen.metadata?.dev === true) delete seen.metadata.dev;
      continue;
    }
    const purl = purlOrUndefined({ type: 'maven', namespace: group, name: artifact, version });
    const metadata: Record<string, unknown> = {};
    if (configs.length > 0) metadata.configurations = configs;
    if (dev) metadata.dev = true;
    const p = langPackage({ name: artifact, version, type: 'java-archive', group, purl, location: file.location, foundBy: CATALOGER, metadata });
    byKey.set(key, p);
    packages.push(p);
  }
  if (versionless.length > 0) ctx.warn(summary('gradle lock file entries without a version; not reported', versionless), file.location);
  if (unreadable.length > 0) ctx.incomplete(summary('gradle lock file lines that are not group:artifact:version entries', unreadable), file.location);
  return { packages };
}
