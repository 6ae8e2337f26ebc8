/**
 * Real tier of the fault-injection suite (README "Completeness: what custody could not read"):
 * - noise: a clean input reports nothing incomplete: `sbom generate` of the six real images from every
 *   source form, and `sbom query` / `index add` over the shared corpus of real SBOMs and scanner reports;
 * - signals: SIGINT / SIGTERM mid pull from the loopback registry and mid read of a large local image
 *   (java-log4j, 350 MB): exit 130 / 143, one line, no output file, no temporary file.
 * The interrupt waits until the child has read a good part of the image (/proc/<pid>/io `rchar`).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { leftIn, privateTmp, runFault, until } from '../helpers/faults.js';
import { CORPUS, IMAGES, REGISTRY, realImageRefs } from '../helpers/paths.js';

const NAMES = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'];
const tmp = mkdtempSync(join(tmpdir(), 'custody-real-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Bytes the process has read so far (files and sockets). */
function bytesRead(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

describe('noise: clean inputs report nothing incomplete', () => {
  it.each(NAMES)('sbom generate %s from every source form: complete, nothing listed, exit 0', async (name) => {
    for (const [form, ref] of realImageRefs(name)) {
      const out = join(tmp, `${name}-${form}.json`);
      const r = await runFault(['sbom', 'generate', ref, '--plain-http', '-q', '-o', `json=${out}`]);
      expect(r.code, `${form}: ${r.stderr}`).toBe(0);
      expect(r.stderr, form).not.toMatch(/incomplete|not read completely/);
      const sbom = JSON.parse(readFileSync(out, 'utf8')) as Sbom;
      expect(sbom.completeness, form).toBe('complete');
      expect(sbom.incomplete, form).toEqual([]);
    }
  });

  it.each(['sboms', 'vuln-reports'])('sbom query and index add over the shared corpus %s: nothing incomplete', async (sub) => {
    const dir = join(CORPUS, sub);
    const q = await runFault(['sbom', 'query', dir, '--name', 'log4j-core', '-o', 'json']);
    expect([0, 1]).toContain(q.code);
    expect((JSON.parse(q.stdout) as { incomplete: unknown[] }).incomplete).toEqual([]);
    const add = await runFault(['sbom', 'index', 'add', '--db', join(tmp, `${sub}.db`), dir, '-o', 'json']);
    expect(add.code, add.stderr).toBe(0);
    expect((JSON.parse(add.stdout) as { incomplete: unknown[]; added: unknown[] }).incomplete).toEqual([]);
    const viaDb = await runFault(['sbom', 'query', '--db', join(tmp, `${sub}.db`), '--name', 'log4j-core', '-o', 'json']);
    expect((JSON.parse(viaDb.stdout) as { incomplete: unknown[] }).incomplete).toEqual([]);
  });
});

describe('signals mid-read of a real image', () => {
  const cases: [string, string, NodeJS.Signals, number][] = [
    ['a pull from the loopback registry', `registry:${REGISTRY}/sbomtest/java-log4j:latest`, 'SIGINT', 130],
    ['a pull from the loopback registry', `registry:${REGISTRY}/sbomtest/java-log4j:latest`, 'SIGTERM', 143],
    ['a large local gzip image (oci-archive)', `oci-archive:${join(IMAGES, 'oci-archive', 'java-log4j.tar')}`, 'SIGINT', 130],
    ['a large local image (docker-archive)', `docker-archive:${join(IMAGES, 'docker-archive', 'java-log4j.tar')}`, 'SIGTERM', 143],
  ];
  it.each(cases)('%s (%s), %s: exit %i, one line, no output and no temporary file left', async (_label, ref, signal, code) => {
    const out = join(tmp, `out-${signal}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(out);
    const t = privateTmp();
    const r = await runFault(['sbom', 'generate', ref, '--plain-http', '-o', `json=${join(out, 'sbom.json')}`, '-o', `cyclonedx-xml=${join(out, 'sbom.cdx.xml')}`], {
      env: { TMPDIR: t },
      // 20 MB read: the run is well under way, far from done (the image's layers are ~150 MB compressed).
      interruptWhen: (child) => until(() => bytesRead(child.pid) > 20_000_000),
      signal,
    });
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toBe(`custody: interrupted (${signal})\n`);
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
    expect(leftIn(t)).toEqual([]);
    rmSync(t, { recursive: true, force: true });
  });
});
