/**
 * A lean streaming tar reader for layer streams: headers are decoded in place and the bodies of
 * members nobody wants are skipped by counting bytes (no copies, no per-entry streams), which
 * keeps the squash close to the cost of gunzip itself. Understands ustar prefixes, pax `path`/
 * `linkpath`/`size` and GNU long names, like tar-index.ts.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { checksumOk, cstr, MAX_META, octal, parsePax, type TarHeader } from '../tar-index.js';

/** What the consumer does with a member's body; decided synchronously inside onEntry. */
export interface StreamedEntry {
  header: { name: string; type: string; size: number; mode: number; linkname: string };
  /** The member's bytes: in a buffer of its own, or copied into `into` (at least the member's size) and a view of it returned. */
  bytes(into?: Buffer): Promise<Buffer>;
  toFile(file: string): Promise<void>;
  skip(): void;
}

export async function parseTarStream(
  src: AsyncIterable<Buffer>,
  bad: (what: string) => never,
  onEntry: (entry: StreamedEntry) => Promise<void>,
): Promise<void> {
  const hdr = Buffer.alloc(512);
  let hdrFill = 0;
  let state: 'header' | 'body' | 'meta' | 'pad' | 'end' = 'header';
  let remaining = 0;
  let padding = 0;
  let total = 0;
  let members = 0;
  let collect: Buffer[] | undefined;
  let finish: ((body: Buffer) => Promise<void>) | undefined;
  let sink: ((piece: Buffer) => void) | undefined;
  let pending: Promise<void> | undefined;
  let metaType = '';
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;

  const endBody = async (): Promise<void> => {
    if (finish !== undefined) await finish(collect === undefined ? Buffer.alloc(0) : Buffer.concat(collect));
    collect = undefined;
    finish = undefined;
    sink = undefined;
    if (pending !== undefined) await pending;
    pending = undefined;
  };
  const endMeta = (): void => {
    const data = Buffer.concat(collect ?? []);
    collect = undefined;
    if (metaType === 'x') pax = { ...pax, ...parsePax(data) };
    else if (metaType === 'L') longName = cstr(data, 0, data.length);
    else if (metaType === 'K') longLink = cstr(data, 0, data.length);
  };

  for await (const chunk of src) {
    total += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      if (state === 'end') break;
      if (state === 'pad') {
        const n = Math.min(padding, chunk.length - off);
        off += n;
        padding -= n;
        if (padding === 0) state = 'header';
        continue;
      }
      if (state === 'body' || state === 'meta') {
        const n = Math.min(remaining, chunk.length - off);
        // A copy: the chunk may be a view of a buffer its producer reuses once the next chunk is asked for.
        if (collect !== undefined) collect.push(Buffer.from(chunk.subarray(off, off + n)));
        else if (state === 'body' && sink !== undefined) sink(chunk.subarray(off, off + n));
        off += n;
        remaining -= n;
        if (remaining === 0) {
          if (state === 'meta') endMeta();
          else await endBody();
          state = padding > 0 ? 'pad' : 'header';
        }
        continue;
      }
      // header
      const n = Math.min(512 - hdrFill, chunk.length - off);
      chunk.copy(hdr, hdrFill, off, off + n);
      hdrFill += n;
      off += n;
      if (hdrFill < 512) continue;
      hdrFill = 0;
      if (hdr.every((b) => b === 0)) {
        state = 'end';
        continue;
      }
      if (!checksumOk(hdr)) bad(`bad header checksum after ${members} members`);
      const typeflag = String.fromCharCode(hdr[156]!);
      let size = octal(hdr, 124, 12);
      if (pax.size !== undefined) size = Number(pax.size);
      if (!Number.isSafeInteger(size) || size < 0) bad(`bad size after ${members} members`);
      padding = (512 - (size % 512)) % 512;
      remaining = size;
      if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K' || typeflag === 'g') {
        if (size > MAX_META) bad('oversized extended header');
        metaType = typeflag;
        collect = [];
        state = 'meta';
        if (size === 0) {
          endMeta();
          state = padding > 0 ? 'pad' : 'header';
        }
        continue;
      }
      let name = cstr(hdr, 0, 100);
      if (hdr.toString('latin1', 257, 262) === 'ustar') {
        const prefix = cstr(hdr, 345, 155);
        if (prefix !== '') name = `${prefix}/${name}`;
      }
      name = pax.path ?? longName ?? name;
      const linkname = pax.linkpath ?? longLink ?? cstr(hdr, 157, 100);
      pax = {};
      longName = longLink = undefined;
      const isFile = typeflag === '0' || typeflag === '\0' || typeflag === '7';
      const type: TarHeader['type'] = isFile ? 'file' : typeflag === '5' ? 'directory' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'link' : 'other';
      const m = octal(hdr, 100, 8);
      members++;
      let wantBytes: ((b: Buffer) => void) | undefined;
      let wantInto: Buffer | undefined;
      let wantFile: string | undefined;
      let fileDone: (() => void) | undefined;
      let fileFail: ((e: unknown) => void) | undefined;
      const entry: StreamedEntry = {
        header: { name, type, size: isFile ? size : 0, mode: Number.isNaN(m) ? 0o644 : m & 0o7777, linkname },
        bytes: (into) =>
          new Promise<Buffer>((resolve) => {
            wantBytes = resolve;
            wantInto = into !== undefined && into.length >= size ? into : undefined;
          }),
        toFile: (file) =>
          new Promise<void>((resolve, reject) => {
            wantFile = file;
            fileDone = resolve;
            fileFail = reject;
          }),
        skip: () => {},
      };
      pending = onEntry(entry);
      // Awaited once the body has passed; mark it handled now so a rejection cannot go unhandled meanwhile.
      pending.catch(() => {});
      // onEntry has decided synchronously (before its first await) whether it wants the body.
      if (isFile && wantBytes !== undefined) {
        // Copied into one buffer of the member's size as it passes: no list of chunks, no concat copy.
        collect = undefined;
        const body = wantInto === undefined ? Buffer.allocUnsafe(size) : wantInto.subarray(0, size);
        let filled = 0;
        const wb = wantBytes;
        sink = (piece) => {
          piece.copy(body, filled);
          filled += piece.length;
        };
        finish = async () => wb(body);
      } else if (isFile && wantFile !== undefined) {
        // Spilled members go straight to their temp file, chunk by chunk: memory stays bounded.
        collect = undefined;
        let fd: number | undefined;
        let failure: unknown;
        try {
          fd = openSync(wantFile, 'w', 0o600);
        } catch (err) {
          failure = err;
        }
        sink = (piece) => {
          if (fd !== undefined && failure === undefined) {
            try {
              writeSync(fd, piece);
            } catch (err) {
              failure = err;
            }
          }
        };
        const done = fileDone!;
        const fail = fileFail!;
        finish = async () => {
          if (fd !== undefined) closeSync(fd);
          if (failure === undefined) done();
          else fail(failure);
        };
      } else {
        collect = undefined;
        sink = undefined;
        finish = undefined;
      }
      state = 'body';
      if (remaining === 0) {
        await endBody();
        state = padding > 0 ? 'pad' : 'header';
      }
    }
  }
  if (state === 'end' || (state === 'header' && hdrFill === 0 && members > 0)) return;
  bad(total === 0 ? 'the layer is empty' : `truncated after ${members} members`);
}
