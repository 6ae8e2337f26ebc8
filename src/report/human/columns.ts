/**
 * Aligned columns for human tables. Nothing is cut unless the output goes to a terminal of known width
 * (`width`): then the cut-able columns give up characters, the widest first, down to their minimum, and a
 * cut cell shows '…' where text was left out (a path keeps its tail, a name its head). Piped output is never
 * cut: scripts and files get every character.
 */

export interface FitColumn {
  header: string;
  /** Which end of a cut cell stays: 'tail' for paths, 'head' for names; 'none': never cut. */
  keep: 'head' | 'tail' | 'none';
  /** Never cut below this many characters. */
  min: number;
}

const GAP = 2;

/** Display width of a cell: one column per code point (tables hold paths, names and digests). */
function len(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function cut(s: string, width: number, keep: 'head' | 'tail'): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return '…';
  return keep === 'head' ? `${chars.slice(0, width - 1).join('')}…` : `…${chars.slice(chars.length - width + 1).join('')}`;
}

/** Lay out `rows` (the first is the header) in aligned columns, fitting `width` when given. Lines carry no trailing spaces. */
export function fitColumns(rows: readonly (readonly string[])[], columns: readonly FitColumn[], width?: number): string[] {
  const widths = columns.map((_, i) => Math.max(0, ...rows.map((r) => len(r[i] ?? ''))));
  if (width !== undefined && width > 0) {
    const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);
    // Take one character at a time from the widest column that may still give one.
    for (let over = total() - width; over > 0; over--) {
      let pick = -1;
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i]!;
        if (c.keep === 'none' || widths[i]! <= Math.max(c.min, len(c.header))) continue;
        if (pick === -1 || widths[i]! > widths[pick]!) pick = i;
      }
      if (pick === -1) break;
      widths[pick]!--;
    }
  }
  return rows.map((r) =>
    r
      .map((cell, i) => {
        const c = columns[i]!;
        const w = widths[i]!;
        const text = c.keep !== 'none' && len(cell) > w ? cut(cell, w, c.keep) : cell;
        return i === r.length - 1 ? text : text + ' '.repeat(Math.max(0, w - len(text)));
      })
      .join(' '.repeat(GAP))
      .trimEnd(),
  );
}
