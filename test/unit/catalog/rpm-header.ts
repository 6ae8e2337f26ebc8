/**
 * Encodes RPM header blobs the way rpm stores them in rpmdb.sqlite (be32 index count, be32 data size,
 * 16-byte entries tag/type/offset/count, data store), and builds an rpmdb.sqlite with better-sqlite3.
 */
import Database from 'better-sqlite3';

export type HeaderValue = { type: 'string' | 'i18n'; value: string } | { type: 'int32'; value: number };

export function encodeRpmHeader(tags: ReadonlyArray<[number, HeaderValue]>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const [tag, v] of tags) {
    let bytes: Buffer;
    let type: number;
    if (v.type === 'int32') {
      const pad = (4 - (size % 4)) % 4; // int32 values are 4-byte aligned in the store
      if (pad) {
        data.push(Buffer.alloc(pad));
        size += pad;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(v.value);
      type = 4;
    } else {
      bytes = Buffer.concat([Buffer.from(v.value, 'utf8'), Buffer.from([0])]);
      type = v.type === 'string' ? 6 : 9;
    }
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeUInt32BE(size, 8);
    e.writeUInt32BE(1, 12);
    entries.push(e);
    data.push(bytes);
    size += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

/** An rpmdb.sqlite image (rpm >= 4.16 schema for Packages) holding the blobs; `wal` sets WAL mode like rpm does. */
export function buildRpmdbSqlite(blobs: readonly Buffer[], options: { wal?: boolean } = {}): Buffer {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  db.exec('CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES Packages(hnum))');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const b of blobs) insert.run(b);
  const bytes = db.serialize();
  db.close();
  if (options.wal) {
    bytes[18] = 2;
    bytes[19] = 2;
  }
  return bytes;
}

export const str = (value: string): HeaderValue => ({ type: 'string', value });
export const i18n = (value: string): HeaderValue => ({ type: 'i18n', value });
export const int = (value: number): HeaderValue => ({ type: 'int32', value });
