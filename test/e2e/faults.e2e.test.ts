/**
 * Fault injection (issue 15, README "Completeness: what custody could not read"): the built CLI against
 * inputs it cannot read, outputs it cannot write, and signals mid-run. Each case checks the exit code,
 * the stderr line, the JSON `incomplete` entries, and that no output file or temporary file is left.
 *
 * Permission faults (EACCES) run the CLI as uid 65534 (`nobody`): the tests run as root, which no
 * permission bit stops. Interrupts wait for evidence that the run is under way (a request to a slow
 * local registry, an index's temporary file) before sending the signal.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, GENERATED } from '../helpers/paths.js';
import { leftIn, NOBODY, privateTmp, runFault, until } from '../helpers/faults.js';
import { BIN, PROJECT_ROOT } from '../helpers/run-cli.js';
import { startSlowRegistry, type SlowRegistry } from '../helpers/slow-registry.js';

const base = mkdtempSync(join(tmpdir(), 'custody-faults-'));
// Readable and traversable by uid 65534 (mkdtemp makes it 0700).
chmodSync(base, 0o755);
afterAll(() => {
  // Directories a test made unlistable must be listable again to be removed.
  const reopen = (d: string): void => {
    try {
      chmodSync(d, 0o755);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) reopen(join(d, e.name));
    } catch {
      // gone
    }
  };
  reopen(base);
  rmSync(base, { recursive: true, force: true });
});

const EXAMPLE = join(GENERATED, 'images', 'example-oci');
const SBOMS = join(FIXTURES, 'sboms', 'dir');
/** The good SBOMs: custody's own outputs of the example image (every format it writes) and third-party ones. */
let good: string;
/** Name of a package in every good SBOM of custody's, and of one that is in none. */
const PRESENT = 'bash';
const ABSENT = 'no-such-package';

type Json = { incomplete: { kind: string; path: string; reason: string; layer?: string; by?: string }[] } & Record<string, unknown>;

function dirWith(name: string, files: Record<string, string | Buffer>): string {
  const d = join(base, name);
  cpSync(good, d, { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true });
    writeFileSync(join(d, f), content);
  }
  chmodSync(d, 0o755);
  return d;
}

/**
 * The first half of a file. A cut that lands right after an inner `}` (or `>`) is moved back a byte: such a
 * cut is caught only when the file is parsed (when it holds the searched name), a documented limit of the
 * byte pre-filter (README "Completeness"); every other cut is caught without parsing.
 */
function cut(b: Buffer, frac = 0.5): Buffer {
  let n = Math.floor(b.length * frac);
  while (n > 1 && /[}>\s]/.test(String.fromCharCode(b[n - 1]!))) n--;
  return b.subarray(0, n);
}

beforeAll(async () => {
  good = join(base, 'good');
  mkdirSync(good);
  const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-q', '-o', `cyclonedx-json=${join(good, 'img.cdx.json')}`, '-o', `cyclonedx-xml=${join(good, 'img.cdx.xml')}`, '-o', `spdx-json=${join(good, 'img.spdx.json')}`]);
  expect(r.code, r.stderr).toBe(0);
  for (const f of ['app.cdx.json', 'img.spdx.json', 'syft.json', 'github.json', 'tv.spdx']) copyFileSync(join(SBOMS, f), join(good, `third-party-${f}`));
  // Files that clearly are something else: skips, never incompleteness.
  writeFileSync(join(good, 'img.cdx.json.sha256'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  img.cdx.json\n');
  writeFileSync(join(good, 'img.cdx.json.sig'), 'MEUCIQDuaaaa\n');
  writeFileSync(join(good, 'cosign.pem'), '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n');
  writeFileSync(join(good, 'README.md'), '# SBOMs of our images\n');
  writeFileSync(join(good, 'notes.md'), '');
  writeFileSync(join(good, 'package.json'), '{"name": "not-an-sbom", "version": "1.0.0"}\n');
  // Read in full and understood as something else: a provenance attestation, the CycloneDX schema itself.
  copyFileSync(join(GENERATED, 'provenance', 'app.intoto.jsonl'), join(good, 'app.intoto.jsonl'));
  copyFileSync(join(PROJECT_ROOT, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema', 'bom-1.6.SNAPSHOT.xsd'), join(good, 'bom-1.6.xsd'));
  chmodSync(good, 0o755);
});

const query = (dir: string, name: string, extra: string[] = []): Promise<ReturnType<typeof runFault> extends Promise<infer R> ? R : never> => runFault([...extra, 'sbom', 'query', dir, '--name', name, '-o', 'json']);

describe('sbom query over a directory of good SBOMs and faulty ones', () => {
  it('the good directory: nothing incomplete; the clear skips are counted; a miss is exit 1', async () => {
    const r = await query(good, ABSENT);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Json & { skipped: { path: string }[] };
    expect(doc.incomplete).toEqual([]);
    expect(doc.skipped.map((s) => s.path.slice(good.length + 1)).sort()).toEqual(['README.md', 'app.intoto.jsonl', 'bom-1.6.xsd', 'cosign.pem', 'img.cdx.json.sha256', 'img.cdx.json.sig', 'notes.md', 'package.json']);
    expect(r.stderr).not.toMatch(/incomplete/);
    expect((await query(good, PRESENT)).code).toBe(0);
  });

  const img = (f: string): Buffer => readFileSync(join(good, f));
  const third = (f: string): Buffer => readFileSync(join(good, `third-party-${f}`));
  // [label, file name in the directory, its bytes, what the reason says]
  const faults: [string, string, () => Buffer, RegExp][] = [
    ['truncated CycloneDX JSON', 'cut.cdx.json', () => cut(img('img.cdx.json')), /not valid JSON|truncated/],
    ['truncated CycloneDX XML', 'cut.cdx.xml', () => cut(img('img.cdx.xml')), /XML|truncated/],
    ['truncated SPDX JSON', 'cut.spdx.json', () => cut(img('img.spdx.json')), /not valid JSON|truncated/],
    ['truncated syft JSON', 'cut-syft.json', () => cut(third('syft.json')), /not valid JSON|truncated/],
    ['truncated GitHub dependency graph', 'cut-github.json', () => cut(third('github.json')), /not valid JSON|truncated/],
    ['truncated custody json model (no SBOM name)', 'cut-model.json', () => Buffer.from(JSON.stringify({ custodySbomVersion: 1, subject: { kind: 'image', name: 'x' }, packages: [{ id: 'a', name: 'bash' }] }).slice(0, 60)), /not valid JSON|truncated/],
    ['a .spdx file that is not SPDX tag-value', 'broken.spdx', () => Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]), /not an SBOM/],
    ['random bytes named like an SBOM', 'garbage.cdx.json', () => Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x99]), /not an SBOM|cannot tell/],
    ['an empty bom.json', 'bom.json', () => Buffer.alloc(0), /empty/],
    ['corrupt JSON holding the searched name', 'corrupt.cdx.json', () => Buffer.from(img('img.cdx.json').toString('utf8').replace('"name": "bash"', `"name": "${ABSENT}"`).replace('"components": [', '"components": [}')), /not valid JSON/],
  ];

  it.each(faults)('%s among good SBOMs: "no match" is exit 3 naming it; a match elsewhere stays 0', async (_label, file, bytes, reason) => {
    const dir = dirWith(`q-${file}`, { [file]: bytes() });
    const miss = await query(dir, ABSENT);
    expect(miss.code, miss.stderr).toBe(3);
    const doc = JSON.parse(miss.stdout) as Json;
    expect(doc.incomplete).toEqual([{ kind: 'sbom', path: join(dir, file), reason: expect.stringMatching(reason) }]);
    expect(miss.stderr).toMatch(new RegExp(`^incomplete: 1 input not read: sbom ${join(dir, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'));
    expect(miss.stderr).toMatch(/^incomplete: the answer above covers only what was read: exit 3 \(--allow-incomplete accepts it\)$/m);
    const hit = await query(dir, PRESENT);
    expect(hit.code, hit.stderr).toBe(0);
    expect((JSON.parse(hit.stdout) as Json).incomplete).toHaveLength(1);
    const allowed = await query(dir, ABSENT, ['--allow-incomplete']);
    expect(allowed.code).toBe(1);
    expect((JSON.parse(allowed.stdout) as Json).incomplete).toHaveLength(1);
  });

  it('an SBOM that declares itself incomplete is incomplete input, even when the pre-filter rules it out', async () => {
    const src = join(base, 'src-with-corrupt-jar');
    mkdirSync(join(src, 'opt'), { recursive: true });
    copyFileSync(join(GENERATED, 'catalog', 'java', 'corrupt.jar'), join(src, 'opt', 'corrupt.jar'));
    const dir = dirWith('q-declared', {});
    const gen = await runFault(['--allow-incomplete', 'sbom', 'generate', `dir:${src}`, '-o', `cyclonedx-json=${join(dir, 'partial.cdx.json')}`, '-o', `spdx-json=${join(dir, 'partial.spdx.json')}`]);
    expect(gen.code, gen.stderr).toBe(0);
    const miss = await query(dir, ABSENT);
    expect(miss.code).toBe(3);
    expect((JSON.parse(miss.stdout) as Json).incomplete).toEqual([
      { kind: 'sbom', path: join(dir, 'partial.cdx.json'), reason: expect.stringMatching(/^the SBOM declares itself incomplete: 1 input not read when it was made \(first: file \/opt\/corrupt\.jar: /) },
      { kind: 'sbom', path: join(dir, 'partial.spdx.json'), reason: expect.stringMatching(/^the SBOM declares itself incomplete/) },
    ]);
  });

  it('EACCES (run as uid 65534): an SBOM it may not open and a directory it may not list are incomplete; an unreadable .sig is a skip', async () => {
    const dir = dirWith('q-eacces', { 'secret.cdx.json': img('img.cdx.json'), 'locked/inner.spdx.json': img('img.spdx.json'), 'sealed.sig': 'x' });
    chmodSync(join(dir, 'secret.cdx.json'), 0o000);
    chmodSync(join(dir, 'sealed.sig'), 0o000);
    chmodSync(join(dir, 'locked'), 0o000);
    const r = await runFault(['sbom', 'query', dir, '--name', ABSENT, '-o', 'json'], { uid: NOBODY });
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as Json & { skipped: { path: string; reason: string }[] };
    expect(doc.incomplete).toEqual([
      { kind: 'directory', path: join(dir, 'locked'), reason: expect.stringMatching(/cannot list it: .*EACCES/) },
      { kind: 'sbom', path: join(dir, 'secret.cdx.json'), reason: expect.stringMatching(/cannot read: .*EACCES/) },
    ]);
    expect(doc.skipped).toContainEqual({ path: join(dir, 'sealed.sig'), reason: expect.stringMatching(/EACCES/) });
  });
});

describe('sbom index: what add could not read is recorded and query --db says so', () => {
  it('add exits 3 naming it; query --db answers over it are 3; fixing the file and re-adding clears it', async () => {
    const dir = dirWith('idx-faulty', { 'cut.cdx.json': cut(readFileSync(join(good, 'img.cdx.json'))) });
    const db = join(base, 'idx-faulty.db');
    const add = await runFault(['sbom', 'index', 'add', '--db', db, dir, '-o', 'json']);
    expect(add.code, add.stderr).toBe(3);
    expect((JSON.parse(add.stdout) as Json).incomplete).toEqual([{ kind: 'sbom', path: join(dir, 'cut.cdx.json'), reason: expect.stringMatching(/not valid JSON/) }]);
    expect(add.stderr).toMatch(/^incomplete: 1 input not read: sbom .*cut\.cdx\.json/m);
    const viaDb = await runFault(['sbom', 'query', '--db', db, '--name', ABSENT, '-o', 'json']);
    expect(viaDb.code).toBe(3);
    expect((JSON.parse(viaDb.stdout) as Json).incomplete).toEqual([{ kind: 'sbom', path: join(dir, 'cut.cdx.json'), reason: expect.stringMatching(/not valid JSON.*\(sbom index add, \d{4}-/) }]);
    expect((await runFault(['sbom', 'query', '--db', db, '--name', PRESENT])).code).toBe(0);
    const stats = await runFault(['sbom', 'index', 'stats', '--db', db, '-o', 'json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ unread: 1 });
    copyFileSync(join(good, 'img.cdx.json'), join(dir, 'cut.cdx.json'));
    expect((await runFault(['sbom', 'index', 'add', '--db', db, dir])).code).toBe(0);
    // An SBOM that declares itself incomplete is indexed, and recorded as not covering everything.
    const declared = join(dir, 'declared.cdx.json');
    writeFileSync(declared, JSON.stringify({ ...(JSON.parse(readFileSync(join(good, 'img.cdx.json'), 'utf8')) as Record<string, unknown>), compositions: [{ aggregate: 'unknown' }] }));
    const addDeclared = await runFault(['sbom', 'index', 'add', '--db', db, dir, '-o', 'json']);
    expect(addDeclared.code).toBe(3);
    expect(JSON.parse(addDeclared.stdout)).toMatchObject({ added: [declared], incomplete: [{ kind: 'sbom', path: declared, reason: 'the SBOM declares itself unknown' }] });
    const overDeclared = await runFault(['sbom', 'query', '--db', db, '--name', ABSENT, '-o', 'json']);
    expect(overDeclared.code).toBe(3);
    expect((JSON.parse(overDeclared.stdout) as Json).incomplete).toEqual([{ kind: 'sbom', path: declared, reason: expect.stringMatching(/^the SBOM declares itself unknown \(sbom index add, /) }]);
    // Its record goes with the SBOM.
    expect((await runFault(['sbom', 'index', 'remove', '--db', db, declared])).code).toBe(0);
    const clean = await runFault(['sbom', 'query', '--db', db, '--name', ABSENT, '-o', 'json']);
    expect(clean.code).toBe(1);
    expect((JSON.parse(clean.stdout) as Json).incomplete).toEqual([]);
  });

  it('a read-only index directory: query --db, list and stats work and create nothing; add and remove are a clear exit 3', async () => {
    const ro = join(base, 'ro-index');
    mkdirSync(ro);
    const db = join(ro, 'fleet.db');
    expect((await runFault(['sbom', 'index', 'add', '--db', db, good])).code).toBe(0);
    chmodSync(ro, 0o555);
    chmodSync(db, 0o444);
    const before = readdirSync(ro);
    expect(before).toEqual(['fleet.db']);
    const q = await runFault(['sbom', 'query', '--db', db, '--name', PRESENT], { uid: NOBODY });
    expect(q.code, q.stderr).toBe(0);
    expect((await runFault(['sbom', 'index', 'list', '--db', db], { uid: NOBODY })).code).toBe(0);
    expect((await runFault(['sbom', 'index', 'stats', '--db', db], { uid: NOBODY })).code).toBe(0);
    for (const argv of [
      ['sbom', 'index', 'add', '--db', db, good],
      ['sbom', 'index', 'remove', '--db', db, good],
      ['sbom', 'index', 'add', '--db', join(ro, 'new.db'), good],
    ]) {
      const w = await runFault(argv, { uid: NOBODY });
      expect(w.code, w.stderr).toBe(3);
      expect(w.stderr).toMatch(/^error \[QUERY_INDEX_UNWRITABLE\]: cannot (write|create) index .*not writable \(permission denied\)$/m);
    }
    expect(readdirSync(ro)).toEqual(before);
  });

  it.each([
    ['a 0-byte file', Buffer.alloc(0), /the file is empty/],
    ['a text file', Buffer.from('hello\n'), /not a SQLite database/],
    ['a SQLite database of something else', undefined, /no custody meta table/],
  ])('--db naming %s is refused (exit 3) and left exactly as it was', async (_label, bytes, why) => {
    const db = join(base, `foreign-${Math.random().toString(36).slice(2)}.db`);
    if (bytes) writeFileSync(db, bytes);
    else {
      const other = new Database(db);
      other.exec('CREATE TABLE notes (x TEXT)');
      other.close();
    }
    const was = readFileSync(db);
    for (const argv of [
      ['sbom', 'query', '--db', db, '--name', PRESENT],
      ['sbom', 'index', 'stats', '--db', db],
      ['sbom', 'index', 'add', '--db', db, good],
    ]) {
      const r = await runFault(argv);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.stderr).toMatch(why);
      expect(readFileSync(db).equals(was)).toBe(true);
    }
    expect(readdirSync(base).filter((f) => f.startsWith(`.${db.split('/').pop()}`))).toEqual([]);
  });

  /** A directory of `n` CycloneDX SBOMs of `components` packages each: an index build that takes a while. */
  function bigCorpus(name: string, n: number, components: number): string {
    const d = join(base, name);
    mkdirSync(d);
    for (let i = 0; i < n; i++) {
      const doc = { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { type: 'container', name: `img-${i}` } }, components: Array.from({ length: components }, (_, k) => ({ type: 'library', name: `pkg-${k}`, version: `1.${i}.${k}`, purl: `pkg:npm/pkg-${k}@1.${i}.${k}` })) };
      writeFileSync(join(d, `sbom-${i}.cdx.json`), JSON.stringify(doc));
    }
    return d;
  }

  it('SIGINT during the build of a new index: exit 130, one line, no index and no temporary file left', async () => {
    const corpus = bigCorpus('big-a', 200, 1000);
    const out = join(base, 'interrupted-new');
    mkdirSync(out);
    const r = await runFault(['sbom', 'index', 'add', '--db', join(out, 'fleet.db'), corpus], {
      interruptWhen: () => until(() => readdirSync(out).some((f) => f.startsWith('.fleet.db.custody-'))),
      signal: 'SIGINT',
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('custody: interrupted (SIGINT)\n');
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
  });

  it('SIGTERM while adding to an existing index: exit 143; the index stays consistent (whole SBOMs only) and readable', async () => {
    const corpus = bigCorpus('big-b', 300, 1000);
    const out = join(base, 'interrupted-existing');
    mkdirSync(out);
    const db = join(out, 'fleet.db');
    expect((await runFault(['sbom', 'index', 'add', '--db', db, good])).code).toBe(0);
    // WAL while add writes: once its file has grown, batches are being written.
    const r = await runFault(['sbom', 'index', 'add', '--db', db, corpus], { interruptWhen: () => until(() => existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0), signal: 'SIGTERM' });
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('custody: interrupted (SIGTERM)\n');
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = check.prepare('SELECT s.package_count AS want, (SELECT COUNT(*) FROM packages p WHERE p.sbom_id = s.id) AS got FROM sboms s').all() as { want: number; got: number }[];
    check.close();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.got).toBe(row.want);
    expect((await runFault(['sbom', 'index', 'stats', '--db', db])).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('sbom generate: incomplete SBOMs are marked, outputs all or nothing', () => {
  const outDir = (name: string): string => {
    const d = join(base, name);
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777);
    return d;
  };

  it('an output that cannot be written is found before the catalog run; the other outputs are not written', async () => {
    const d = outDir('gen-nonexistent');
    const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-o', `json=${join(d, 'a.json')}`, '-o', 'table=/nonexistent/x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error \[CLI_OUTPUT_UNWRITABLE\]: cannot write table output to \/nonexistent\/x: the directory does not exist$/m);
    expect(r.stderr).not.toMatch(/packages/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('/dev/full as an -o target: one error line, exit 3, no other output and no temporary file left', async () => {
    const d = outDir('gen-full');
    const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-q', '-o', 'json=/dev/full', '-o', `table=${join(d, 't.txt')}`, '-o', `spdx-json=${join(d, 's.json')}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('error [CLI_OUTPUT_UNWRITABLE]: cannot write json output to /dev/full: no space left on device\nhint: check that the directory exists and is writable and the disk has space; no output of this run was written\n');
    expect(readdirSync(d)).toEqual([]);
  });

  it('/dev/full as standard output: one line, exit 3', async () => {
    const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-q'], { stdoutFile: '/dev/full' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('custody: cannot write to standard output: ENOSPC\n');
  });

  it('an existing target keeps its file mode and is replaced whole; a symlink is followed and stays a link', async () => {
    const d = outDir('gen-mode');
    const target = join(d, 'sbom.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    symlinkSync(target, join(d, 'link.json'));
    const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-q', '-o', `json=${join(d, 'link.json')}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ custodySbomVersion: 1, completeness: 'complete' });
    expect(readdirSync(d).sort()).toEqual(['link.json', 'sbom.json']);
  });

  it('a FIFO target is written directly (not replaced by a file)', async () => {
    const d = outDir('gen-fifo');
    const fifo = join(d, 'pipe');
    await new Promise<void>((resolve, reject) => spawn('mkfifo', [fifo]).on('close', (c) => (c === 0 ? resolve() : reject(new Error('mkfifo failed')))));
    const reader = new Promise<string>((resolve) => {
      const cat = spawn('cat', [fifo]);
      const chunks: Buffer[] = [];
      cat.stdout.on('data', (c: Buffer) => chunks.push(c));
      cat.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const r = await runFault(['sbom', 'generate', `oci-dir:${EXAMPLE}`, '-q', '-o', `cyclonedx-json=${fifo}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await reader)).toMatchObject({ bomFormat: 'CycloneDX', compositions: [{ aggregate: 'complete' }] });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a dir: source it may not fully read (uid 65534): the SBOM is written marked incomplete, exit 3; --allow-incomplete exits 0', async () => {
    const root = join(base, 'rootfs-eacces');
    mkdirSync(join(root, 'var', 'lib', 'dpkg'), { recursive: true });
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'root'));
    writeFileSync(join(root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\n');
    writeFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2\nArchitecture: amd64\n');
    chmodSync(root, 0o755);
    chmodSync(join(root, 'var', 'lib', 'dpkg', 'status'), 0o000);
    chmodSync(join(root, 'root'), 0o000);
    const d = outDir('gen-eacces');
    const r = await runFault(['sbom', 'generate', `dir:${root}`, '-o', `json=${join(d, 'sbom.json')}`, '-o', `cyclonedx-json=${join(d, 'sbom.cdx.json')}`], { uid: NOBODY });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^incomplete: 2 inputs not read: directory \/root: permission denied; file \/var\/lib\/dpkg\/status: cannot read \/var\/lib\/dpkg\/status in dir:.*: permission denied$/m);
    const model = JSON.parse(readFileSync(join(d, 'sbom.json'), 'utf8')) as Json & { completeness: string };
    expect(model.completeness).toBe('incomplete');
    expect(model.incomplete).toEqual([
      { kind: 'directory', path: '/root', reason: 'permission denied' },
      { kind: 'file', path: '/var/lib/dpkg/status', reason: expect.stringMatching(/permission denied$/), by: 'dpkg-db-cataloger' },
    ]);
    const cdx = JSON.parse(readFileSync(join(d, 'sbom.cdx.json'), 'utf8')) as { compositions: { aggregate: string }[] };
    expect(cdx.compositions[0]!.aggregate).toBe('incomplete');
    const allowed = await runFault(['--allow-incomplete', 'sbom', 'generate', `dir:${root}`, '-q', '-o', 'json'], { uid: NOBODY });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/^incomplete: --allow-incomplete: answering as if complete$/m);
  });

  describe('signals mid registry pull (a slow local registry)', () => {
    let registry: SlowRegistry;
    beforeAll(async () => {
      registry = await startSlowRegistry(EXAMPLE);
    });
    afterAll(() => registry.close());

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)('%s: exit %i, one line, no output file, no temporary file', async (signal, code) => {
      const d = outDir(`gen-${signal}`);
      const tmp = privateTmp();
      const seen = registry.requests.length;
      const r = await runFault(['sbom', 'generate', `registry:${registry.host}/test/app:1.0`, '--plain-http', '-o', `json=${join(d, 'sbom.json')}`, '-o', `spdx-json=${join(d, 'sbom.spdx.json')}`], {
        env: { TMPDIR: tmp },
        interruptWhen: () => until(() => registry.requests.slice(seen).some((p) => p.includes('/blobs/') && !p.endsWith(registry.digest))),
        signal,
      });
      expect(r.code).toBe(code);
      expect(r.stderr).toBe(`custody: interrupted (${signal})\n`);
      expect(r.stdout).toBe('');
      expect(readdirSync(d)).toEqual([]);
      expect(leftIn(tmp)).toEqual([]);
    });
  });

  it('SIGPIPE: `| head -1` under pipefail keeps the answer\'s code (query: 0 for a match) and prints nothing on stderr', async () => {
    const many = join(base, 'many');
    mkdirSync(many);
    for (let i = 0; i < 300; i++) copyFileSync(join(good, 'img.cdx.json'), join(many, `img-${i}.cdx.json`));
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const sh = spawn('bash', ['-o', 'pipefail', '-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} sbom query ${JSON.stringify(many)} --name '*' -o csv | head -1`], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      sh.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      sh.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      sh.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stdout).toBe('sbom,format,subject,subject_digest,package,version,purl,type,locations,image,tags,layers,deleted\n');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/error|EPIPE|internal/i);
  });
});

describe('convert and diff over SBOMs that declare themselves incomplete', () => {
  let partial: string;
  beforeAll(async () => {
    const src = join(base, 'src-convert');
    mkdirSync(join(src, 'opt'), { recursive: true });
    copyFileSync(join(GENERATED, 'catalog', 'java', 'corrupt.jar'), join(src, 'opt', 'corrupt.jar'));
    partial = join(base, 'partial.cdx.json');
    expect((await runFault(['--allow-incomplete', 'sbom', 'generate', `dir:${src}`, '-q', '-o', `cyclonedx-json=${partial}`])).code).toBe(0);
  });

  it('convert keeps the declaration and exits 3 (an SBOM written from partial input); --allow-incomplete exits 0', async () => {
    const r = await runFault(['sbom', 'convert', partial, '-o', 'spdx-json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('custody:completeness=incomplete');
    expect(r.stderr).toMatch(/^incomplete: 1 input not read: sbom .*partial\.cdx\.json: the SBOM declares itself incomplete/m);
    expect((await runFault(['--allow-incomplete', 'sbom', 'convert', partial, '-o', 'cyclonedx-xml'])).code).toBe(0);
  });

  it('convert --file /dev/full or into a missing directory: exit 3, nothing left', async () => {
    const d = join(base, 'convert-out');
    mkdirSync(d);
    const full = await runFault(['sbom', 'convert', join(good, 'img.cdx.json'), '-o', 'spdx-json', '--file', '/dev/full']);
    expect(full.code).toBe(3);
    expect(full.stderr).toMatch(/^error \[CLI_OUTPUT_UNWRITABLE\]: cannot write spdx-json output to \/dev\/full: no space left on device$/m);
    const missing = await runFault(['sbom', 'convert', join(good, 'img.cdx.json'), '-o', 'json', '--file', join(d, 'no', 'such', 'x.json')]);
    expect(missing.code).toBe(3);
    expect(readdirSync(d)).toEqual([]);
  });

  it('diff: "no differences" between incomplete SBOMs is 3; differences stand (1)', async () => {
    const copy = join(base, 'partial-copy.cdx.json');
    copyFileSync(partial, copy);
    const same = await runFault(['sbom', 'diff', partial, copy, '-o', 'json']);
    expect(same.code).toBe(3);
    expect((JSON.parse(same.stdout) as Json).incomplete.map((i) => i.path).sort()).toEqual([copy, partial].sort());
    expect((await runFault(['--allow-incomplete', 'sbom', 'diff', partial, copy])).code).toBe(0);
    const differ = await runFault(['sbom', 'diff', partial, join(good, 'img.cdx.json')]);
    expect(differ.code).toBe(1);
  });
});

describe('scan over input that was not read or not scanned', () => {
  const V = join(GENERATED, 'vuln');

  it('the OSV engine over an SBOM that declares itself incomplete: a passing gate is exit 3, JSON lists it', async () => {
    const doc = JSON.parse(readFileSync(join(V, 'sbom', 'app-fixed.cdx.json'), 'utf8')) as Record<string, unknown>;
    const declared = join(base, 'declared-incomplete.cdx.json');
    writeFileSync(declared, JSON.stringify({ ...doc, compositions: [{ aggregate: 'incomplete', assemblies: ['root-app'] }] }));
    const r = await runFault(['scan', declared, '--osv-db', join(V, 'osv-db'), '--fail-on', 'high', '-o', 'json']);
    expect(r.code, r.stderr).toBe(3);
    expect((JSON.parse(r.stdout) as Json).incomplete).toEqual([{ kind: 'sbom', path: declared, reason: 'the SBOM declares itself incomplete' }]);
    expect((await runFault(['scan', join(V, 'sbom', 'app-fixed.cdx.json'), '--osv-db', join(V, 'osv-db'), '--fail-on', 'high'])).code).toBe(0);
    expect((await runFault(['--allow-incomplete', 'scan', declared, '--osv-db', join(V, 'osv-db'), '--fail-on', 'high'])).code).toBe(0);
  });

  it('what the tool says it could not scan: trivy end-of-service-life OS, a grype database error', async () => {
    const trivy = join(base, 'trivy-eosl.json');
    writeFileSync(trivy, JSON.stringify({ SchemaVersion: 2, ArtifactName: 'old:1', ArtifactType: 'container_image', Metadata: { OS: { Family: 'alpine', Name: '3.10.2', EOSL: true } }, Results: [{ Target: 'old:1 (alpine 3.10.2)', Class: 'os-pkgs', Type: 'alpine' }] }));
    const t = await runFault(['scan', '--report', trivy, '--fail-on', 'high', '-o', 'json']);
    expect(t.code).toBe(3);
    expect((JSON.parse(t.stdout) as Json).incomplete).toEqual([{ kind: 'vulndb', path: 'alpine 3.10.2', reason: expect.stringMatching(/end of service life/) }]);
    const grype = join(base, 'grype-dberror.json');
    writeFileSync(grype, JSON.stringify({ matches: [], source: { type: 'image', target: { userInput: 'x:1' } }, distro: { name: 'debian', version: '12' }, descriptor: { name: 'grype', version: '0.80.0', db: { built: '2024-01-01T00:00:00Z', error: 'database is corrupt' } } }));
    const g = await runFault(['scan', '--report', grype, '-o', 'json']);
    expect(g.code).toBe(3);
    expect((JSON.parse(g.stdout) as Json).incomplete).toEqual([{ kind: 'vulndb', path: 'grype vulnerability database', reason: 'grype reports a database error: database is corrupt' }]);
  });
});

describe('audit k8s: manifests it cannot read are never "audit passed: 0/0 images"', () => {
  const D = `sha256:${'ab'.repeat(32)}`;
  let policy: string;
  beforeAll(() => {
    policy = join(base, 'policy.yaml');
    writeFileSync(policy, 'images: {requireDigest: true}\n');
  });

  it.each([
    ['empty', ''],
    ['whitespace', ' \n\t\n'],
    ['null', 'null\n'],
    ['a bare string', 'hello\n'],
    ['a JSON array', '[]'],
    ['a number', '5\n'],
  ])('%s on stdin and as a file: exit 3, the report and JSON say what was not read', async (_label, text) => {
    const viaStdin = await runFault(['audit', 'k8s', '-', '--policy', policy, '-o', 'json'], { stdin: text });
    expect(viaStdin.code, viaStdin.stderr).toBe(3);
    const doc = JSON.parse(viaStdin.stdout) as Json & { ok: boolean; summary: { images: number } };
    expect(doc.summary.images).toBe(0);
    expect(doc.incomplete).toEqual([{ kind: 'manifest', path: '-', reason: expect.any(String) }]);
    expect(viaStdin.stderr).toMatch(/^incomplete: 1 input not read: manifest -: /m);
    const file = join(base, `manifest-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const asFile = await runFault(['audit', 'k8s', file, '--policy', policy]);
    expect(asFile.code).toBe(3);
    expect(asFile.stdout).not.toMatch(/audit passed/);
    expect(asFile.stdout).toMatch(/^audit incomplete \(1 not read or not checked\): 0\/0 images pass/m);
  });

  it('an empty directory is incomplete input', async () => {
    const d = join(base, 'empty-manifests');
    mkdirSync(d);
    const r = await runFault(['audit', 'k8s', d, '--policy', policy, '-o', 'json']);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Json).incomplete).toEqual([{ kind: 'manifest', path: d, reason: 'a directory with no .yaml, .yml or .json file' }]);
  });

  it('a container without image and `containers: 5` beside a good workload: the good image is audited, the audit is exit 3; policy allowIncomplete accepts it', async () => {
    const m = join(base, 'mixed.yaml');
    writeFileSync(
      m,
      [
        `apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: app, image: "registry.example/app@${D}"}]}`,
        'apiVersion: v1\nkind: Pod\nmetadata: {name: noimage}\nspec: {containers: [{name: app}]}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: five}\nspec: {template: {spec: {containers: 5}}}',
      ].join('\n---\n'),
    );
    const r = await runFault(['audit', 'k8s', m, '--policy', policy, '-o', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as Json & { ok: boolean; summary: { images: number } };
    expect(doc.ok).toBe(true);
    expect(doc.summary.images).toBe(1);
    expect(doc.incomplete).toEqual([
      { kind: 'workload', path: `${m}#2 Pod default/noimage`, reason: 'containers app has no image' },
      { kind: 'workload', path: `${m}#3 Deployment default/five`, reason: 'containers is a number (5), not a list of containers' },
    ]);
    const lenient = join(base, 'policy-lenient.yaml');
    writeFileSync(lenient, 'images: {requireDigest: true}\nallowIncomplete: true\n');
    const ok = await runFault(['audit', 'k8s', m, '--policy', lenient]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^not read \(2\)/m);
    expect(ok.stderr).toMatch(/^incomplete: --allow-incomplete: answering as if complete$/m);
  });

  it('a check that could not run (registry down): the check fails closed (exit 1) and the JSON says it was not checked', async () => {
    const p = join(base, 'policy-sig.yaml');
    copyFileSync(join(GENERATED, 'verify', 'p256.pub'), join(base, 'cosign.pub'));
    writeFileSync(p, 'signature: {keys: [cosign.pub]}\n');
    const r = await runFault(['audit', `127.0.0.1:9/app@${D}`, '--plain-http', '--policy', p, '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Json & { images: { checks: { rule: string; status: string; notChecked?: boolean }[] }[] };
    expect(doc.images[0]!.checks.find((c) => c.rule === 'signature')).toMatchObject({ status: 'fail', notChecked: true });
    expect(doc.incomplete).toEqual([{ kind: 'image', path: `127.0.0.1:9/app@${D}`, reason: expect.stringMatching(/^signature not checked: /), by: 'signature' }]);
  });

  it('SIGINT while an audit waits on a registry: exit 130, one line, no verdict printed', async () => {
    const registry = await startSlowRegistry(EXAMPLE, { hang: (path) => path.includes('/manifests/sha256-') || path.includes('/referrers/') });
    try {
      const p = join(base, 'policy-sig2.yaml');
      writeFileSync(p, 'signature: {keys: [cosign.pub]}\n');
      const r = await runFault(['audit', `${registry.host}/test/app@${registry.digest}`, '--plain-http', '--policy', p], {
        interruptWhen: () => until(() => registry.requests.some((x) => x.includes('/manifests/sha256-') || x.includes('/referrers/'))),
      });
      expect(r.code).toBe(130);
      expect(r.stderr).toBe('custody: interrupted (SIGINT)\n');
      expect(r.stdout).toBe('');
    } finally {
      await registry.close();
    }
  });
});

describe('every command that reads YAML or JSON: empty, whitespace, null, a string, a list', () => {
  const values = ['', '  \n', 'null', '"just a string"', '[]'];
  const d = (): string => {
    const dir = join(base, `yj-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'p.yaml'), 'images: {}\n');
    return dir;
  };
  const digest = `sha256:${'a'.repeat(64)}`;
  const commands: [string, (f: string, dir: string) => string[]][] = [
    ['sbom query', (f) => ['sbom', 'query', f, '--name', 'x']],
    ['sbom index add', (f, dir) => ['sbom', 'index', 'add', '--db', join(dir, 'i.db'), f]],
    ['sbom diff', (f) => ['sbom', 'diff', f, f]],
    ['sbom convert', (f) => ['sbom', 'convert', f, '-o', 'json']],
    ['sbom validate', (f) => ['sbom', 'validate', f]],
    ['scan (SBOM target)', (f) => ['scan', f, '--osv-db', join(GENERATED, 'vuln', 'osv-db')]],
    ['scan --report', (f) => ['scan', '--report', f]],
    ['scan --vex', (f) => ['scan', '--report', join(GENERATED, 'vuln', 'reports', 'grype-clean.json'), '--vex', f]],
    ['audit k8s (manifest)', (f, dir) => ['audit', 'k8s', f, '--policy', join(dir, 'p.yaml')]],
    ['audit (policy)', (f) => ['audit', 'k8s', f, '--policy', f]],
    // verify reports a malformed bundle as a failed check plus a warning line (its input checks are issue 15 part B).
    ['verify --bundle', (f) => ['verify', f, '--bundle', f, '--certificate-identity', 'a', '--certificate-oidc-issuer', 'b']],
    ['verify --trusted-root', (f) => ['verify', f, '--bundle', f, '--certificate-identity', 'a', '--certificate-oidc-issuer', 'b', '--trusted-root', f]],
    ['provenance check --attestation', (f) => ['provenance', 'check', digest, '--attestation', f, '--allow-missing-tlog']],
  ];
  it.each(commands)('%s: exit 3 for each, with an error or incomplete line on stderr and no passing verdict', async (_label, argv) => {
    for (const v of values) {
      const dir = d();
      const f = join(dir, 'in.json');
      writeFileSync(f, v);
      const r = await runFault(argv(f, dir));
      expect(r.code, `${JSON.stringify(v)}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/^(error|incomplete|warning: bundle .* is malformed)/m);
      expect(r.stdout).not.toMatch(/audit passed|✓ verified|PASS:/);
    }
  });
});
