/**
 * Java archives and the archives nested inside them, read from memory with yauzl. The extensions are
 * syft's (https://github.com/anchore/syft, java `archiveFormatGlobs`), trivy's `.jar .war .ear .par`
 * among them: Java, web, enterprise and Spring/JBoss (`.par`, `.sar`) archives, NiFi (`.nar`), Karaf
 * (`.kar`), Liferay (`.lpkg`), Jenkins plugins (`.jpi`, `.hpi`), resource adapters (`.rar`) and ZAP
 * add-ons (`.zap`). The ambiguous ones (`.rar`, `.nar`, `.kar`, `.far`, `.zap` also name non-Java
 * formats) are read only when they start with a zip signature; anything else is a warning, not a loss.
 * Identity, per archive:
 *  1. every META-INF/maven/<g>/<a>/pom.properties gives one package (a shaded "fat" jar yields one per
 *     embedded artifact). The one that describes the archive itself — its artifactId is the file
 *     name's stem (`log4j-core-2.19.0.jar`, `log4j-core.jar`, `log4j-core-debian.jar`) or the
 *     manifest's title / symbolic name, or it is the only pom.properties — is the archive's own
 *     package and gets the archive's SHA-1; the others are marked `metadata.embedded: true` and are
 *     `contains` children of it.
 *  2. with no pom.properties describing the archive: MANIFEST.MF (Implementation-*, Bundle-*, continuation
 *     lines joined), then the file name (`name-1.2.3.jar`); the group from Implementation-Vendor-Id, else
 *     GraalVM's `META-INF/native-image/<group>/<artifact>/` when one group holds that artifact, else the
 *     symbolic or module name.
 * Bounds (ctx.limits): nesting depth, per-entry size, total bytes inflated per top-level archive and
 * the compression ratio of every entry we inflate; each hit is a warning naming the archive entry.
 */
import { createHash } from 'node:crypto';
import { buildPurl } from '../../core/ecosystem.js';
import type { Location, Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, CatalogLimits, ParseResult } from '../cataloger.js';
import { baseOf, langPackage } from '../lang-common.js';
import { listEntries, MAX_ZIP_ENTRIES as MAX_ENTRIES, openZip, readEntry, type ZipEntry, type ZipFile } from '../zip.js';
import { parseManifestSections } from './manifest.js';
import { parsePomProperties, type PomProperties } from './pom-properties.js';
import { readPom } from './pom-xml.js';

export const JAVA_ARCHIVE_EXTENSIONS = ['.jar', '.war', '.ear', '.par', '.sar', '.nar', '.jpi', '.hpi', '.kar', '.far', '.lpkg', '.rar', '.zap'] as const;
/** Extensions other formats use as well: without a zip signature such a file is not a Java archive. */
const AMBIGUOUS_EXTENSIONS = ['.rar', '.nar', '.kar', '.far', '.zap'];
export const JAVA_ARCHIVE_GLOBS = JAVA_ARCHIVE_EXTENSIONS.flatMap((e) => [`**/*${e}`, `**/*${e.toUpperCase()}`]);
const CATALOGER = 'java-archive-cataloger';

/** Entries whose ratio is checked only above this size: small, highly compressible text is not a bomb. */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;
/** Metadata files (manifest, pom.properties) larger than this are not read. */
const MAX_METADATA_BYTES = 1024 * 1024;

interface Budget {
  inflated: number;
  totalExceededWarned: boolean;
}

function isJavaArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return JAVA_ARCHIVE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** A local file header (`PK\x03\x04`) or an empty archive's end record (`PK\x05\x06`) at the start. */
function hasZipSignature(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && ((buf[2] === 3 && buf[3] === 4) || (buf[2] === 5 && buf[3] === 6));
}

/** File name → artifact name and version: the version starts at the last '-' followed by a digit. */
export function parseArchiveFileName(fileName: string): { name: string; version: string } {
  const stem = fileName.replace(/\.[A-Za-z]+$/, '');
  // the last '-digit' ('log4j-1.2-1.2.17' → log4j-1.2 + 1.2.17; 'guava-31.1-jre' → guava + 31.1-jre)
  const idx = stem.search(/-\d(?!.*-\d)/);
  if (idx > 0) return { name: stem.slice(0, idx), version: stem.slice(idx + 1) };
  return { name: stem, version: '' };
}

/** True when this pom.properties describes the archive itself rather than something shaded into it. */
function describesArchive(p: PomProperties, stem: string, manifest: Map<string, string>): boolean {
  const a = p.artifactId.toLowerCase();
  const s = stem.toLowerCase();
  if (s === a || (s.startsWith(`${a}-`) && !s.slice(a.length + 1).match(/^[a-z]/))) return true;
  if (s.startsWith(`${a}-`) && s.endsWith('-debian')) return true;
  const title = manifest.get('Implementation-Title')?.toLowerCase();
  const sym = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim().toLowerCase();
  return title === a || sym === a || sym === `${p.groupId.toLowerCase()}.${a}`;
}

function mavenPurl(group: string, name: string, version: string): string | undefined {
  if (group === '' || name === '') return undefined;
  try {
    return buildPurl({ type: 'maven', namespace: group, name, version });
  } catch {
    return undefined;
  }
}

const MANIFEST_FIELDS = [
  'Implementation-Title',
  'Implementation-Version',
  'Implementation-Vendor',
  'Implementation-Vendor-Id',
  'Specification-Title',
  'Specification-Version',
  'Bundle-Name',
  'Bundle-SymbolicName',
  'Bundle-Version',
  'Bundle-Vendor',
  'Bundle-License',
  'Automatic-Module-Name',
  'Main-Class',
] as const;

function manifestMetadata(m: Map<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const k of MANIFEST_FIELDS) {
    const v = m.get(k);
    if (v !== undefined && v !== '') out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One artifact-like word: no whitespace (multi-word titles are display names, not artifact ids). */
const isWord = (s: string | undefined): s is string => s !== undefined && s !== '' && !/\s/.test(s);

/** A dotted OSGi symbolic name or JPMS module name ('org.apache.commons.lang3'). */
const DOTTED = /^[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*)+$/;

/**
 * The artifact a dotted name denotes: what follows the group when the manifest names the group
 * (`com.fasterxml.jackson.core.jackson-databind` with vendor id `com.fasterxml.jackson.core` →
 * `jackson-databind`), else its last segment (the felix bundle plugin builds `${groupId}.${artifactId}`,
 * https://felix.apache.org/documentation/subprojects/apache-felix-maven-bundle-plugin-bnd.html).
 */
function artifactOfDotted(dotted: string, vendorId: string): { name: string; group: string } {
  if (vendorId !== '' && dotted.startsWith(`${vendorId}.`) && dotted.length > vendorId.length + 1) return { name: dotted.slice(vendorId.length + 1), group: vendorId };
  const i = dotted.lastIndexOf('.');
  return { name: dotted.slice(i + 1), group: dotted.slice(0, i) };
}

/**
 * True when the file name's artifact agrees with what the manifest names and only says it more
 * fully: `commons-lang3` for `…commons.lang3`'s `lang3`, `bcprov-jdk18on` for `bcprov`, `slf4j-api`
 * for `slf4j.api`, `org.eclipse.osgi` for the symbolic name `org.eclipse.osgi`.
 */
function fileNameRefines(stem: string, name: string, dotted: string | undefined): boolean {
  const s = stem.toLowerCase();
  const n = name.toLowerCase();
  if (s === '' || n === '') return false;
  if (s === n || s.endsWith(`-${n}`) || s.endsWith(`.${n}`) || s.endsWith(`_${n}`)) return true;
  // a qualifier after the name ('bcprov-jdk18on'), not a version ('log4j-1.2' is Debian's file for log4j)
  if (s.startsWith(`${n}-`) && /^[a-z]/.test(s.slice(n.length + 1))) return true;
  const flat = (x: string): string => x.toLowerCase().replace(/[._]/g, '-');
  return dotted !== undefined && flat(dotted) === flat(stem);
}

/**
 * The version: the manifest's (`Implementation-Version`, `Bundle-Version`, `Specification-Version`),
 * unless the file name gives the same release in Maven's spelling (`1.77` for `1.77.00.0`, `3.18.0`
 * for the OSGi `3.18.0.v20220516-2155`, `1.9.22` for `1.9.22-release-704`); else the file name's.
 */
function archiveVersion(manifestVersion: string, fileVersion: string): string {
  if (manifestVersion === '') return fileVersion;
  if (fileVersion === '') return manifestVersion;
  const trim = (v: string): string => v.replace(/(\.0+)+$/, '');
  if (trim(manifestVersion) === trim(fileVersion)) return fileVersion;
  if (manifestVersion.startsWith(`${fileVersion}.`) || manifestVersion.startsWith(`${fileVersion}-`)) return fileVersion;
  return manifestVersion;
}

/**
 * Identity from the manifest, then the file name (no pom.properties describes the archive). The
 * manifest names the artifact, in this order (syft's sources of names, `parse_java_manifest.go`):
 * the felix bundle plugin's `Bundle-SymbolicName` (`Created-By: Apache Maven Bundle Plugin`, unless
 * it is just the vendor id); an Ivy module id as `Implementation-Title` (`group#artifact;version`, Gradle's
 * nebula plugins) as group and artifact; `Implementation-Title` when it is one word; `Bundle-SymbolicName`; a
 * dotted `Automatic-Module-Name` (`group.artifact`; a one-word module name such as `okhttp3` is not
 * an artifact id); a one-word `Bundle-Name`. Multi-word titles and names (`Apache Commons Lang`) are
 * display names, not artifact ids. The file name is used only when the manifest names nothing, or to
 * say the same name more fully (`commons-lang3-3.12.0.jar` for `org.apache.commons.lang3`), never
 * instead of a name the manifest gives.
 */
function manifestIdentity(m: Map<string, string>, fileName: string, nativeImage: ReadonlyMap<string, ReadonlySet<string>> = new Map()): { name: string; version: string; group: string; source: string } {
  const fromFile = parseArchiveFileName(fileName);
  // a Jenkins plugin's manifest (hpi/jpi): Short-Name, Plugin-Version, Group-Id (jenkins' maven-hpi-plugin)
  const shortName = m.get('Short-Name')?.trim();
  const pluginVersion = m.get('Plugin-Version')?.trim();
  if (shortName && pluginVersion && /^[\w.-]+$/.test(shortName) && !/\s/.test(pluginVersion)) {
    const g = m.get('Group-Id')?.trim();
    return { name: shortName, version: pluginVersion, group: g && /^[\w.-]+$/.test(g) ? g : shortName, source: 'manifest' };
  }
  const title = m.get('Implementation-Title')?.trim();
  // Gradle's nebula plugins write Ivy's module revision id as the title: `io.micrometer#micrometer-commons;1.15.5`
  const ivy = title === undefined ? null : /^([A-Za-z0-9_][\w.-]*)#([A-Za-z0-9_][\w.-]*);([^\s;#]+)$/.exec(title);
  const vendorId = m.get('Implementation-Vendor-Id')?.trim() ?? '';
  const sym = m.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const module = m.get('Automatic-Module-Name')?.trim();
  const bundleName = m.get('Bundle-Name')?.trim();
  const createdBy = `${m.get('Created-By') ?? ''} ${m.get('Tool') ?? ''}`;
  // OSGi localisation keys (`%systemBundle`) and placeholders are not names
  const usable = (v: string | undefined): v is string => isWord(v) && /^[A-Za-z_$][\w$.-]*$/.test(v);
  let named: { name: string; group: string } | undefined;
  let dotted: string | undefined;
  // a name taken from a symbolic/module name may be a shortened artifact id ('lang3', 'core', 'bcprov')
  let shortened = false;
  if (usable(sym) && DOTTED.test(sym) && createdBy.includes('Apache Maven Bundle Plugin') && sym !== vendorId) {
    dotted = sym;
    const i = sym.lastIndexOf('.');
    named = { name: sym.slice(i + 1), group: sym.slice(0, i) };
    shortened = true;
  } else if (ivy !== null) named = { name: ivy[2]!, group: ivy[1]! };
  else if (usable(title)) named = { name: title, group: '' };
  else if (usable(sym)) {
    if (DOTTED.test(sym)) {
      dotted = sym;
      named = artifactOfDotted(sym, vendorId);
    } else named = { name: sym, group: '' };
    shortened = true;
  } else if (usable(module) && DOTTED.test(module)) {
    dotted = module;
    named = artifactOfDotted(module, vendorId);
    shortened = true;
  } else if (usable(bundleName)) named = { name: bundleName, group: '' };
  let name = named?.name ?? fromFile.name;
  if (named && shortened) {
    // the same name spelled more fully: by the file name, else by the display name
    // ('Spring Core' for org.springframework.core: spring-core)
    const display = (bundleName ?? '').trim().toLowerCase().replace(/\s+/g, '-');
    if (fromFile.name.toLowerCase() !== named.name.toLowerCase() && fileNameRefines(fromFile.name, named.name, dotted)) name = fromFile.name;
    else if (/^[a-z0-9][a-z0-9-]*$/.test(display) && display.endsWith(`-${named.name.toLowerCase()}`)) name = display;
  }
  const mver = m.get('Implementation-Version') || m.get('Bundle-Version') || m.get('Specification-Version') || ivy?.[3] || '';
  const version = archiveVersion(mver.trim(), fromFile.version);
  let group = vendorId;
  // GraalVM's per-artifact configuration directory, META-INF/native-image/<groupId>/<artifactId>/, names
  // the group outright (tomcat-embed-websocket's symbolic name `org.apache.tomcat-embed-websocket` does not)
  const nativeGroups = nativeImage.get(name.toLowerCase());
  if (group === '' && nativeGroups?.size === 1) group = [...nativeGroups][0]!;
  if (group === '' && named?.group) group = named.group;
  if (group === '' && SELF_GROUPED.has(name)) group = name;
  if (group === '' && sym && sym.toLowerCase().endsWith(`.${name.toLowerCase()}`)) group = sym.slice(0, sym.length - name.length - 1);
  if (group === '' && module && module.toLowerCase().endsWith(`.${name.toLowerCase()}`)) group = module.slice(0, module.length - name.length - 1);
  // Old artifacts (log4j:log4j, commons-logging:commons-logging) use the artifact name as groupId.
  if (group === '') group = name;
  const source = mver !== '' || named !== undefined ? 'manifest' : 'filename';
  return { name, version, group, source };
}

/**
 * The main section, with Implementation-Title/-Version/-Vendor(-Id) taken from the first per-entry
 * section that has them when the main section does not (Debian's log4j 1.2 jar keeps them under
 * `Name: org/apache/log4j/`).
 */
function effectiveManifest(text: string): Map<string, string> {
  const [main = new Map<string, string>(), ...rest] = parseManifestSections(text);
  const out = new Map(main);
  for (const key of ['Implementation-Title', 'Implementation-Version', 'Implementation-Vendor', 'Implementation-Vendor-Id']) {
    if (out.has(key)) continue;
    const v = rest.find((s) => s.has(key))?.get(key);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

/**
 * Artifacts whose Maven groupId is their own name (old Apache/JUnit coordinates), for archives that
 * identify themselves only through the manifest.
 */
const SELF_GROUPED = new Set(['log4j', 'commons-logging', 'commons-io', 'commons-lang', 'commons-collections', 'commons-codec', 'commons-beanutils', 'commons-fileupload', 'commons-httpclient', 'commons-cli', 'commons-net', 'commons-pool', 'commons-dbcp', 'junit']);

/** Licence URLs whose SPDX id is certain (Bundle-License is often a URL). */
const LICENSE_URLS: ReadonlyArray<[RegExp, string]> = [
  [/^https?:\/\/(www\.)?apache\.org\/licenses\/LICENSE-2\.0(\.txt|\.html)?$/i, 'Apache-2.0'],
  [/^https?:\/\/(www\.)?opensource\.org\/licenses\/mit(-license)?(\.php)?$/i, 'MIT'],
  [/^https?:\/\/(www\.)?eclipse\.org\/legal\/epl-v10\.html$/i, 'EPL-1.0'],
  [/^https?:\/\/(www\.)?eclipse\.org\/legal\/epl-2\.0\/?$/i, 'EPL-2.0'],
];

/** Bundle-License: comma-separated licences, each `name-or-url[;attrs]`; URLs mapped only when certain. */
function bundleLicenses(value: string): string[] {
  return value
    .split(/,(?![^"]*"[^"]*(?:"[^"]*"[^"]*)*$)/)
    .map((part) => part.split(';')[0]!.trim().replace(/^"|"$/g, ''))
    .filter((t) => t !== '')
    .map((t) => LICENSE_URLS.find(([re]) => re.test(t))?.[1] ?? t);
}

interface Walk {
  ctx: CatalogContext;
  limits: CatalogLimits;
  budget: Budget;
  layer: string | undefined;
  packages: Package[];
  relationships: Relationship[];
}

function loc(w: Walk, path: string): Location {
  return w.layer === undefined ? { path } : { path, layer: w.layer };
}

/** Catalog one archive (bytes) shown as `display`; returns the archive's own package, if any. */
async function walkArchive(w: Walk, buf: Buffer, display: string, depth: number): Promise<Package | undefined> {
  const lower = display.toLowerCase();
  if (AMBIGUOUS_EXTENSIONS.some((e) => lower.endsWith(e)) && !hasZipSignature(buf)) {
    w.ctx.warn('no zip signature: not a Java archive; skipped', loc(w, display));
    return undefined;
  }
  let zip: ZipFile;
  try {
    zip = await openZip(buf);
  } catch (err) {
    w.ctx.incomplete(`not a readable zip archive (${(err as Error).message}); skipped`, loc(w, display));
    return undefined;
  }
  try {
    let listed: { entries: ZipEntry[]; truncated: boolean };
    try {
      listed = await listEntries(zip);
    } catch (err) {
      w.ctx.incomplete(`corrupt zip archive (${(err as Error).message}); skipped`, loc(w, display));
      return undefined;
    }
    if (listed.truncated) w.ctx.incomplete(`more than ${MAX_ENTRIES} entries; the rest not read`, loc(w, display));
    const poms: PomProperties[] = [];
    let manifest = new Map<string, string>();
    const nested: ZipEntry[] = [];
    // META-INF/native-image/<group>/<artifact>/…: artifact (lower case) → groups
    const nativeImage = new Map<string, Set<string>>();
    const pomXmls: ZipEntry[] = [];
    for (const e of listed.entries) {
      const name = e.fileName;
      const ni = /^META-INF\/native-image\/([A-Za-z0-9_][\w.-]*)\/([A-Za-z0-9_][\w.-]*)\//.exec(name);
      if (ni && ni[1]!.includes('.')) {
        const groups = nativeImage.get(ni[2]!.toLowerCase()) ?? new Set<string>();
        groups.add(ni[1]!);
        nativeImage.set(ni[2]!.toLowerCase(), groups);
      }
      if (name.endsWith('/')) continue;
      // any pom.properties, as syft and trivy read them (shaded jars do not always keep META-INF/maven/<g>/<a>/)
      const isPom = name === 'pom.properties' || name.endsWith('/pom.properties');
      const isManifest = name.toUpperCase() === 'META-INF/MANIFEST.MF';
      if (POM_XML.test(name)) pomXmls.push(e);
      if (isPom || isManifest) {
        if (e.uncompressedSize > MAX_METADATA_BYTES) {
          w.ctx.incomplete(`${name} is ${e.uncompressedSize} bytes, over ${MAX_METADATA_BYTES}; not read`, loc(w, display));
          continue;
        }
        let data: Buffer;
        try {
          data = await readEntry(zip, e, MAX_METADATA_BYTES);
        } catch (err) {
          w.ctx.incomplete(`cannot read ${name} (${(err as Error).message})`, loc(w, display));
          continue;
        }
        const text = data.toString('utf8');
        if (isManifest) manifest = effectiveManifest(text);
        else {
          const p = parsePomProperties(text, name);
          if (p) poms.push(p);
          else w.ctx.incomplete(`${name} has no groupId/artifactId/version; ignored`, loc(w, display));
        }
      } else if (isJavaArchiveName(name)) nested.push(e);
    }

    const fileName = baseOf(display);
    const stem = fileName.replace(/\.[A-Za-z]+$/, '');
    const sha1 = createHash('sha1').update(buf).digest('hex');
    const manifestMeta = manifestMetadata(manifest);
    const bundleLicense = manifest.get('Bundle-License');
    const licenses = bundleLicense ? bundleLicenses(bundleLicense) : [];

    poms.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    let self: PomProperties | undefined;
    const candidates = poms.filter((p) => describesArchive(p, stem, manifest));
    if (candidates.length > 0) self = candidates.reduce((a, b) => (b.artifactId.length > a.artifactId.length ? b : a));
    else if (poms.length === 1) self = poms[0];
    else {
      // `multiple-matching-2.11.5.jar` holding multiple-matching-1, -2 and -3 at 2.11.5: the first (by path) whose
      // artifactId extends the file name's and whose version is the file name's (as syft picks its main package)
      const fromFile = parseArchiveFileName(fileName);
      const prefixed = fromFile.version === '' ? [] : poms.filter((p) => p.version === fromFile.version && p.artifactId.toLowerCase().startsWith(`${fromFile.name.toLowerCase()}-`));
      if (prefixed.length > 0) self = prefixed[0];
    }
    // no pom.properties at all: the one pom.xml under META-INF/maven/ (Gradle-published jars keep only that)
    let fromPomXml: { groupId: string; artifactId: string; version: string; path: string } | undefined;
    if (!self && poms.length === 0 && pomXmls.length === 1) {
      const id = await readPomXmlIdentity(w, zip, pomXmls[0]!, display);
      if (id?.version !== undefined) fromPomXml = { ...id, version: id.version };
      else if (id) {
        // a version only a parent or a property defined elsewhere gives (`${commons.release.version}`): the
        // manifest's, else the file name's, when the file name names this artifact (commons-lang3-3.12.0.jar),
        // as syft falls back to them
        const version = manifestIdentity(manifest, fileName, nativeImage).version;
        if (version !== '' && parseArchiveFileName(fileName).name === id.artifactId) fromPomXml = { ...id, version };
      }
    }

    let main: Package | undefined;
    if (self) {
      main = langPackage({
        name: self.artifactId,
        version: self.version,
        type: 'java-archive',
        purl: mavenPurl(self.groupId, self.artifactId, self.version),
        group: self.groupId,
        location: loc(w, display),
        foundBy: CATALOGER,
        licenses,
        hashes: { 'SHA-1': sha1 },
        metadata: { identitySource: 'pom.properties', pomProperties: self.path, ...(manifestMeta ? { manifest: manifestMeta } : {}) },
      });
    } else if (fromPomXml) {
      main = langPackage({
        name: fromPomXml.artifactId,
        version: fromPomXml.version,
        type: 'java-archive',
        purl: mavenPurl(fromPomXml.groupId, fromPomXml.artifactId, fromPomXml.version),
        group: fromPomXml.groupId,
        location: loc(w, display),
        foundBy: CATALOGER,
        licenses,
        hashes: { 'SHA-1': sha1 },
        metadata: { identitySource: 'pom.xml', pomXml: fromPomXml.path, ...(manifestMeta ? { manifest: manifestMeta } : {}) },
      });
    } else if (manifest.has('Weave-Classes')) {
      // a New Relic agent instrumentation module (it weaves into the classes it names): no Maven artifact of its
      // own, and its title names the library it instruments (spring-4.3.0), so syft reports none either
    } else {
      const id = manifestIdentity(manifest, fileName, nativeImage);
      // A container that says nothing about its own version yields only what it holds: a fat jar whose
      // pom.properties all describe embedded artifacts, a war/ear of jars (`app.war` with a bare manifest).
      if (id.version !== '' || (poms.length === 0 && nested.length === 0)) {
        main = langPackage({
          name: id.name,
          version: id.version,
          type: 'java-archive',
          purl: mavenPurl(id.group, id.name, id.version),
          group: id.group,
          location: loc(w, display),
          foundBy: CATALOGER,
          licenses,
          hashes: { 'SHA-1': sha1 },
          metadata: { identitySource: id.source, ...(manifestMeta ? { manifest: manifestMeta } : {}) },
        });
      }
    }
    if (main) w.packages.push(main);
    for (const p of poms) {
      if (p === self) continue;
      const emb = langPackage({
        name: p.artifactId,
        version: p.version,
        type: 'java-archive',
        purl: mavenPurl(p.groupId, p.artifactId, p.version),
        group: p.groupId,
        location: loc(w, display),
        foundBy: CATALOGER,
        metadata: { identitySource: 'pom.properties', pomProperties: p.path, embedded: true },
      });
      w.packages.push(emb);
      if (main) w.relationships.push({ from: main.id, to: emb.id, type: 'contains' });
    }

    for (const e of nested) {
      const inner = `${display}!/${e.fileName}`;
      if (depth + 1 > w.limits.maxNestingDepth) {
        w.ctx.incomplete(`nested archive ${e.fileName} is deeper than the nesting limit of ${w.limits.maxNestingDepth}; not opened`, loc(w, display));
        continue;
      }
      if (e.uncompressedSize > w.limits.maxFileBytes) {
        w.ctx.incomplete(`nested archive ${e.fileName} is ${e.uncompressedSize} bytes, over the ${w.limits.maxFileBytes}-byte file limit; not opened`, loc(w, display));
        continue;
      }
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (e.uncompressedSize > RATIO_CHECK_MIN_BYTES && ratio > w.limits.maxCompressionRatio) {
        w.ctx.incomplete(
          `nested archive ${e.fileName} has compression ratio ${Math.round(ratio)}:1, over the limit of ${w.limits.maxCompressionRatio}:1 (zip bomb?); not opened`,
          loc(w, display),
        );
        continue;
      }
      if (w.budget.inflated + e.uncompressedSize > w.limits.maxTotalBytes) {
        if (!w.budget.totalExceededWarned) {
          w.ctx.incomplete(`inflating ${e.fileName} would pass the ${w.limits.maxTotalBytes}-byte total limit for nested archives; it and the rest are not opened`, loc(w, display));
          w.budget.totalExceededWarned = true;
        }
        continue;
      }
      w.budget.inflated += e.uncompressedSize;
      let data: Buffer;
      try {
        data = await readEntry(zip, e, Math.min(w.limits.maxFileBytes, e.uncompressedSize));
      } catch (err) {
        w.ctx.incomplete(`cannot inflate nested archive ${e.fileName} (${(err as Error).message}); skipped`, loc(w, display));
        continue;
      }
      const child = await walkArchive(w, data, inner, depth + 1);
      if (main && child) w.relationships.push({ from: main.id, to: child.id, type: 'contains' });
    }
    return main;
  } finally {
    zip.close();
  }
}

/** A pom.xml under META-INF/maven/: normally `<g>/<a>/pom.xml`, sometimes one level only (`org.apache.commons-lang3/pom.xml`). */
const POM_XML = /^META-INF\/maven\/(?:[^/]+\/){1,2}pom\.xml$/;

/**
 * groupId, artifactId and version a jar's own pom.xml gives (parent's group/version when it names none); undefined
 * when it names no plain groupId and artifactId, the version undefined when it names no plain version.
 */
async function readPomXmlIdentity(w: Walk, zip: ZipFile, e: ZipEntry, display: string): Promise<{ groupId: string; artifactId: string; version?: string; path: string } | undefined> {
  if (e.uncompressedSize > MAX_METADATA_BYTES) {
    w.ctx.incomplete(`${e.fileName} is ${e.uncompressedSize} bytes, over ${MAX_METADATA_BYTES}; not read`, loc(w, display));
    return undefined;
  }
  try {
    const pom = readPom(await readEntry(zip, e, MAX_METADATA_BYTES), e.fileName);
    const groupId = pom.groupId ?? pom.parent?.groupId;
    const version = pom.version ?? pom.parent?.version;
    const plain = (v: string | undefined): v is string => v !== undefined && v !== '' && !/[$@\s[\](),]/.test(v);
    if (!plain(groupId) || !plain(pom.artifactId)) return undefined;
    return { groupId, artifactId: pom.artifactId, version: plain(version) ? version : undefined, path: e.fileName };
  } catch (err) {
    w.ctx.incomplete(`cannot read ${e.fileName} (${(err as Error).message})`, loc(w, display));
    return undefined;
  }
}

/** Parse one Java archive file (and everything nested in it). Never throws for bad bytes: warnings instead. */
export async function parseJavaArchive(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const w: Walk = {
    ctx,
    limits: ctx.limits,
    budget: { inflated: 0, totalExceededWarned: false },
    layer: file.location.layer,
    packages: [],
    relationships: [],
  };
  await walkArchive(w, file.contents, file.location.path, 0);
  return { packages: w.packages, relationships: w.relationships };
}
