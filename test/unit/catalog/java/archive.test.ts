import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { javaArchiveCataloger } from '../../../../src/catalog/java/index.js';
import { parseArchiveFileName, parseJavaArchive } from '../../../../src/catalog/java/archive.js';
import { parseManifest } from '../../../../src/catalog/java/manifest.js';
import { parsePomProperties } from '../../../../src/catalog/java/pom-properties.js';
import { makeZip } from '../../../../scripts/fixtures/catalog-lang.mjs';
import { catalogFiles, find, generated, summarize } from '../lang-support.js';

const java = (name: string, at = `/opt/app/${name}`) => ({ path: at, content: generated(`java/${name}`) });

describe('java-archive-cataloger', () => {
  it('reads a jar: pom.properties identity, maven purl, SHA-1 of the file, licence from Bundle-License URL', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('log4j-core-2.19.0.jar', '/usr/share/java/log4j-core.jar')]);
    expect(r.packages).toHaveLength(1);
    const p = r.packages[0]!;
    expect(p).toMatchObject({ name: 'log4j-core', version: '2.19.0', type: 'java-archive', group: 'org.apache.logging.log4j', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0', licenses: ['Apache-2.0'] });
    expect(p.locations).toEqual([{ path: '/usr/share/java/log4j-core.jar' }]);
    expect(p.hashes?.['SHA-1']).toBe(createHash('sha1').update(generated('java/log4j-core-2.19.0.jar')).digest('hex'));
    expect(r.warnings).toEqual([]);
  });

  it('finds jars nested in a war (and a jar in a jar in the war) with the full nested path', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('app.war')]);
    const paths = r.packages.map((p) => `${p.locations[0]!.path} ${p.name}@${p.version}`).sort();
    expect(paths).toEqual([
      '/opt/app/app.war sbomtest-app@1.0.0',
      '/opt/app/app.war!/WEB-INF/lib/log4j-api-2.19.0.jar log4j-api@2.19.0',
      '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar log4j-core@2.19.0',
      '/opt/app/app.war!/WEB-INF/lib/outer-lib-3.0.0.jar outer-lib@3.0.0',
      '/opt/app/app.war!/WEB-INF/lib/outer-lib-3.0.0.jar!/lib/inner-lib-0.1.0.jar inner-lib@0.1.0',
    ]);
    const core = find(r, 'log4j-core')[0]!;
    expect(core.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0');
    // the nested jar is hashed as itself (what Maven Central indexes)
    expect(core.hashes?.['SHA-1']).toBe(createHash('sha1').update(generated('java/log4j-core-2.19.0.jar')).digest('hex'));
    const war = find(r, 'sbomtest-app')[0]!;
    const contained = r.relationships.filter((x) => x.from === war.id && x.type === 'contains').map((x) => x.to);
    expect(contained).toContain(core.id);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/app-war.txt');
  });

  it('an ear nesting a war nesting log4j-core', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('app.ear')]);
    expect(find(r, 'log4j-core')[0]!.locations[0]!.path).toBe('/opt/app/app.ear!/web.war!/WEB-INF/lib/log4j-core-2.19.0.jar');
  });

  it('a shaded fat jar yields its own package plus one per embedded pom.properties', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('fat-service-2.1.0.jar')]);
    const own = find(r, 'fat-service', '2.1.0')[0]!;
    expect(own.hashes?.['SHA-1']).toMatch(/^[0-9a-f]{40}$/);
    expect(own.metadata?.embedded).toBeUndefined();
    const shaded = find(r, 'log4j-core', '2.14.1')[0]!;
    expect(shaded.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
    expect(shaded.metadata?.embedded).toBe(true);
    expect(shaded.hashes).toBeUndefined();
    expect(find(r, 'guava', '31.1-jre')).toHaveLength(1);
    expect(r.relationships.filter((x) => x.from === own.id)).toHaveLength(2);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/fat-jar.txt');
  });

  it('a bundle whose pom.properties all describe embedded artifacts reports only those', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('bundle.jar')]);
    expect(r.packages.map((p) => p.name).sort()).toEqual(['commons-codec', 'slf4j-api']);
  });

  it('a war that says nothing about its own version (bare manifest, no pom.properties, no version in its name) reports only the jars it holds', async () => {
    const jar = generated('java/log4j-core-2.19.0.jar');
    const bare = await makeZip([{ name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\n') }, { name: 'WEB-INF/lib/log4j-core-2.19.0.jar', data: jar }]);
    const r = await catalogFiles([javaArchiveCataloger], [{ path: '/srv/gradle.war', content: bare }]);
    expect(r.packages.map((p) => `${p.locations[0]!.path} ${p.purl}`)).toEqual(['/srv/gradle.war!/WEB-INF/lib/log4j-core-2.19.0.jar pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0']);
    // with a version in its name it is a package of its own again, and contains the jar
    const named = await catalogFiles([javaArchiveCataloger], [{ path: '/srv/gradle-1.0.war', content: bare }]);
    expect(named.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['gradle@1.0', 'log4j-core@2.19.0']);
    expect(named.relationships.map((x) => x.type)).toEqual(['contains']);
    // a lone jar without any version is still reported (by its file name), as syft does
    const lone = await catalogFiles([javaArchiveCataloger], [{ path: '/srv/tool.jar', content: await makeZip([{ name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\n') }]) }]);
    expect(lone.packages.map((p) => p.name)).toEqual(['tool']);
  });

  it('manifest identity: continuation lines, Implementation-Vendor-Id as group, main section only', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('commons-logging-1.2.jar'), java('bson-3.6.3.jar'), java('plain-tool-4.5.6.jar'), java('git.hpi')]);
    const cl = find(r, 'commons-logging')[0]!;
    expect(cl).toMatchObject({ version: '1.2', purl: 'pkg:maven/commons-logging/commons-logging@1.2', licenses: ['Apache-2.0'] });
    expect((cl.metadata?.manifest as Record<string, string>)['Implementation-Title']).toBe('Apache Commons Logging');
    expect(find(r, 'bson')[0]).toMatchObject({ version: '3.6.3', purl: 'pkg:maven/org.mongodb/bson@3.6.3' });
    expect(find(r, 'plain-tool')[0]).toMatchObject({ version: '4.5.6', metadata: { identitySource: 'filename' } });
    expect(find(r, 'git').map((p) => p.locations[0]!.path).sort()).toEqual(['/opt/app/git.hpi', '/opt/app/git.hpi!/WEB-INF/lib/git.jar']);
  });

  it("manifest: Implementation-* from a per-entry section when the main one lacks them; log4j's own group", async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('log4j-1.2-1.2.17.jar', '/usr/share/java/log4j-1.2-1.2.17.jar')]);
    expect(r.packages.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual(['log4j@1.2.17 pkg:maven/log4j/log4j@1.2.17']);
  });

  it("group from GraalVM's META-INF/native-image/<group>/<artifact>/ when the manifest names no vendor id (tomcat-embed-websocket); not when two groups hold the artifact", async () => {
    const manifest = 'Manifest-Version: 1.0\r\nBundle-SymbolicName: org.apache.tomcat-embed-websocket\r\nBundle-Version: 9.0.65\r\nImplementation-Version: 9.0.65\r\n';
    const tomcat = await makeZip([
      { name: 'META-INF/native-image/org.apache.tomcat.embed/tomcat-embed-websocket/native-image.properties', data: 'Args = x\n' },
      { name: 'META-INF/native-image/io.netty/netty-common/native-image.properties', data: 'Args = y\n' },
      { name: 'META-INF/MANIFEST.MF', data: manifest },
    ]);
    const twice = await makeZip([
      { name: 'META-INF/native-image/org.apache.tomcat.embed/tomcat-embed-websocket/a.json', data: '{}' },
      { name: 'META-INF/native-image/org.example/tomcat-embed-websocket/b.json', data: '{}' },
      { name: 'META-INF/MANIFEST.MF', data: manifest },
    ]);
    const r = await catalogFiles([javaArchiveCataloger], [
      { path: '/app/test.jar', content: tomcat },
      { path: '/other/test.jar', content: twice },
    ]);
    expect(r.packages.map((p) => `${p.locations[0]!.path} ${p.purl}`).sort()).toEqual([
      '/app/test.jar pkg:maven/org.apache.tomcat.embed/tomcat-embed-websocket@9.0.65',
      '/other/test.jar pkg:maven/org.apache/tomcat-embed-websocket@9.0.65',
    ]);
  });

  it('an Ivy module id as Implementation-Title (`group#artifact;version`, Gradle nebula) is group and artifact, as syft names micrometer', async () => {
    const nebula = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nImplementation-Title: io.micrometer#micrometer-commons;1.15.5\r\nImplementation-Version: 1.15.5\r\nBundle-SymbolicName: io.micrometer.micrometer-commons\r\n' },
    ]);
    const noVersion = await makeZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nImplementation-Title: org.example#tool;2.0.1\r\n' }]);
    const notIvy = await makeZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nImplementation-Title: a#b;c;d\r\nImplementation-Version: 3.0\r\n' }]);
    const r = await catalogFiles([javaArchiveCataloger], [
      { path: '/app/BOOT-INF/lib/micrometer-commons-1.15.5.jar', content: nebula },
      { path: '/app/lib/whatever.jar', content: noVersion },
      { path: '/app/lib/other-3.0.jar', content: notIvy },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:maven/io.micrometer/micrometer-commons@1.15.5', 'pkg:maven/org.example/tool@2.0.1', 'pkg:maven/other/other@3.0']);
  });

  it("syft's jar-metadata cases: the jar's own pom.xml when no pom.properties; Jenkins plugin manifests; the pom.properties whose artifact extends the file name at its version; New Relic weave modules are no package", async () => {
    const pomXml = (g: string, a: string, v: string): string => `<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></project>`;
    const props = (g: string, a: string, v: string): string => `groupId=${g}\nartifactId=${a}\nversion=${v}\n`;
    const sbtNamed = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-core\r\nImplementation-Version: 2.15.2\r\n' },
      { name: 'META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.xml', data: pomXml('com.fasterxml.jackson.core', 'jackson-core', '2.15.2') },
    ]);
    const aop = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nAutomatic-Module-Name: io.micronaut.micronaut_aop\r\nImplementation-Version: 4.9.11\r\n' },
      { name: 'META-INF/maven/io.micronaut/micronaut-aop/pom.xml', data: pomXml('io.micronaut', 'micronaut-aop', '${project.version}') },
    ]);
    const hpi = await makeZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nGroup-Id: org.jenkins-ci.plugins\r\nShort-Name: gradle\r\nLong-Name: Gradle Plugin\r\nPlugin-Version: 2.11\r\n' }]);
    const multi = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nCreated-By: Multi\r\n' },
      ...[3, 1, 2].map((i) => ({ name: `META-INF/maven/org.multiple/multiple-matching-${i}/pom.properties`, data: props('org.multiple', `multiple-matching-${i}`, '2.11.5') })),
    ]);
    const weave = await makeZip([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nImplementation-Title: com.newrelic.instrumentation.spring-4.3.0\r\nImplementation-Version: 1.0\r\nWeave-Classes: org/springframework/web/bind/annotation/GetMapping\r\n' }]);
    const r = await catalogFiles([javaArchiveCataloger], [
      { path: '/lib/com.fasterxml.jackson.core.jackson-core-2.15.2.jar', content: sbtNamed },
      { path: '/lib/micronaut-aop-4.9.11.jar', content: aop },
      { path: '/jenkins/plugins/gradle.hpi', content: hpi },
      { path: '/lib/multiple-matching-2.11.5.jar', content: multi },
      { path: '/newrelic/extensions/spring-instrumentation-4.3.0-1.0.jar', content: weave },
    ]);
    expect(r.packages.map((p) => `${p.purl}${p.metadata?.embedded === true ? ' (embedded)' : ''}`).sort()).toEqual([
      'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2',
      // ${project.version} in the pom.xml names no plain version: the pom's coordinates at the manifest's version
      'pkg:maven/io.micronaut/micronaut-aop@4.9.11',
      'pkg:maven/org.jenkins-ci.plugins/gradle@2.11',
      'pkg:maven/org.multiple/multiple-matching-1@2.11.5',
      'pkg:maven/org.multiple/multiple-matching-2@2.11.5 (embedded)',
      'pkg:maven/org.multiple/multiple-matching-3@2.11.5 (embedded)',
    ]);
    expect(find(r, 'jackson-core')[0]!.metadata).toMatchObject({ identitySource: 'pom.xml', pomXml: 'META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.xml' });
    expect([r.warnings, r.incomplete]).toEqual([[], []]);
  });

  it("a jar's one pom.xml whose version only an absent parent defines: its coordinates at the version the file name gives, when that names the artifact (syft's commons-lang3 fixture)", async () => {
    const pom = (a: string): string =>
      `<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><parent><groupId>org.apache.commons</groupId><artifactId>commons-parent</artifactId><version>54</version></parent><groupId>org.apache.commons</groupId><artifactId>${a}</artifactId><version>\${commons.release.version}</version></project>`;
    // one level under META-INF/maven/, as syft's fixture has it
    const lang3 = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\n' },
      { name: 'META-INF/maven/org.apache.commons-lang3/pom.xml', data: pom('commons-lang3') },
    ]);
    const other = await makeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\n' },
      { name: 'META-INF/maven/org.apache.commons/commons-text/pom.xml', data: pom('commons-text') },
    ]);
    const r = await catalogFiles([javaArchiveCataloger], [
      { path: '/app/lib/commons-lang3-3.12.0.jar', content: lang3 },
      // the file name names another artifact: the pom.xml is not taken to describe this jar
      { path: '/app/lib/bundle-2.0.jar', content: other },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:maven/bundle/bundle@2.0', 'pkg:maven/org.apache.commons/commons-lang3@3.12.0']);
    expect(find(r, 'commons-lang3')[0]!.metadata).toMatchObject({ identitySource: 'pom.xml', pomXml: 'META-INF/maven/org.apache.commons-lang3/pom.xml' });
  });

  it('nesting deeper than the limit: incomplete, naming the archive; keeps the levels it read', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('deep.jar')]);
    const levels = r.packages.map((p) => Number(p.version)).sort((a, b) => a - b);
    expect(levels).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/deep\.jar(!\/lib\/level-\d+\.jar){8}: not read completely: nested archive lib\/level-1\.jar is deeper than the nesting limit of 8/);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['nested archive lib/level-1.jar is deeper than the nesting limit of 8; not opened']);
    const shallow = await catalogFiles([javaArchiveCataloger], [java('deep.jar')], { maxNestingDepth: 2 });
    expect(shallow.packages).toHaveLength(3);
  });

  it('zip bomb: the over-ratio entry is skipped and incomplete, the rest of the war is still read', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('bomb.war')]);
    expect(r.warnings.join('\n')).toMatch(/\/opt\/app\/bomb\.war: not read completely: nested archive WEB-INF\/lib\/zeros\.jar has compression ratio \d+:1, over the limit of 200:1/);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/opt/app/bomb.war']);
    expect(find(r, 'log4j-api', '2.19.0')).toHaveLength(1);
  });

  it('per-file and total-bytes limits skip, incomplete', async () => {
    // the runner skips top-level files over maxFileBytes itself; the parser applies it to nested entries
    const warnings: string[] = [];
    const lost: string[] = [];
    const perFile = await parseJavaArchive(
      { location: { path: '/opt/app/app.war' }, contents: generated('java/app.war') },
      { warn: (m, l) => void warnings.push(`${l?.path}: ${m}`), incomplete: (m, l) => void lost.push(`${l?.path}: ${m}`), limits: { ...DEFAULT_LIMITS, maxFileBytes: 700 } },
    );
    expect(perFile.packages.map((p) => p.name)).toContain('log4j-api');
    expect(lost.join('\n')).toMatch(/app\.war: nested archive WEB-INF\/lib\/log4j-core-2\.19\.0\.jar is \d+ bytes, over the 700-byte file limit/);
    expect(warnings).toEqual([]);
    const total = await catalogFiles([javaArchiveCataloger], [java('app.war')], { maxTotalBytes: 1200 });
    expect(total.incomplete.map((i) => i.reason).join('\n')).toMatch(/total limit/);
    expect(find(total, 'sbomtest-app')).toHaveLength(1);
  });

  it('an entry that inflates past the size its central directory gives is refused (incomplete), not inflated on', async () => {
    // Patch the central directory record of a jar nested in the war: it now claims 100 bytes.
    const jar = Buffer.from(generated('java/app.war'));
    const name = Buffer.from('WEB-INF/lib/outer-lib-3.0.0.jar');
    const central = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
    let at = -1;
    for (let i = jar.indexOf(central); i >= 0; i = jar.indexOf(central, i + 4)) {
      if (jar.subarray(i + 46, i + 46 + jar.readUInt16LE(i + 28)).equals(name)) at = i;
    }
    expect(at).toBeGreaterThan(0);
    expect(jar.readUInt32LE(at + 24)).toBeGreaterThan(100);
    jar.writeUInt32LE(100, at + 24);
    const r = await catalogFiles([javaArchiveCataloger], [{ path: '/opt/app/app.war', content: jar }]);
    expect(r.warnings.join('\n')).toMatch(/\/opt\/app\/app\.war: not read completely: cannot inflate nested archive WEB-INF\/lib\/outer-lib-3\.0\.0\.jar \(entry (inflates past the 100 bytes its directory says|holds \d+ bytes, its directory says 100)\)/);
    expect(find(r, 'outer-lib')).toHaveLength(0);
    expect(find(r, 'inner-lib')).toHaveLength(0);
    expect(find(r, 'log4j-core', '2.19.0')).toHaveLength(1);
  });

  it('corrupt, truncated and corrupt-nested archives are incomplete, naming the path; the rest is catalogued', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [java('corrupt.jar'), java('truncated.jar'), java('bad-nested.war'), java('log4j-core-2.19.0.jar')]);
    expect(find(r, 'log4j-core')).toHaveLength(1);
    expect(find(r, 'log4j-api')[0]!.locations[0]!.path).toBe('/opt/app/bad-nested.war!/WEB-INF/lib/log4j-api-2.19.0.jar');
    const w = r.warnings.join('\n');
    expect(w).toMatch(/\/opt\/app\/corrupt\.jar: not read completely: (not a readable|corrupt) zip archive/);
    expect(w).toMatch(/\/opt\/app\/truncated\.jar: not read completely: (not a readable|corrupt) zip archive/);
    expect(w).toMatch(/\/opt\/app\/bad-nested\.war!\/WEB-INF\/lib\/broken-1\.0\.jar: not read completely: (not a readable|corrupt) zip archive/);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/opt/app/bad-nested.war!/WEB-INF/lib/broken-1.0.jar', '/opt/app/corrupt.jar', '/opt/app/truncated.jar']);
  });

  it('jars identified only by a real manifest (issue 17): the manifest names them, the file name only spells the same name more fully', async () => {
    const only = (n: string) => ({ path: `/opt/lib/${n}`, content: generated(`java/manifest-only/${n}`) });
    const names = ['bcprov-jdk18on-1.77.jar', 'provider.jar', 'commons-lang3-3.12.0.jar', 'lang.jar', 'org.eclipse.osgi-3.18.0.jar', 'micrometer-core-1.12.0.jar', 'kotlin-stdlib-1.9.22.jar', 'app.jar', 'test.jar'];
    const r = await catalogFiles([javaArchiveCataloger], names.map(only));
    expect(Object.fromEntries(r.packages.map((p) => [p.locations[0]!.path.slice('/opt/lib/'.length), p.purl]))).toEqual({
      // Bundle-SymbolicName 'bcprov' (Implementation-Title absent): the file name qualifies it; 1.77.00.0 is 1.77
      'bcprov-jdk18on-1.77.jar': 'pkg:maven/org.bouncycastle/bcprov-jdk18on@1.77',
      'provider.jar': 'pkg:maven/org.bouncycastle/bcprov@1.77.00.0',
      // 'Apache Commons Lang' is a display name: the felix bundle plugin's symbolic name gives lang3, the file name commons-lang3
      'commons-lang3-3.12.0.jar': 'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
      'lang.jar': 'pkg:maven/org.apache.commons/lang3@3.12.0',
      // '%systemBundle' is a localisation key, not a name; the OSGi qualifier is the same release as 3.18.0
      'org.eclipse.osgi-3.18.0.jar': 'pkg:maven/org.eclipse/org.eclipse.osgi@3.18.0',
      // Implementation-Title 'io.micrometer#micrometer-core;1.12.0' is Ivy's module id (Gradle nebula): its Maven coordinates
      'micrometer-core-1.12.0.jar': 'pkg:maven/io.micrometer/micrometer-core@1.12.0',
      'kotlin-stdlib-1.9.22.jar': 'pkg:maven/kotlin-stdlib/kotlin-stdlib@1.9.22',
      // multi-word Implementation-Title, renamed file: the module name group.artifact, never 'app'
      'app.jar': 'pkg:maven/com.example/billing@2.3.1',
      // trivy's test.jar: 'Spring Framework' is the product; org.springframework.core shortened, 'Spring Core' spells it out
      'test.jar': 'pkg:maven/org.springframework/spring-core@2.5.6.SEC03',
    });
    for (const p of r.packages) expect(p.metadata?.identitySource).toBe('manifest');
    expect(r.warnings).toEqual([]);
  });

  it('pom.properties anywhere in the archive, not only under META-INF/maven/<g>/<a>/ (as syft and trivy)', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [{ path: '/opt/lib/relocated-poms.jar', content: generated('java/manifest-only/relocated-poms.jar') }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4', 'pkg:maven/org.yaml/snakeyaml@1.33']);
  });

  it('every archive extension syft and trivy accept (.par .sar .nar .kar .far .lpkg .rar .zap, any case), nested jars included; a non-zip .rar is not a loss', async () => {
    const names = ['portal-app.par', 'jboss-service.sar', 'nifi-processors.nar', 'karaf-feature.kar', 'liferay-plugin.lpkg', 'resource-adapter.rar', 'zap-addon.zap', 'flex-app.far', 'LEGACY-APP.PAR', 'photos.rar'];
    const r = await catalogFiles([javaArchiveCataloger], names.map((n) => ({ path: `/srv/${n}`, content: generated(`java/extensions/${n}`) })));
    const outer = r.packages.filter((p) => !p.locations[0]!.path.includes('!')).map((p) => p.name).sort();
    expect(outer).toEqual(['flex-app', 'jboss-service', 'karaf-feature', 'legacy-app', 'liferay-plugin', 'nifi-processors', 'portal-app', 'resource-adapter', 'zap-addon']);
    expect(find(r, 'log4j-core', '2.19.0')).toHaveLength(9);
    expect(r.warnings).toEqual(['/srv/photos.rar: no zip signature: not a Java archive; skipped']);
    expect(r.incomplete).toEqual([]);
    // a .par that is not a zip is a corrupt Java archive: incomplete
    const bad = await catalogFiles([javaArchiveCataloger], [{ path: '/srv/broken.par', content: Buffer.from('Rar!\x1a\x07\x01\x00 not a zip', 'latin1') }]);
    expect(bad.incomplete.map((i) => i.path)).toEqual(['/srv/broken.par']);
  });

  it('keeps the layer of the outer file on nested locations', async () => {
    const r = await catalogFiles([javaArchiveCataloger], [{ ...java('app.war'), layer: 'sha256:abc' }]);
    for (const p of r.packages) expect(p.locations[0]!.layer).toBe('sha256:abc');
  });

  it('survives hostile bytes (fast-check): never throws, only warnings and incomplete entries', async () => {
    const base = generated('java/app.war');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.nat(base.length - 1), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes, at, patch) => {
        const warnings: string[] = [];
        const ctx = { warn: (m: string) => void warnings.push(m), incomplete: (m: string) => void warnings.push(m), limits: DEFAULT_LIMITS };
        await parseJavaArchive({ location: { path: '/x.jar' }, contents: Buffer.from(bytes) }, ctx);
        const mutated = Buffer.from(base);
        Buffer.from(patch).copy(mutated, at);
        const r = await parseJavaArchive({ location: { path: '/y.war' }, contents: mutated }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('java helpers', () => {
  it('parses file names', () => {
    expect(parseArchiveFileName('log4j-1.2-1.2.17.jar')).toEqual({ name: 'log4j-1.2', version: '1.2.17' });
    expect(parseArchiveFileName('guava-31.1-jre.jar')).toEqual({ name: 'guava', version: '31.1-jre' });
    expect(parseArchiveFileName('foo-1.0-SNAPSHOT.jar')).toEqual({ name: 'foo', version: '1.0-SNAPSHOT' });
    expect(parseArchiveFileName('jrt-fs.jar')).toEqual({ name: 'jrt-fs', version: '' });
  });
  it('parses manifests with CR/LF and continuations, main section only', () => {
    const m = parseManifest('Manifest-Version: 1.0\r\nA: x\r\n yz\r\n\r\nName: p/\r\nA: other\r\n');
    expect(m.get('A')).toBe('xyz');
    expect(m.size).toBe(2);
  });
  it('parses pom.properties, folder names filling missing fields', () => {
    expect(parsePomProperties('version=1\n', 'META-INF/maven/g/a/pom.properties')).toEqual({ groupId: 'g', artifactId: 'a', version: '1', path: 'META-INF/maven/g/a/pom.properties' });
    expect(parsePomProperties('#c\ngroupId=g\nartifactId=a\n', 'META-INF/maven/g/a/pom.properties')).toBeUndefined();
    expect(parsePomProperties('groupId : x\\u0041\nartifactId=a\nversion=2\n', 'META-INF/maven/g/a/pom.properties')?.groupId).toBe('xA');
  });
});
