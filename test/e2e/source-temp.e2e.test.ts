/**
 * Temp files of a streamed image (wanted bytes beyond the memory budget; gzip layers, since members of
 * plain layers stay in the archive and are never copied) are removed on dispose and when
 * the process exits without disposing (e.g. the CLI's process.exit(130) on a second Ctrl-C).
 * Runs the built dist/ in a child process with its own TMPDIR.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const base = mkdtempSync(join(tmpdir(), 'custody-tmptest-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function child(ending: 'dispose' | 'exit' | 'throw'): { code: number | null; seen: string; left: string[]; stderr: string } {
  const tmp = mkdtempSync(join(base, 't-'));
  const script = `
    import { readdirSync } from 'node:fs';
    const { openSource } = await import(${JSON.stringify(join(PROJECT_ROOT, 'dist', 'source', 'index.js'))});
    const src = await openSource(${JSON.stringify(`docker-archive:${join(PROJECT_ROOT, 'fixtures', 'generated', 'images', 'example-docker-gzip.tar')}`)}, { memoryBudgetBytes: 0 });
    const r = await src.resolver({ wants: () => true });
    await r.read('/var/lib/dpkg/status');
    console.log(readdirSync(process.env.TMPDIR).join(','));
    if (${JSON.stringify(ending)} === 'dispose') await src[Symbol.asyncDispose]();
    if (${JSON.stringify(ending)} === 'exit') process.exit(130);
    if (${JSON.stringify(ending)} === 'throw') throw new Error('boom');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
  return { code: r.status, seen: r.stdout.trim(), left: readdirSync(tmp), stderr: r.stderr };
}

describe('source temp files', () => {
  it.each(['dispose', 'exit', 'throw'] as const)('are gone after %s', (ending) => {
    const r = child(ending);
    expect(r.seen).toMatch(/custody-src-/); // the spill dir existed while the source was open
    expect(r.left).toEqual([]);
    expect(r.code).toBe(ending === 'dispose' ? 0 : ending === 'exit' ? 130 : 1);
    if (ending !== 'throw') expect(r.stderr).toBe('');
  });
});
