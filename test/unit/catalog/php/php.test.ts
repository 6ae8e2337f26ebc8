import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseComposerInstalled, parseComposerLock } from '../../../../src/catalog/php/composer.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger } from '../../../../src/catalog/php/index.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

describe('php catalogers', () => {
  it('installed.json v2 ({packages}) and v1 (array)', async () => {
    const r = await catalogFiles([phpComposerInstalledCataloger], [
      { path: '/var/www/a/vendor/composer/installed.json', content: fixture('php/installed-v2.json') },
      { path: '/var/www/b/vendor/composer/installed.json', content: fixture('php/installed-v1.json') },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:composer/guzzlehttp/guzzle@7.5.0',
      'pkg:composer/monolog/monolog@2.9.1',
      'pkg:composer/phpunit/phpunit@9.6.0',
      'pkg:composer/psr/log@3.0.0',
      'pkg:composer/symfony/polyfill-mbstring@v1.27.0',
    ]);
    expect(find(r, 'phpunit/phpunit')[0]!.metadata?.dev).toBe(true);
    expect(r.relationships).toHaveLength(2);
    expect(r.warnings.join('\n')).toMatch(/installed\.json: not read completely: composer entry "broken\/entry" has no name or version/);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['composer entry "broken/entry" has no name or version']);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/installed.txt');
  });

  it('installed.json under a configured vendor-dir (<vendor-dir>/composer/installed.json) is read too', async () => {
    const r = await catalogFiles([phpComposerInstalledCataloger], [
      { path: '/var/www/app/lib/composer/installed.json', content: '{"packages": [{"name": "psr/log", "version": "3.0.0"}]}' },
      { path: '/var/www/app/config/installed.json', content: 'not composer' },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:composer/psr/log@3.0.0']);
    expect(r.warnings).toEqual([]);
  });

  it('composer.lock: packages and packages-dev', async () => {
    const r = await catalogFiles([phpComposerLockCataloger], [{ path: '/src/composer.lock', content: fixture('php/composer.lock') }]);
    expect(r.packages).toHaveLength(3);
    expect(find(r, 'phpunit/phpunit')[0]!.metadata?.dev).toBe(true);
    expect(find(r, 'monolog/monolog')[0]!.licenses).toEqual(['MIT']);
  });

  it('invalid JSON is a warning naming the file', async () => {
    const r = await catalogFiles([phpComposerLockCataloger], [{ path: '/src/composer.lock', content: '{"packages": [' }]);
    expect(r.warnings).toEqual([expect.stringMatching(/^\/src\/composer\.lock: php-composer-lock-cataloger could not read it: invalid JSON/)]);
  });

  it('hostile JSON (fast-check)', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const parse of [parseComposerInstalled, parseComposerLock]) {
          try {
            parse({ location: { path: '/x' }, contents: Buffer.from(JSON.stringify(v) ?? 'null') }, ctx);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
