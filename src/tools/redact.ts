/**
 * Credential redaction for anything a tool prints that custody repeats (stderr tails in errors,
 * debug lines). Fails closed: when in doubt, a value that looks like a secret is masked.
 */

/** What replaces a secret. */
export const REDACTED = '***';

/** Environment variable names whose values are secrets (their values are masked wherever they appear). */
const SECRET_ENV_NAME = /(PASS(WORD|WD)?|TOKEN|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)/i;

/** Keys whose value is a secret in `key=value`, `key: value`, `"key": "value"` and `--key value` forms. */
const SECRET_KEY = String.raw`(?:[A-Za-z0-9_.-]*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth|identitytoken|registrytoken))`;

const PATTERNS: readonly [RegExp, string | ((...m: string[]) => string)][] = [
  // scheme://user:password@host -> scheme://user:***@host (and a bare token as user: scheme://token@host)
  [/([a-z][a-z0-9+.-]*:\/\/)([^\s/:@'"]+):([^\s/@'"]+)@/gi, (_m, scheme, user) => `${scheme}${user}:${REDACTED}@`],
  [/([a-z][a-z0-9+.-]*:\/\/)([^\s/:@'"]{16,})@/gi, (_m, scheme) => `${scheme}${REDACTED}@`],
  // Authorization / Proxy-Authorization headers, whatever the scheme.
  [/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(basic|bearer|token|digest|negotiate)\s+)?[^\s"',;]+/gi,
    (_m, head, scheme) => `${head}${scheme ? `${scheme} ` : ''}${REDACTED}`],
  // A bare "Bearer xxx" / "Basic xxx" anywhere else.
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  // JSON: "password": "x", "auth": "base64", "identitytoken": "..."
  [new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*")(?:[^"\\]|\\.)*"`, 'gi'), (_m, head) => `${head}${REDACTED}"`],
  // Flags: --password x, --registry-token=x, --password="x y"
  [new RegExp(String.raw`(--${SECRET_KEY})(=|\s+)("[^"]*"|'[^']*'|\S+)`, 'gi'), (_m, flag, sep) => `${flag}${sep}${REDACTED}`],
  // key=value / key: value (env dumps, logs). The key must end the word to avoid "authored" etc.
  [new RegExp(String.raw`\b(${SECRET_KEY})(\s*[=:]\s*)(?!\*\*\*)("[^"]*"|'[^']*'|[^\s,;&"']+)`, 'gi'), (_m, key, sep) => `${key}${sep}${REDACTED}`],
  // Well-known token shapes.
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{30,})\b/g, REDACTED],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, REDACTED],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY----- ${REDACTED}`],
];

/**
 * Mask credentials in `text`: passwords in URLs, Authorization headers, bearer/basic tokens,
 * `password=`/`token:`/`"auth":` values, `--password x` flags, well-known token shapes, private keys,
 * and every exact value in `secrets` (e.g. from {@link secretValues}).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Exact secrets first (longest first so a secret containing another is masked whole).
  for (const s of [...secrets].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(REDACTED);
  }
  for (const [re, replacement] of PATTERNS) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement as (...m: string[]) => string);
  }
  return out;
}

/** Values of environment variables whose names say they hold a secret (TRIVY_PASSWORD, GITHUB_TOKEN, ...). */
export function secretValues(env: Readonly<Record<string, string | undefined>> | undefined): string[] {
  if (env === undefined) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.length >= 4 && SECRET_ENV_NAME.test(k)) out.push(v);
  return out;
}
