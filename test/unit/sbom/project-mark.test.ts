/**
 * The project itself and its workspace members (metadata.project, README "The project itself") keep their
 * mark, and an empty version stays empty, through every output format and back.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { decodeSbomBytes } from '../../../src/sbom/index.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import { decodeNativeSbom } from '../../../src/sbom/native/index.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));

const pkg = (name: string, version: string, purl: string, metadata?: Record<string, unknown>): Package => ({
  id: `npm-${name}`,
  name,
  version,
  type: 'npm',
  purl,
  licenses: [],
  locations: [{ path: '/src/package-lock.json' }],
  foundBy: ['npm-lock-cataloger'],
  ...(metadata ? { metadata } : {}),
});

function projectSbom(): Sbom {
  return {
    subject: { kind: 'directory', name: 'dir:/src', transport: 'dir' },
    packages: [pkg('app', '1.0.0', 'pkg:npm/app@1.0.0', { project: 'root' }), pkg('member', '', 'pkg:npm/member', { project: 'workspace' }), pkg('ms', '2.1.3', 'pkg:npm/ms@2.1.3', { dev: true, indirect: false })],
    relationships: [{ from: 'npm-app', to: 'npm-ms', type: 'depends-on' }],
    tools: [{ name: 'custody', version: '0.0.0' }],
  };
}

describe('the project mark through the formats', () => {
  it.each(['cyclonedx-json', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json', 'json'])('%s', (format) => {
    const text = encodeSbom(projectSbom(), format, { clock });
    const back = format === 'json' ? decodeNativeSbom(JSON.parse(text)) : decodeSbomBytes(Buffer.from(text), format).sbom;
    const by = new Map(back.packages.map((p) => [p.name, p]));
    expect(by.get('app')!.metadata?.project).toBe('root');
    expect(by.get('member')!.metadata?.project).toBe('workspace');
    expect(by.get('member')!.version).toBe('');
    expect(by.get('member')!.purl).toBe('pkg:npm/member');
    expect(by.get('ms')!.metadata?.project).toBeUndefined();
    // custody's booleans come back as booleans where the format carries them (not SPDX 2.3: no place for them)
    if (format !== 'spdx-json') expect([by.get('ms')!.metadata?.dev, by.get('ms')!.metadata?.indirect]).toEqual([true, false]);
  });
});
