/**
 * CPE 2.3 formatted strings for runtime binaries (NISTIR 7695 §6.2, "formatted string binding"):
 * `cpe:2.3:a:<vendor>:<product>:<version>:<update>:*:*:*:*:*:*`, with every character other than
 * letters, digits, `_`, `.` and `-` quoted by a backslash (`17.0.2+8` → `17.0.2\+8`).
 */

function quote(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]/g, (c) => `\\${c}`);
}

/** An application CPE; an empty update is `*`. */
export function applicationCpe(vendor: string, product: string, version: string, update = ''): string {
  return `cpe:2.3:a:${quote(vendor)}:${quote(product)}:${quote(version)}:${update === '' ? '*' : quote(update)}:*:*:*:*:*:*`;
}
