/**
 * Maven version ordering: the rules of org.apache.maven.artifact.versioning.ComparableVersion
 * (Maven 3.x): 2.0-beta9 < 2.0-rc1 < 2.0 < 2.0.1, 1.0-SNAPSHOT < 1.0 < 1.0-sp1, trailing zeros ignored.
 */
import { compareDigits, compareStrings } from './util.js';

type Item = { kind: 'int'; value: string } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  v = ALIASES[v] ?? v;
  return { kind: 'str', value: v };
}

function parseItem(isDigit: boolean, s: string): Item {
  return isDigit ? { kind: 'int', value: s.replace(/^0+(?=\d)/, '') } : stringItem(s, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return /^0+$/.test(item.value);
    case 'str':
      return comparableQualifier(item.value) === RELEASE_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

function normalize(list: Item & { kind: 'list' }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i]!;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMavenVersion(version: string): Item {
  const v = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack: (Item & { kind: 'list' })[] = [root];
  let isDigit = false;
  let start = 0;
  const push = (): void => {
    const next: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.') {
      list.items.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      list.items.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      push();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.items.push(stringItem(v.slice(start, i), true));
        start = i;
        push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        push();
      }
      isDigit = false;
    }
  }
  if (v.length > start) list.items.push(parseItem(isDigit, v.slice(start)));
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

function compareItem(a: Item, b: Item | undefined): number {
  if (b === undefined) {
    switch (a.kind) {
      case 'int':
        return isNull(a) ? 0 : 1;
      case 'str':
        return compareStrings(comparableQualifier(a.value), RELEASE_INDEX);
      case 'list':
        return a.items.length === 0 ? 0 : compareItem(a.items[0]!, undefined);
    }
  }
  switch (a.kind) {
    case 'int':
      return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
    case 'str':
      if (b.kind === 'int' || b.kind === 'list') return -1;
      return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    case 'list': {
      if (b.kind === 'int') return -1;
      if (b.kind === 'str') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const res = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (res !== 0) return res;
      }
      return 0;
    }
  }
}

export function compareMaven(a: string, b: string): number {
  return compareItem(parseMavenVersion(a), parseMavenVersion(b));
}
