/**
 * Go binaries: every module in the embedded build information (main module, dependencies with
 * their go.sum `h1:` hash, replacements applied) plus the Go standard library (`stdlib`, version of
 * the toolchain, as syft and govulncheck name it). Binaries built in GOPATH mode (Debian's) carry
 * no modules: only stdlib is reported, with the main package path in its metadata. A main module
 * built as `(devel)` takes the version its `-ldflags -X …version=` gives, when exactly one (ldflags.ts).
 * ELF, PE and Mach-O executables (exe.ts). Files that are none of these, or carry no build info, give
 * nothing and no warning; a `.go.buildinfo`/`__go_buildinfo` section that cannot be read is incomplete input.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { langPackage } from '../lang-common.js';
import { hasGoBuildInfoSection, readGoBuildInfo, type GoModule } from './buildinfo.js';
import { golangPurl } from './common.js';
import { versionFromLdflags } from './ldflags.js';

const CATALOGER = 'go-binary-cataloger';

/**
 * Where executables live. Sources keep the bytes of files matching these (path-based `wants`), so
 * they stay narrow: bin/sbin folders anywhere (/usr/bin, /usr/local/bin, /opt/x/bin, /usr/lib/go/bin),
 * /usr/libexec (plugins), and files at the root or directly in /app, /ko-app, /opt/<x>/ (distroless
 * and ko images), and Windows executables (`*.exe`) anywhere.
 */
export const EXECUTABLE_GLOBS = ['**/bin/*', '**/sbin/*', '/usr/libexec/**', '/*', '/app/*', '/ko-app/*', '/opt/*/*', '**/*.exe'];

/** Reads only the headers, section table and build info of each executable (PE: searched in `.data`). */
export function parseGoBinary(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const info = readGoBuildInfo(file.file);
  if (!info) {
    if (hasGoBuildInfoSection(file.file)) ctx.incomplete('a .go.buildinfo section that cannot be read: its modules are not listed');
    return { packages: [] };
  }
  const settings = Object.fromEntries(info.settings);
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  const modulePackage = (m: GoModule, isMain: boolean): Package => {
    // A replacement by a local directory (`=> ./x`) has no module version: keep the required module.
    const local = m.replace !== undefined && (m.replace.version === '' || /^\.{0,2}\//.test(m.replace.path));
    const eff = m.replace && !local ? m.replace : m;
    const metadata: Record<string, unknown> = { goVersion: info.goVersion };
    if (eff.sum) metadata.h1Digest = eff.sum;
    if (m.replace && !local) metadata.replaces = `${m.path}@${m.version}`;
    if (m.replace && local) metadata.replacedByLocalPath = m.replace.path;
    if (isMain) {
      metadata.mainModule = true;
      if (info.path) metadata.mainPackage = info.path;
      if (Object.keys(settings).length > 0) metadata.buildSettings = settings;
    }
    return langPackage({
      name: eff.path,
      version: eff.version,
      type: 'go-module',
      purl: golangPurl(eff.path, eff.version === '(devel)' ? '' : eff.version),
      location: file.location,
      foundBy: CATALOGER,
      metadata,
    });
  };
  let main: Package | undefined;
  if (info.main) {
    const ldflags = settings['-ldflags'];
    const fromLdflags = info.main.version === '(devel)' && !info.main.replace && ldflags !== undefined ? versionFromLdflags(info.main.path, ldflags) : undefined;
    main = modulePackage(fromLdflags ? { ...info.main, version: fromLdflags } : info.main, true);
    if (fromLdflags) main.metadata = { ...main.metadata, versionSource: '-ldflags' };
    packages.push(main);
  }
  for (const d of info.deps) {
    const p = modulePackage(d, false);
    packages.push(p);
    if (main) relationships.push({ from: main.id, to: p.id, type: 'depends-on' });
  }
  const gv = /^go(\d+(?:\.\d+)*)/.exec(info.goVersion);
  if (gv) {
    const std = langPackage({
      name: 'stdlib',
      version: info.goVersion.split(/\s/)[0]!,
      type: 'go-module',
      purl: golangPurl('stdlib', gv[1]!),
      location: file.location,
      foundBy: CATALOGER,
      metadata: { goVersion: info.goVersion, ...(info.path ? { mainPackage: info.path } : {}), ...(info.main ? {} : { buildMode: 'gopath' }) },
    });
    packages.push(std);
    if (main) relationships.push({ from: main.id, to: std.id, type: 'depends-on' });
  }
  return { packages, relationships };
}
