import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { collectingLogger } from '../../../src/core/log.js';
import { createMemoryResolver, openSource } from '../../../src/source/index.js';
import type { FileResolver } from '../../../src/source/index.js';

async function globAll(r: FileResolver, pats: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of r.glob(pats)) out.push(l.path);
  return out;
}

describe('memory resolver', () => {
  const r = createMemoryResolver([
    { path: 'usr/lib/os-release', content: 'ID=debian\n' },
    { path: '/etc/os-release', linkTarget: '../usr/lib/os-release' },
    { path: '/etc/alternatives/java', linkTarget: '/usr/lib/jvm/java-17/bin/java' },
    { path: '/usr/lib/jvm/java-17/bin/java', content: 'ELF' },
    { path: '/usr/bin/java', linkTarget: '/etc/alternatives/java' },
    { path: '/escape', linkTarget: '../../../../etc/passwd' },
    { path: '/etc/passwd', content: 'root:x:0:0' },
    { path: '/loop/a', linkTarget: 'b' },
    { path: '/loop/b', linkTarget: '/loop/a' },
    { path: '/dangling', linkTarget: '/nope' },
    { path: '/.hidden/x.json', content: '{}' },
  ]);

  it('follows relative and absolute links inside the root', async () => {
    expect(r.resolve('/etc/os-release')).toBe('/usr/lib/os-release');
    expect(r.resolve('/usr/bin/java')).toBe('/usr/lib/jvm/java-17/bin/java');
    expect((await r.read('/etc/os-release')).toString()).toBe('ID=debian\n');
    expect((await r.read({ path: '/usr/bin/java' })).toString()).toBe('ELF');
  });

  it('re-roots ../ beyond the root instead of escaping', async () => {
    expect(r.resolve('/escape')).toBe('/etc/passwd');
    expect((await r.read('/escape')).toString()).toBe('root:x:0:0');
  });

  it('detects loops and dangling links', async () => {
    expect(r.resolve('/loop/a')).toBeUndefined();
    expect(r.resolve('/dangling')).toBeUndefined();
    await expect(r.read('/loop/a')).rejects.toBeInstanceOf(InputError);
  });

  it('stat does not follow the last link; parents are implied dirs', () => {
    expect(r.stat('/etc/os-release')?.kind).toBe('symlink');
    expect(r.stat('/usr/lib')?.kind).toBe('dir');
    expect(r.stat('/nope')).toBeUndefined();
  });

  it('globs regular files only, with dot files, in path order', async () => {
    expect(await globAll(r, ['**/os-release'])).toEqual(['/usr/lib/os-release']);
    expect(await globAll(r, ['**/*.json'])).toEqual(['/.hidden/x.json']);
    const paths = [...r.entries()].map((e) => e.path);
    expect(paths).toEqual([...paths].sort());
  });
});

describe('dir: source', () => {
  const root = mkdtempSync(join(tmpdir(), 'custody-dir-test-'));
  const outside = mkdtempSync(join(tmpdir(), 'custody-outside-'));
  writeFileSync(join(outside, 'secret'), 'host secret');
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\n');
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  symlinkSync(join(outside, 'secret'), join(root, 'etc/host-link'));
  symlinkSync('../../../../../../../..' + join(outside, 'secret'), join(root, 'etc/climb'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('walks the directory and resolves links inside it', async () => {
    await using src = await openSource(`dir:${root}`);
    expect(src.describe()).toMatchObject({ kind: 'directory', transport: 'dir' });
    const r = await src.resolver();
    expect((await r.read('/etc/os-release')).toString()).toBe('ID=debian\n');
    expect(await globAll(r, ['/etc/**', '/usr/**'])).toEqual(['/usr/lib/os-release']);
  });

  it('never reads the host through absolute or climbing links', async () => {
    await using src = await openSource(`dir:${root}`);
    const r = await src.resolver();
    expect(r.resolve('/etc/host-link')).toBeUndefined();
    expect(r.resolve('/etc/climb')).toBeUndefined();
    await expect(r.read('/etc/host-link')).rejects.toBeInstanceOf(InputError);
  });

  it('sniffs a bare directory and says so', async () => {
    const log = collectingLogger();
    await using src = await openSource(root, { log });
    expect(src.describe().transport).toBe('dir');
    expect(log.infos.join('\n')).toContain('dir:');
  });

  it('missing path is an exit-3 input error', async () => {
    await expect(openSource(join(root, 'nope'))).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_NOT_FOUND' });
    await expect(openSource(`dir:${join(root, 'nope')}`)).rejects.toMatchObject({ exitCode: 3 });
  });
});
