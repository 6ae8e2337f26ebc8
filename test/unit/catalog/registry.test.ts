import { describe, expect, it } from 'vitest';
import { ALL_CATALOGERS, selectCatalogers } from '../../../src/catalog/registry.js';
import { defineCataloger, type Cataloger } from '../../../src/catalog/cataloger.js';
import { UsageError } from '../../../src/core/errors.js';

const mk = (name: string, ecosystem: Cataloger['ecosystem'], tags: string[]): Cataloger => defineCataloger({ name, ecosystem, tags, parsers: [] });
const ALL = [
  mk('dpkg-db-cataloger', 'deb', ['os', 'installed']),
  mk('java-archive-cataloger', 'maven', ['language', 'installed', 'java']),
  mk('npm-lock-cataloger', 'npm', ['language', 'declared']),
  mk('python-installed-cataloger', 'pypi', ['language', 'installed', 'python']),
];
const names = (cs: Cataloger[]): string[] => cs.map((c) => c.name);

describe('selectCatalogers', () => {
  it('no selection keeps all, in registry order', () => {
    expect(names(selectCatalogers(ALL, []))).toEqual(names(ALL));
  });
  it('selects by name prefix, full name, tag and ecosystem, comma-joined or repeated', () => {
    expect(names(selectCatalogers(ALL, ['java,npm']))).toEqual(['java-archive-cataloger', 'npm-lock-cataloger']);
    expect(names(selectCatalogers(ALL, ['os']))).toEqual(['dpkg-db-cataloger']);
    expect(names(selectCatalogers(ALL, ['pypi', 'dpkg-db-cataloger']))).toEqual(['dpkg-db-cataloger', 'python-installed-cataloger']);
  });
  it('-name excludes from all, or from the included set', () => {
    expect(names(selectCatalogers(ALL, ['-python']))).toEqual(['dpkg-db-cataloger', 'java-archive-cataloger', 'npm-lock-cataloger']);
    expect(names(selectCatalogers(ALL, ['language', '-npm']))).toEqual(['java-archive-cataloger', 'python-installed-cataloger']);
  });
  it('an unknown token is a usage error listing the catalogers', () => {
    expect(() => selectCatalogers(ALL, ['cobol'])).toThrow(UsageError);
    try {
      selectCatalogers(ALL, ['-cobol']);
    } catch (err) {
      expect((err as UsageError).code).toBe('CATALOG_UNKNOWN_SELECTOR');
      expect((err as UsageError).hint).toContain('dpkg-db-cataloger');
    }
  });
  it('the real registry has the OS catalogers, each with a unique name', () => {
    const n = names([...ALL_CATALOGERS]);
    expect(n).toEqual(expect.arrayContaining(['dpkg-db-cataloger', 'apk-db-cataloger', 'rpm-db-cataloger']));
    expect(new Set(n).size).toBe(n.length);
    expect(names(selectCatalogers(ALL_CATALOGERS, ['os']))).toEqual(expect.arrayContaining(['dpkg-db-cataloger', 'apk-db-cataloger', 'rpm-db-cataloger']));
  });
});
