/**
 * MANIFEST.MF parsing against syft's manifest fixtures (syft/pkg/cataloger/java/testdata/manifest, kept in
 * fixtures/catalog/peers) and the sections syft's parse_java_manifest_test.go expects of them.
 */
import { describe, expect, it } from 'vitest';
import { parseManifestSections } from '../../../../src/catalog/java/manifest.js';
import { fixture } from '../lang-support.js';

const sections = (name: string): [string, string][][] =>
  parseManifestSections(fixture(`peers/syft/java/testdata/manifest/${name}`).toString('utf8')).map((s) => [...s.entries()]);

describe('parseManifestSections (syft\'s manifest fixtures)', () => {
  it('main section only; a value goes on in a continuation line', () => {
    expect(sections('small')).toEqual([[['Manifest-Version', '1.0']]]);
    expect(sections('continuation')).toEqual([[['Manifest-Version', '1.0'], ['Plugin-ScmUrl', 'https://github.com/jenkinsci/plugin-pom/example-jenkins-plugin']]]);
    expect(sections('version-with-date')).toEqual([[['Manifest-Version', '1.0'], ['Implementation-Version', '1.3 2244 October 5 2005']]]);
    expect(sections('standard-info')[0]!.map(([k]) => k)).toEqual(['Manifest-Version', 'Name', 'Specification-Title', 'Specification-Vendor', 'Specification-Version', 'Implementation-Title', 'Implementation-Vendor', 'Implementation-Version']);
  });

  it('per-entry sections; runs of blank lines and lines with no key ("." "junk" ":" " :") start or add nothing', () => {
    const main: [string, string][] = [['Manifest-Version', '1.0'], ['Archiver-Version', 'Plexus Archiver'], ['Created-By', 'Apache Maven 3.6.3']];
    expect(sections('extra-info')).toEqual([main, [['Name', 'thing-1'], ['Built-By', '?']], [['Build-Jdk', '14.0.1'], ['Main-Class', 'hello.HelloWorld']]]);
    expect(sections('extra-empty-lines')).toEqual([main, [['Name', 'thing-1'], ['Built-By', '?']], [['Name', 'thing-2'], ['Built-By', 'someone!']], [['Other', 'things']], [['Last', 'item']]]);
  });

  it('leading-space (syft issue 2179): the keys syft finds; a continuation after a line with no colon is dropped, where syft appends it', () => {
    // syft keeps the key across the two malformed "continue line1,$" lines and appends the indented line trimmed
    // ("initialconfig:com$    # aka not empty line"); the JAR specification continues only the line just before
    expect(sections('leading-space')).toEqual([[['Key-keykeykey', 'initialconfig:com'], ['should', 'parse']]]);
  });
});
