/**
 * Terraform: `.terraform.lock.hcl`, the dependency lock file `terraform init` writes
 * (https://developer.hashicorp.com/terraform/language/files/dependency-lock):
 *
 *     provider "registry.terraform.io/hashicorp/aws" {
 *       version     = "5.72.1"
 *       constraints = "> 5.72.0"
 *       hashes = ["h1:…", "zh:…"]
 *     }
 *
 * Read by a bounded reader of the HCL subset such files use (blocks with string labels, attributes whose
 * values are strings, numbers, keywords and lists of them; `#`, `//` and `/* *\/` comments), never an
 * evaluator. Each provider is a package named by its full address, as syft reports it. There is no purl:
 * the purl spec has not settled a type for Terraform providers (package-url/purl-spec#369), and syft
 * leaves it empty for that reason. OSV has no Terraform ecosystem: a scan reports these as not covered.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, nameSome, textOf } from '../lang-common.js';

const CATALOGER = 'terraform-lock-cataloger';
/** Real lock files are a few KB per provider. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_PROVIDERS = 10_000;
const MAX_HASHES = 256;
const MAX_NAMED = 20;

export type HclValue = string | HclValue[];
export interface HclBlock {
  type: string;
  labels: string[];
  attributes: Map<string, HclValue>;
  blocks: HclBlock[];
}

export class HclError extends Error {}

/** A body of attributes and blocks, as `.terraform.lock.hcl` holds them; throws HclError at the first fault. */
export function parseLockHcl(text: string): HclBlock {
  let i = 0;
  let line = 1;
  const fail = (why: string): never => {
    throw new HclError(`${why} on line ${line}`);
  };
  /** Skip blanks and comments; newlines too unless `stopAtNewline`. Returns true when it passed a newline. */
  const skip = (stopAtNewline: boolean): boolean => {
    let newline = false;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n') {
        if (stopAtNewline) return true;
        newline = true;
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) fail('unterminated comment');
        for (let k = i; k < end; k++) if (text[k] === '\n') line++;
        i = end + 2;
      } else break;
    }
    return newline;
  };
  const string = (): string => {
    // i is at the opening quote
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') fail('newline in a string');
      if (c === '\\') {
        const e = text[++i];
        if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else if (e === 'r') out += '\r';
        else if (e === '"' || e === '\\') out += e;
        else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) {
          out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
          i += 4;
        } else fail('unknown escape in a string');
      } else out += c;
    }
    return fail('unterminated string');
  };
  const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
  const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const word = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  const value = (depth: number): HclValue => {
    if (depth > MAX_DEPTH) fail(`values nested deeper than ${MAX_DEPTH}`);
    skip(false);
    const c = text[i];
    if (c === '"') return string();
    if (c === '[') {
      i++;
      const items: HclValue[] = [];
      for (;;) {
        skip(false);
        if (text[i] === ']') {
          i++;
          return items;
        }
        items.push(value(depth + 1));
        skip(false);
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected "," or "]"');
      }
    }
    const w = word(NUMBER) ?? word(IDENT);
    if (w === undefined) fail(c === undefined ? 'unexpected end of file' : `unexpected ${JSON.stringify(c)}`);
    return w!;
  };
  const body = (depth: number, closing: boolean): Pick<HclBlock, 'attributes' | 'blocks'> => {
    if (depth > MAX_DEPTH) fail(`blocks nested deeper than ${MAX_DEPTH}`);
    const attributes = new Map<string, HclValue>();
    const blocks: HclBlock[] = [];
    for (;;) {
      skip(false);
      if (i >= text.length) {
        if (closing) fail('unexpected end of file in a block');
        return { attributes, blocks };
      }
      if (text[i] === '}') {
        if (!closing) fail('unexpected "}"');
        i++;
        return { attributes, blocks };
      }
      const name = word(IDENT) ?? fail(`unexpected ${JSON.stringify(text[i])}`);
      skip(true);
      if (text[i] === '=') {
        i++;
        if (attributes.has(name)) fail(`attribute ${JSON.stringify(name)} given twice`);
        attributes.set(name, value(depth + 1));
      } else {
        const labels: string[] = [];
        for (;;) {
          skip(true);
          if (text[i] === '"') labels.push(string());
          else {
            const w = word(IDENT);
            if (w === undefined) break;
            labels.push(w);
          }
        }
        if (text[i] !== '{') fail(`expected "=" or "{" after ${JSON.stringify(name)}`);
        i++;
        const inner = body(depth + 1, true);
        blocks.push({ type: name, labels, ...inner });
      }
      // an attribute or a block ends its line
      const end = i;
      if (!skip(true) && i < text.length && text[i] !== '\n' && text[i] !== '}') {
        i = end;
        fail('expected a new line');
      }
    }
  };
  return { type: '', labels: [], ...body(0, false) };
}

const strings = (v: HclValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseTerraformLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`.terraform.lock.hcl is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let root: HclBlock;
  try {
    root = parseLockHcl(textOf(file.contents));
  } catch (err) {
    if (err instanceof HclError) throw new Error(`.terraform.lock.hcl is not readable HCL: ${err.message}`, { cause: err });
    throw err;
  }
  const packages: Package[] = [];
  const unread: string[] = [];
  const other = new Set<string>();
  const providers = root.blocks.filter((b) => b.type === 'provider');
  for (const b of root.blocks) if (b.type !== 'provider') other.add(b.type);
  if (other.size > 0) ctx.warn(`.terraform.lock.hcl blocks not read: ${nameSome([...other], MAX_NAMED)}`, file.location);
  if (providers.length > MAX_PROVIDERS) ctx.incomplete(`.terraform.lock.hcl has ${providers.length} providers; only the first ${MAX_PROVIDERS} are read`);
  for (const [n, b] of providers.slice(0, MAX_PROVIDERS).entries()) {
    const address = b.labels.length === 1 ? b.labels[0]! : '';
    const version = b.attributes.get('version');
    if (address === '' || typeof version !== 'string' || version === '') {
      unread.push(address ? JSON.stringify(address) : `#${n + 1}`);
      continue;
    }
    const constraints = b.attributes.get('constraints');
    const hashes = strings(b.attributes.get('hashes'));
    packages.push(
      langPackage({
        name: address,
        version,
        type: 'terraform',
        location: file.location,
        foundBy: CATALOGER,
        metadata: {
          ...(typeof constraints === 'string' && constraints !== '' ? { constraints } : {}),
          ...(hashes.length > 0 ? { hashes: hashes.slice(0, MAX_HASHES) } : {}),
        },
      }),
    );
  }
  if (unread.length > 0) ctx.incomplete(`.terraform.lock.hcl providers without one address and a version: ${nameSome(unread, MAX_NAMED)}`);
  return { packages };
}
