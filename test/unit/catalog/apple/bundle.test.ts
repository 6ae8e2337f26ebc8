import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInfoPlist } from '../../../../src/catalog/apple/bundle.js';
import { appleAppBundleCataloger } from '../../../../src/catalog/apple/index.js';
import { PlistError, readBinaryPlist, readPlist, readXmlPlist } from '../../../../src/catalog/apple/plist.js';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/apple', f));
// a binary (bplist00) form of syft's Ghostty Info.plist, written by Python's plistlib, with a non-ASCII copyright
// (UTF-16 strings) and a nested dictionary of an integer, a real, a boolean and data
const binaryGhostty = (): Buffer => readFileSync(join(FIXTURES, 'catalog', 'apple', 'Ghostty-binary.plist'));

describe('apple-app-bundle-cataloger', () => {
  it('an XML Info.plist: name and version as syft picks them, the CFBundle keys in metadata, no purl', async () => {
    const r = await catalogFiles([appleAppBundleCataloger], [
      { path: '/Applications/Slack.app/Contents/Info.plist', content: peer('install-example/Applications/Slack.app/Contents/Info.plist') },
      { path: '/Applications/Ghostty.app/Contents/Info.plist', content: peer('native-app-example/Applications/Ghostty.app/Contents/Info.plist') },
    ]);
    const [ghostty, slack] = r.packages;
    expect(slack).toMatchObject({
      name: 'Slack',
      version: '4.50.128',
      type: 'apple-app-bundle',
      foundBy: ['apple-app-bundle-cataloger'],
      metadata: {
        bundleIdentifier: 'com.tinyspeck.slackmacgap',
        bundleName: 'Slack',
        displayName: 'Slack',
        executable: 'Slack',
        shortVersion: '4.50.128',
        bundleVersion: '450000128',
        packageType: 'APPL',
        minimumSystemVersion: '12.0',
        copyright: '©2026 Slack Technologies LLC, a Salesforce company. All rights reserved.',
        sdkName: 'macosx15.5',
      },
    });
    expect(slack?.purl).toBeUndefined();
    expect(ghostty).toMatchObject({ name: 'Ghostty', version: '1.3.1', metadata: { supportedPlatforms: ['MacOSX'], platformName: 'macosx', sdkName: 'macosx26.2', executable: 'ghostty' } });
    expect(r.incomplete).toEqual([]);
  });

  it('a binary plist reads to the same package', async () => {
    const r = await catalogFiles([appleAppBundleCataloger], [{ path: '/Applications/Ghostty.app/Contents/Info.plist', content: binaryGhostty() }]);
    expect(r.packages[0]).toMatchObject({ name: 'Ghostty', version: '1.3.1', metadata: { bundleIdentifier: 'com.mitchellh.ghostty', copyright: '© Ghostty — ünïcode', supportedPlatforms: ['MacOSX'] } });
    const v = readBinaryPlist(binaryGhostty()) as Record<string, unknown>;
    expect(v['LSEnvironment']).toEqual({ A: ['1', '2.5', true, 'AAE='] });
  });

  it('syft\'s parse cases: name and version fallbacks; no name or version: nothing (a warning); malformed: incomplete', async () => {
    const r = await catalogFiles([appleAppBundleCataloger], ['name-from-executable', 'name-from-identifier', 'version-from-bundle-version', 'no-name', 'no-version', 'malformed'].map((n) => ({ path: `/A/${n}.app/Contents/Info.plist`, content: peer(`parse-cases/${n}.plist`) })));
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['Exec@1.0', 'Name@42', 'com.example.app@1.0']);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/A/malformed.app/Contents/Info.plist']);
    expect(r.warnings.filter((w) => /names no bundle/.test(w))).toHaveLength(2);
  });

  it('the plist readers refuse entities, other DOCTYPEs, keys without values, and bad binary tables', () => {
    expect(() => readXmlPlist('<!DOCTYPE plist [<!ENTITY x "y">]><plist><dict><key>a</key><string>&x;</string></dict></plist>')).toThrow(PlistError);
    expect(() => readXmlPlist('<plist><dict><key>a</key></dict></plist>')).toThrow(/without a value/);
    expect(readXmlPlist('<plist version="1.0"><dict><key>a</key><string>x &amp; y</string><key>b</key><array><true/><integer>3</integer></array></dict></plist>')).toEqual({ a: 'x & y', b: [true, '3'] });
    const b = binaryGhostty();
    const broken = Buffer.from(b);
    broken.writeBigUInt64BE(10_000_000n, broken.length - 24);
    expect(() => readBinaryPlist(broken)).toThrow(PlistError);
    expect(() => readPlist(Buffer.from('bplist00'))).toThrow(PlistError);
  });

  it('hostile input (fast-check): a result or a thrown Error; a self-referencing binary plist is refused', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (buf: Buffer): void => {
      try {
        expect(Array.isArray(parseInfoPlist({ location: { path: '/A/x.app/Contents/Info.plist' }, contents: buf }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    const bin = binaryGhostty();
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), fc.nat(), (a, bytes, at) => {
        run(Buffer.from(a));
        run(Buffer.from(`<plist><dict><key>CFBundleName</key><string>${a}</string><key>CFBundleVersion</key>${a}</dict></plist>`));
        // the real binary plist with some bytes overwritten
        const mutated = Buffer.from(bin);
        Buffer.from(bytes).copy(mutated, at % mutated.length);
        run(mutated);
      }),
      { numRuns: 300 },
    );
    // one array object (ref 0) holding itself: bplist00, object 0 at offset 8 = 0xA1 0x00, offset table at 10
    const loop = Buffer.concat([Buffer.from('bplist00'), Buffer.from([0xa1, 0x00, 0x08]), Buffer.alloc(6), Buffer.from([1, 1]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), Buffer.alloc(8), Buffer.from([0, 0, 0, 0, 0, 0, 0, 10])]);
    expect(() => readBinaryPlist(loop)).toThrow(/nested deeper|reference loop/);
    run(Buffer.from(`<plist>${'<array>'.repeat(10_000)}`));
  });
});
