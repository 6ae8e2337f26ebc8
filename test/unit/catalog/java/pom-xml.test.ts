import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaPomCataloger } from '../../../../src/catalog/java/index.js';
import { catalogFiles, fixture } from '../lang-support.js';

const label = (p: { purl?: string; metadata?: Record<string, unknown> }): string => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}`;
/** The dependencies a pom declares (its own coordinates, reported as the project, are checked apart). */
const deps = <T extends { metadata?: Record<string, unknown> }>(r: { packages: T[] }): T[] => r.packages.filter((p) => p.metadata?.project === undefined);
const projectOf = (r: { packages: { purl?: string; metadata?: Record<string, unknown> }[] }): string[] => r.packages.filter((p) => p.metadata?.project === 'root').map((p) => p.purl ?? '');
const syft = (p: string): Buffer => fixture(`peers/syft/java/${p}`);
const pom = (body: string, parent = ''): Buffer =>
  Buffer.from(`<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>${parent}<groupId>g</groupId><artifactId>app</artifactId><version>1.0.0</version>${body}</project>\n`);
const dep = (g: string, a: string, v?: string, extra = ''): string => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId>${v === undefined ? '' : `<version>${v}</version>`}${extra}</dependency>`;

describe('java-pom-cataloger', () => {
  it('declared dependencies with their versions; test scope dev; the project itself is reported, marked (syft\'s example-java-app-maven)', async () => {
    const r = await catalogFiles([javaPomCataloger], [{ path: '/src/pom.xml', content: syft('testdata/pom/example-java-app-maven/pom.xml') }]);
    expect(deps(r).map(label).sort()).toEqual(['pkg:maven/com.joda/joda-time@2.9.2', 'pkg:maven/junit/junit@4.12 (dev)']);
    expect(r.packages.find((p) => p.name === 'junit')).toMatchObject({ group: 'junit', type: 'java-archive', foundBy: ['java-pom-cataloger'], metadata: { scope: 'test', dev: true } });
    expect(projectOf(r)).toEqual(['pkg:maven/org.anchore/example-java-app-maven@0.1.0']);
    const root = r.packages.find((p) => p.metadata?.project === 'root')!;
    expect(r.relationships?.filter((x) => x.from === root.id).map((x) => x.type).sort()).toEqual(['depends-on', 'dev-depends-on']);
    expect([r.warnings, r.incomplete]).toEqual([[], []]);
  });

  it('${properties} resolved; a version only a parent not present gives is reported without a version, with a warning (commons-text)', async () => {
    const r = await catalogFiles([javaPomCataloger], [{ path: '/src/commons-text/pom.xml', content: syft('testdata/pom/commons-text-1.10.0/pom.xml') }]);
    expect(deps(r).map(label).sort()).toEqual([
      'pkg:maven/commons-io/commons-io@2.11.0 (dev)',
      'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
      'pkg:maven/org.apache.commons/commons-rng-simple@1.4 (dev)',
      'pkg:maven/org.assertj/assertj-core@3.23.1 (dev)',
      'pkg:maven/org.graalvm.js/js-scriptengine@22.0.0.2 (dev)',
      'pkg:maven/org.graalvm.js/js@22.0.0.2 (dev)',
      'pkg:maven/org.mockito/mockito-inline@4.8.0 (dev)',
      'pkg:maven/org.openjdk.jmh/jmh-core@1.35 (dev)',
      'pkg:maven/org.openjdk.jmh/jmh-generator-annprocess@1.35 (dev)',
      'pkg:maven/org.junit.jupiter/junit-jupiter (dev)',
    ].sort());
    expect(r.warnings).toEqual([expect.stringMatching(/managed by a parent pom or BOM that is not beside it.*reported without a version: org\.junit\.jupiter:junit-jupiter$/)]);
    // the project's version from ${...} of its own properties
    expect(projectOf(r)).toEqual(['pkg:maven/org.apache.commons/commons-text@1.10.0']);
    expect(r.incomplete).toEqual([]);
  });

  it('dependencyManagement of the same pom; parents beside it by relativePath, child properties over parent ones (syft\'s maven test tree)', async () => {
    const files = ['child-1', 'parent-1', 'parent-2', 'contains-child-1', 'circular-1', 'circular-2'].map((d) => ({ path: `/r/${d}/pom.xml`, content: syft(`internal/maven/testdata/local/${d}/pom.xml`) }));
    files.push({ path: '/t/pom.xml', content: syft('testdata/pom/transitive-top-level/pom.xml') });
    const r = await catalogFiles([javaPomCataloger], files);
    const at = (path: string): string[] => deps(r).filter((p) => p.locations[0]!.path === path).map(label).sort();
    // child-1 manages nothing itself: commons-lang3's version comes from parent-1's dependencyManagement, whose
    // ${commons.lang3.version} the child's own property (3.12.0) sets, as Maven's dependency:tree in its comment shows
    expect(at('/r/child-1/pom.xml')).toEqual(['pkg:maven/org.apache.commons/commons-lang3@3.12.0']);
    expect(at('/r/parent-1/pom.xml')).toEqual(['pkg:maven/junit/junit@4.13.2 (dev)', 'pkg:maven/org.apache.commons/commons-collections4@4.3', 'pkg:maven/org.apache.commons/commons-text@1.12.0']);
    expect(at('/r/contains-child-1/pom.xml')).toEqual(['pkg:maven/my.org/child-one@1.3.6']);
    expect(at('/t/pom.xml')).toEqual(['pkg:maven/my.org/child-one@1.3.6', 'pkg:maven/my.org/child-two@2.1.90 (dev)']);
    // contains-child-1 names no groupId and no parent: still the project, its artifact id as its group (as syft writes it);
    // circular-1's ${artifactId} resolves to nothing, so it names no project
    expect(projectOf(r).sort()).toEqual([
      'pkg:maven/contains-child-one/contains-child-one@5',
      'pkg:maven/my.org/child-one@1.3.6',
      'pkg:maven/my.org/parent-one@3.11.0',
      'pkg:maven/my.org/parent-two@13.7.8',
      'pkg:maven/my.org/something',
      'pkg:maven/my.other.group/transitive-top-level@99',
    ]);
    expect(r.incomplete).toEqual([]);
  });

  it("${project.*} is the model's value, not a <properties> entry of that name; a pom without <version> inherits the version its parent pom gives itself (trivy's parent-child-properties, parent-dependencies)", async () => {
    const parentA = '<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>parent</artifactId><version>4.0.3</version><packaging>pom</packaging></project>';
    const childA = `<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><artifactId>child</artifactId><version>1.2.3</version>
      <parent><groupId>com.example</groupId><artifactId>parent</artifactId><version>4.0.3</version><relativePath>./parent</relativePath></parent>
      <properties><project.parent.version>1.1.1</project.parent.version><project.version>2.3.4</project.version></properties>
      <dependencies>${dep('org.example', 'example-dependency', '${project.version}')}${dep('org.example', 'example-api3', '${project.parent.version}')}</dependencies></project>`;
    const parentB = '<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>parent</artifactId><version>${revision}${changelist}</version><packaging>pom</packaging><properties><revision>1.0.0</revision><changelist>-SNAPSHOT</changelist></properties></project>';
    const childB = `<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion><artifactId>child</artifactId>
      <parent><groupId>com.example</groupId><artifactId>parent</artifactId><version>\${revision}-\${changelist}</version></parent>
      <dependencies>${dep('org.example', 'uses-project-version', '${project.version}')}</dependencies></project>`;
    const r = await catalogFiles([javaPomCataloger], [
      { path: '/a/pom.xml', content: Buffer.from(childA) },
      { path: '/a/parent/pom.xml', content: Buffer.from(parentA) },
      { path: '/b/pom.xml', content: Buffer.from(parentB) },
      { path: '/b/child/pom.xml', content: Buffer.from(childB) },
    ]);
    const at = (path: string): string[] => r.packages.filter((p) => p.locations[0]!.path === path).map(label).sort();
    expect(at('/a/pom.xml')).toEqual(['pkg:maven/com.example/child@1.2.3', 'pkg:maven/org.example/example-api3@4.0.3', 'pkg:maven/org.example/example-dependency@1.2.3']);
    expect(at('/b/child/pom.xml')).toEqual(['pkg:maven/com.example/child@1.0.0-SNAPSHOT', 'pkg:maven/org.example/uses-project-version@1.0.0-SNAPSHOT']);
    expect(at('/b/pom.xml')).toEqual(['pkg:maven/com.example/parent@1.0.0-SNAPSHOT']);
  });

  it('a parent at relativePath that is another project is not used; <relativePath/> skips the file system; parent loops stop', async () => {
    const parent = pom('<properties><v>2.0</v></properties>').toString().replace('<artifactId>app</artifactId>', '<artifactId>parent</artifactId>');
    const child = (rel: string): Buffer => pom(`<dependencies>${dep('x', 'y', '${v}')}</dependencies>`, `<parent><groupId>g</groupId><artifactId>parent</artifactId><version>1.0.0</version>${rel}</parent>`);
    const run = async (rel: string, parentBytes: Buffer | string) =>
      catalogFiles([javaPomCataloger], [
        { path: '/p/pom.xml', content: Buffer.from(parentBytes) },
        { path: '/p/app/pom.xml', content: child(rel) },
      ]);
    expect((await run('', parent)).packages.filter((p) => p.metadata?.project === undefined).map(label)).toEqual(['pkg:maven/x/y@2.0']);
    // without the parent's property the dependency has no version: reported by name only
    expect((await run('<relativePath/>', parent)).packages.filter((p) => p.metadata?.project === undefined).map(label)).toEqual(['pkg:maven/x/y']);
    expect((await run('', parent.replace('<artifactId>parent</artifactId>', '<artifactId>other</artifactId>'))).packages.filter((p) => p.metadata?.project === undefined).map(label)).toEqual(['pkg:maven/x/y']);
    // a pom naming itself (or each other) as parent: followed once
    const self = await catalogFiles([javaPomCataloger], [{ path: '/q/pom.xml', content: pom(`<dependencies>${dep('x', 'y', '${v}')}</dependencies>`, '<parent><groupId>g</groupId><artifactId>app</artifactId><relativePath>pom.xml</relativePath></parent>') }]);
    expect(deps(self).map(label)).toEqual(['pkg:maven/x/y']);
    expect(self.warnings).toHaveLength(1);
  });

  it('[1.2.3] pins a version; other ranges, unresolved properties and missing versions give the package without a version and a warning; a dependency without artifactId is incomplete', async () => {
    const r = await catalogFiles([javaPomCataloger], [
      { path: '/p/pom.xml', content: pom(`<dependencies>${dep('a', 'pinned', '[1.2.3]')}${dep('a', 'range', '[1.0,2.0)')}${dep('a', 'prop', '${nope}')}${dep('a', 'none')}${dep('a', 'filtered', '@example.version@')}<dependency><groupId>a</groupId></dependency>${dep('a', 'self', '${project.version}', '<optional>true</optional>')}</dependencies>`) },
    ]);
    expect(deps(r).map(label).sort()).toEqual(['pkg:maven/a/filtered', 'pkg:maven/a/none', 'pkg:maven/a/pinned@1.2.3', 'pkg:maven/a/prop', 'pkg:maven/a/range', 'pkg:maven/a/self@1.0.0']);
    expect(r.packages.find((p) => p.name === 'self')!.metadata).toMatchObject({ optional: true });
    expect(r.warnings[0]).toMatch(/reported without a version: a:range "\[1\.0,2\.0\)", a:prop "\$\{nope\}", a:none, a:filtered "@example.version@"$/);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['pom.xml dependencies without a groupId and artifactId: dependencies[5]']);
  });

  it('not well-formed XML, a DOCTYPE, or no <project> root: the file is incomplete (syft\'s corrupt pom.xml)', async () => {
    for (const bad of [Buffer.from('<project><dependencies></project>'), Buffer.from('<!DOCTYPE x [<!ENTITY e "v">]><project/>'), Buffer.from('<settings/>'), fixture('peers/syft/java/testdata/pom/example-java-app-maven/pom.xml').subarray(0, 400)]) {
      const r = await catalogFiles([javaPomCataloger], [{ path: '/p/pom.xml', content: bad }]);
      expect(r.packages).toEqual([]);
      expect(r.incomplete).toHaveLength(1);
    }
  });

  it('hostile poms (fast-check): never throws past the parser; no version holds ${; a package without a version is named by the warning', async () => {
    const part = fc.oneof(fc.constantFrom('${a}', '${b}', '[1]', '1.0', '', '${project.version}', '<x/>'), fc.string({ maxLength: 6 }).map((s) => s.replace(/[<&]/g, '')));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(part, part, part), { maxLength: 6 }), fc.tuple(part, part), async (deps, [a, b]) => {
        const body = `<properties><a>${a}</a><b>${b}</b></properties><dependencies>${deps.map(([g, n, v]) => dep(g || 'g', n || 'n', v)).join('')}</dependencies>`;
        const r = await catalogFiles([javaPomCataloger], [{ path: '/p/pom.xml', content: pom(body) }]);
        for (const p of r.packages) {
          expect(p.version).not.toContain('${');
          expect(p.name).not.toContain('${');
          if (p.version === '') expect(r.warnings.join('\n')).toContain(`${p.group}:${p.name}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
