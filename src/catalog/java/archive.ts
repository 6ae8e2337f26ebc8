/**
 * Java archives (.jar .war .ear .jpi .hpi) and the archives nested inside them, read from memory with
 * yauzl. Identity, per archive:
 *  1. every META-INF/maven/<g>/<a>/pom.properties gives one package (a shaded "fat" jar yields one per
 *     embedded artifact). The one that describes the archive itself — its artifactId is the file
 *     name's stem (`log4j-core-2.19.0.jar`, `log4j-core.jar`, `log4j-core-debian.jar`) or the
 *     manifest's title / symbolic name, or it is the only pom.properties — is the archive's own
 *     package and gets the archive's SHA-1; the others are marked `metadata.embedded: true` and are
 *     `contains` children of it.
 *  2. with no pom.properties describing the archive: MANIFEST.MF (Implementation-*, Bundle-*, continuation
 *     lines joined), then the file name (`name-1.2.3.jar`).
 * Bounds (ctx.limits): nesting depth, per-entry size, total bytes inflated per top-level archive and
 * the compression ratio of every entry we inflate; each hit is a warning naming the archive entry.
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { buildPurl } from '../../core/ecosystem.js';
import type { Location, Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, CatalogLimits, ParseResult } from '../cataloger.js';
import { baseOf, langPackage } from '../lang-common.js';
import { parseManifestSections } from './manifest.js';
import { parsePomProperties, POM_PROPERTIES, type PomProperties } from './pom-properties.js';

export const JAVA_ARCHIVE_EXTENSIONS = ['.jar', '.war', '.ear', '.jpi', '.hpi'] as const;
export const JAVA_ARCHIVE_GLOBS = JAVA_ARCHIVE_EXTENSIONS.flatMap((e) => [`**/*${e}`, `**/*${e.toUpperCase()}`]);
const CATALOGER = 'java-archive-cataloger';

/** Entries whose ratio is checked only above this size: small, highly compressible text is not a bomb. */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;
/** Metadata files (manifest, pom.properties) larger than this are not read. */
const MAX_METADATA_BYTES = 1024 * 1024;
/** Central directories with more entries than this are not walked further. */
const MAX_ENTRIES = 500_000;

interface Budget {
  inflated: number;
  totalExceededWarned: boolean;
}

function isJavaArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return JAVA_ARCHIVE_EXTENSIONS.some((e) => lower.endsWith(e));
}

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('no zip'));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<{ entries: yauzl.Entry[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      if (entries.length >= MAX_ENTRIES) {
        resolve({ entries, truncated: true });
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve({ entries, truncated: false }));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * An entry's bytes, at most `cap` once inflated. yauzl locates the entry and hands over its raw bytes;
 * deflate is undone here in one synchronous call (these are small metadata files and nested jars held
 * in memory: a thread-pool round trip per entry cost more than the inflating), capped by
 * `maxOutputLength`, and the result must have the size the central directory gives (as yauzl's
 * validateEntrySizes).
 */
function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number): Promise<Buffer> {
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) return Promise.reject(new Error(`unsupported compression method ${method}`));
  if (entry.isEncrypted()) return Promise.reject(new Error('entry is encrypted'));
  if (entry.uncompressedSize > cap) return Promise.reject(new Error(`entry inflates past ${cap} bytes`));
  return new Promise<Buffer>((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (err, stream) => {
      if (err || !stream) {
        reject(err ?? new Error('no stream'));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  }).then((raw) => {
    let data: Buffer;
    if (method === 0) data = raw;
    else {
      try {
        // One byte more than the directory promises is enough to catch a lie without inflating a bomb.
        data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new Error(`entry inflates past the ${entry.uncompressedSize} bytes its directory says`);
        throw e;
      }
    }
    if (data.length !== entry.uncompressedSize) throw new Error(`entry holds ${data.length} bytes, its directory says ${entry.uncompressedSize}`);
    return data;
  });
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

/** Identity from the manifest, then the file name (no pom.properties describes the archive). */
function manifestIdentity(m: Map<string, string>, fileName: string): { name: string; version: string; group: string; source: string } {
  const fromFile = parseArchiveFileName(fileName);
  const title = m.get('Implementation-Title')?.trim();
  const sym = m.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const name = title && !/\s/.test(title) ? title : fromFile.name;
  const mver = m.get('Implementation-Version') || m.get('Bundle-Version') || m.get('Specification-Version') || '';
  const version = mver || fromFile.version;
  let group = m.get('Implementation-Vendor-Id')?.trim() ?? '';
  if (group === '' && SELF_GROUPED.has(name)) group = name;
  if (group === '' && sym && sym.toLowerCase().endsWith(`.${name.toLowerCase()}`)) group = sym.slice(0, sym.length - name.length - 1);
  if (group === '') {
    const mod = m.get('Automatic-Module-Name')?.trim();
    if (mod && mod.toLowerCase().endsWith(`.${name.toLowerCase()}`)) group = mod.slice(0, mod.length - name.length - 1);
  }
  // Old artifacts (log4j:log4j, commons-logging:commons-logging) use the artifact name as groupId.
  if (group === '') group = name;
  const source = mver !== '' || (title && !/\s/.test(title)) ? 'manifest' : 'filename';
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
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buf);
  } catch (err) {
    w.ctx.warn(`not a readable zip archive (${(err as Error).message}); skipped`, loc(w, display));
    return undefined;
  }
  try {
    let listed: { entries: yauzl.Entry[]; truncated: boolean };
    try {
      listed = await listEntries(zip);
    } catch (err) {
      w.ctx.warn(`corrupt zip archive (${(err as Error).message}); skipped`, loc(w, display));
      return undefined;
    }
    if (listed.truncated) w.ctx.warn(`more than ${MAX_ENTRIES} entries; the rest not read`, loc(w, display));
    const poms: PomProperties[] = [];
    let manifest = new Map<string, string>();
    const nested: yauzl.Entry[] = [];
    for (const e of listed.entries) {
      const name = e.fileName;
      if (name.endsWith('/')) continue;
      const isPom = POM_PROPERTIES.test(name);
      const isManifest = name.toUpperCase() === 'META-INF/MANIFEST.MF';
      if (isPom || isManifest) {
        if (e.uncompressedSize > MAX_METADATA_BYTES) {
          w.ctx.warn(`${name} is ${e.uncompressedSize} bytes, over ${MAX_METADATA_BYTES}; not read`, loc(w, display));
          continue;
        }
        let data: Buffer;
        try {
          data = await readEntry(zip, e, MAX_METADATA_BYTES);
        } catch (err) {
          w.ctx.warn(`cannot read ${name} (${(err as Error).message})`, loc(w, display));
          continue;
        }
        const text = data.toString('utf8');
        if (isManifest) manifest = effectiveManifest(text);
        else {
          const p = parsePomProperties(text, name);
          if (p) poms.push(p);
          else w.ctx.warn(`${name} has no groupId/artifactId/version; ignored`, loc(w, display));
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
    } else {
      const id = manifestIdentity(manifest, fileName);
      // A fat jar whose pom.properties all describe embedded artifacts and that says nothing about
      // itself yields only the embedded packages.
      if (poms.length === 0 || id.version !== '') {
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
        w.ctx.warn(`nested archive ${e.fileName} is deeper than the nesting limit of ${w.limits.maxNestingDepth}; not opened`, loc(w, display));
        continue;
      }
      if (e.uncompressedSize > w.limits.maxFileBytes) {
        w.ctx.warn(`nested archive ${e.fileName} is ${e.uncompressedSize} bytes, over the ${w.limits.maxFileBytes}-byte file limit; not opened`, loc(w, display));
        continue;
      }
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (e.uncompressedSize > RATIO_CHECK_MIN_BYTES && ratio > w.limits.maxCompressionRatio) {
        w.ctx.warn(
          `nested archive ${e.fileName} has compression ratio ${Math.round(ratio)}:1, over the limit of ${w.limits.maxCompressionRatio}:1 (zip bomb?); not opened`,
          loc(w, display),
        );
        continue;
      }
      if (w.budget.inflated + e.uncompressedSize > w.limits.maxTotalBytes) {
        if (!w.budget.totalExceededWarned) {
          w.ctx.warn(`inflating ${e.fileName} would pass the ${w.limits.maxTotalBytes}-byte total limit for nested archives; it and the rest are not opened`, loc(w, display));
          w.budget.totalExceededWarned = true;
        }
        continue;
      }
      w.budget.inflated += e.uncompressedSize;
      let data: Buffer;
      try {
        data = await readEntry(zip, e, Math.min(w.limits.maxFileBytes, e.uncompressedSize));
      } catch (err) {
        w.ctx.warn(`cannot inflate nested archive ${e.fileName} (${(err as Error).message}); skipped`, loc(w, display));
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
