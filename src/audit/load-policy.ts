/**
 * Load an audit policy completely before any image is fetched (README "Policy file"): the YAML is parsed
 * and validated (parsePolicy: unknown keys, types, regular expressions, ranges), then everything it names
 * is read and checked too — public keys (readable, and public keys), the OSV database path, ignore and
 * VEX files — and a `vulnerabilities` rule must say which scanner answers it. Any problem is exit 3
 * naming the policy file and the key path: a bad value inside a file is input, not usage.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AuditError, InputError } from '../core/errors.js';
import { fileProblem, inputFileError, readInputFile } from '../core/input-file.js';
import { assertPublicKeyPem } from '../verify/index.js';
import { hasLocalVulnData, parseIgnoreFile, parseVex, resolveVulnDbDir } from '../vuln/index.js';
import { parsePolicy, type AuditPolicy } from './policy.js';

const MAX_POLICY_BYTES = 64 * 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;
const MAX_SUPPRESSION_BYTES = 64 * 1024 * 1024;

export interface LoadedPolicy {
  policy: AuditPolicy;
  /** The policy text (hashed into the report). */
  text: string;
  /** Directory of the policy file: relative paths inside it are relative to this. */
  dir: string;
  /** PEM text of every key the policy names, by the path as written in the policy. */
  keys: ReadonlyMap<string, string>;
}

export interface LoadPolicyOptions {
  /**
   * Environment that locates the local vulnerability database (`CUSTODY_VULNDB_DIR`, `XDG_CACHE_HOME`,
   * `HOME`): a `vulnerabilities` rule without `osvDb` or `engine` uses it, so it must hold data.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** An error about something the policy names: same code and hint, the message names the policy and the key. */
function inPolicy(err: unknown, file: string, keyPath: string): unknown {
  if (!(err instanceof AuditError)) return err;
  return new InputError(err.code, `policy ${file}: ${keyPath}: ${err.message}`, { ...(err.hint ? { hint: err.hint } : {}), cause: err });
}

function policyError(file: string, keyPath: string, message: string, hint: string): InputError {
  return new InputError('AUDIT_POLICY_INVALID', `policy ${file}: ${keyPath}: ${message}`, { hint });
}

/**
 * Read, parse and check a policy and everything it names.
 * @param path the policy file on disk; `shown` how to name it (what the user typed)
 * @throws InputError (exit 3): AUDIT_POLICY_NOT_FOUND|_PERMISSION_DENIED|... for the file itself,
 *   AUDIT_POLICY_INVALID for its content, AUDIT_POLICY_KEY_* for keys, VULN_BAD_IGNORE_FILE/VULN_BAD_VEX,
 *   each message naming the policy file and the key path
 */
export async function loadPolicy(path: string, shown: string, o: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  const text = (await readInputFile(path, { prefix: 'AUDIT_POLICY', what: 'policy', shown, maxBytes: MAX_POLICY_BYTES })).toString('utf8');
  const policy = parsePolicy(text, shown);
  const dir = dirname(path);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));

  const keys = new Map<string, string>();
  const keyRefs: [string, string][] = [
    ...(policy.signature?.keys ?? []).map((k, i): [string, string] => [k, `signature.keys[${i}]`]),
    ...policy.provenance.flatMap((r, i) => r.keys.map((k, j): [string, string] => [k, `provenance[${i}].keys[${j}]`])),
  ];
  for (const [k, keyPath] of keyRefs) {
    if (keys.has(k)) continue;
    try {
      const pem = (await readInputFile(abs(k), { prefix: 'AUDIT_POLICY_KEY', what: 'public key', shown: k, maxBytes: MAX_KEY_BYTES })).toString('utf8');
      assertPublicKeyPem(pem, k, 'AUDIT_POLICY');
      keys.set(k, pem);
    } catch (err) {
      throw inPolicy(err, shown, keyPath);
    }
  }

  const v = policy.vulnerabilities;
  if (v !== undefined) {
    // No engine, or osv without osvDb: the native engine on the local database (custody vulndb), which
    // must hold data now, not fail image by image later.
    if (v.osvDb === undefined && (v.engine === undefined || v.engine === 'osv')) {
      let local: string;
      try {
        local = resolveVulnDbDir(v.vulndbDir !== undefined ? abs(v.vulndbDir) : undefined, o.env ?? {}, dir);
      } catch (err) {
        throw inPolicy(err, shown, 'vulnerabilities');
      }
      if (!(await hasLocalVulnData(local))) {
        throw policyError(
          shown,
          v.engine === 'osv' ? 'vulnerabilities.engine' : 'vulnerabilities',
          `${v.engine === 'osv' ? 'osv' : 'the native scanner'} needs vulnerability data, and the local database ${local} has none`,
          'run `custody vulndb update`, or set vulnerabilities.osvDb to a local OSV database (a directory or all.zip), or vulnerabilities.engine: grype or trivy',
        );
      }
    }
    if (v.osvDb !== undefined) {
      // Only that it is there and readable: the database itself is loaded once, by the first scan.
      const db = v.osvDb;
      try {
        await access(abs(db), constants.R_OK).catch((err: unknown) => {
          const { problem, reason } = fileProblem(err);
          throw inputFileError({ prefix: 'AUDIT_POLICY_OSV_DB', what: 'OSV database', path: abs(db), shown: db }, problem, reason, err);
        });
      } catch (err) {
        throw inPolicy(err, shown, 'vulnerabilities.osvDb');
      }
    }
    if (v.ignore !== undefined) {
      try {
        const bytes = await readInputFile(abs(v.ignore), { prefix: 'AUDIT_POLICY_IGNORE', what: 'ignore file', shown: v.ignore, maxBytes: MAX_SUPPRESSION_BYTES });
        parseIgnoreFile(bytes.toString('utf8'), v.ignore);
      } catch (err) {
        throw inPolicy(err, shown, 'vulnerabilities.ignore');
      }
    }
    for (const [i, f] of v.vex.entries()) {
      try {
        parseVex(await readInputFile(abs(f), { prefix: 'AUDIT_POLICY_VEX', what: 'VEX document', shown: f, maxBytes: MAX_SUPPRESSION_BYTES }), f);
      } catch (err) {
        throw inPolicy(err, shown, `vulnerabilities.vex[${i}]`);
      }
    }
  }
  return { policy, text, dir, keys };
}
