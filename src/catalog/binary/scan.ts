/**
 * A bounded search for version strings in an executable or shared library, through random access:
 * only the sections where compilers put string literals (`.rodata*`, `.data*` of an ELF file) are
 * read, in windows of {@link WINDOW_BYTES}, at most {@link MAX_SCAN_BYTES} per file; a file that is
 * not ELF (or has no section table) is read from its start under the same cap. Nothing of the file is
 * held beyond one window.
 *
 * Patterns with a literal `anchor` are found with Buffer#indexOf (memchr-fast) and only the bytes
 * around each hit are handed to the regular expression; patterns without one run over each window.
 */
import { readElf, type ByteSource } from '../go/elf.js';

/** Bytes read per window. */
export const WINDOW_BYTES = 1 << 20;
/** Longest match a pattern may need, before and after its anchor (windows overlap by twice this). */
export const MAX_MATCH_BYTES = 256;
/** At most this many bytes of one file are searched (a static Node.js binary has ~20 MB of .rodata). */
export const MAX_SCAN_BYTES = 64 * 1024 * 1024;

export interface VersionPattern {
  /** A literal every match contains (latin1), found before the regular expression runs. */
  anchor?: string;
  /** Must have a `version` named group (unless `presence`); binaries are matched as latin1 text. */
  re: RegExp;
  /** How far (bytes) a match may reach from its anchor, either side; {@link MAX_MATCH_BYTES} unless set. */
  reach?: number;
  /** A match needs no version: the pattern only says that something is in the file. */
  presence?: boolean;
}

export interface ScanHit {
  /** Index of the pattern that matched (patterns earlier in the list win). */
  pattern: number;
  version: string;
  groups: Record<string, string>;
}

export interface ScanResult {
  hit?: ScanHit;
  /** Bytes read. */
  scanned: number;
  /** The search stopped at the cap before covering every range it wanted to read. */
  truncated: boolean;
}

interface Range {
  offset: number;
  size: number;
}

/** Where string literals live: an ELF file's `.rodata*` and `.data*` sections; else the whole file. */
export function stringRanges(src: ByteSource): Range[] {
  const elf = readElf(src);
  if (elf === undefined || elf.sections.length === 0) return [{ offset: 0, size: src.size }];
  const out: Range[] = [];
  for (const s of elf.sections) {
    if (s.type === 8 /* SHT_NOBITS */ || !(s.name.startsWith('.rodata') || s.name.startsWith('.data'))) continue;
    if (!Number.isSafeInteger(s.offset) || s.offset >= src.size || s.size <= 0) continue;
    out.push({ offset: s.offset, size: Math.min(s.size, src.size - s.offset) });
  }
  out.sort((a, b) => a.offset - b.offset);
  return out;
}

function matchAt(text: string, re: RegExp): RegExpExecArray | null {
  re.lastIndex = 0;
  return re.exec(text);
}

function hitOf(m: RegExpExecArray, pattern: number, presence: boolean): ScanHit | undefined {
  const version = m.groups?.version ?? '';
  if (version === '' && !presence) return undefined;
  const groups: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[k] = v;
  return { pattern, version, groups };
}

/**
 * Search the ranges for the patterns; the first pattern (in list order) that matches anywhere wins,
 * as syft's "match any" does. Stops early once pattern 0 matched.
 */
export function scanForVersion(src: ByteSource, patterns: readonly VersionPattern[], ranges: readonly Range[] = stringRanges(src), maxBytes = MAX_SCAN_BYTES): ScanResult {
  const r = scanForPatterns(src, patterns, (best) => best[0] !== undefined, ranges, maxBytes);
  const hit = r.hits.find((h) => h !== undefined);
  return { ...(hit ? { hit } : {}), scanned: r.scanned, truncated: r.truncated && hit === undefined };
}

export interface MultiScanResult {
  /** The first match of each pattern (by index), if any. */
  hits: (ScanHit | undefined)[];
  scanned: number;
  /** The search stopped at the cap before covering every range it wanted to read. */
  truncated: boolean;
}

/**
 * Search the ranges for every pattern at once (one pass over the file), until `enough` says the hits
 * so far settle the question or the ranges (or the byte cap) end.
 */
export function scanForPatterns(
  src: ByteSource,
  patterns: readonly VersionPattern[],
  enough: (hits: readonly (ScanHit | undefined)[]) => boolean,
  ranges: readonly Range[] = stringRanges(src),
  maxBytes = MAX_SCAN_BYTES,
): MultiScanResult {
  const anchors = patterns.map((p) => (p.anchor === undefined ? undefined : Buffer.from(p.anchor, 'latin1')));
  const reach = patterns.map((p) => Math.max(MAX_MATCH_BYTES, p.reach ?? 0));
  // Each window reaches 2 * margin into the next one, so a match across the seam is whole in one of them.
  const margin = Math.max(MAX_MATCH_BYTES, ...reach);
  const best: (ScanHit | undefined)[] = patterns.map(() => undefined);
  let scanned = 0;
  let truncated = false;
  outer: for (const r of ranges) {
    for (let start = r.offset; start < r.offset + r.size; start += WINDOW_BYTES) {
      if (scanned >= maxBytes) {
        truncated = true;
        break outer;
      }
      const want = Math.min(WINDOW_BYTES + 2 * margin, r.offset + r.size - start, maxBytes - scanned + 2 * margin);
      const buf = src.read(start, want);
      scanned += Math.min(buf.length, WINDOW_BYTES);
      if (buf.length === 0) break;
      let text: string | undefined;
      for (let i = 0; i < patterns.length; i++) {
        if (best[i] !== undefined) continue;
        const p = patterns[i]!;
        const presence = p.presence === true;
        const anchor = anchors[i];
        if (anchor === undefined) {
          text ??= buf.toString('latin1');
          const m = matchAt(text, p.re);
          if (m) best[i] = hitOf(m, i, presence);
          continue;
        }
        const around = reach[i]!;
        for (let at = buf.indexOf(anchor); at >= 0; at = buf.indexOf(anchor, at + 1)) {
          const from = Math.max(0, at - around);
          const m = matchAt(buf.toString('latin1', from, Math.min(buf.length, at + anchor.length + around)), p.re);
          if (m) {
            best[i] = hitOf(m, i, presence);
            if (best[i] !== undefined) break;
          }
        }
      }
      if (enough(best)) break outer;
      if (buf.length < want) break;
    }
  }
  return { hits: best, scanned, truncated };
}
