import type { Logger } from '../core/log.js';

/** How to open a source (`openSource`). Everything is optional; the CLI passes what the user gave. */
export interface OpenSourceOptions {
  /** Base for relative paths (the CLI passes io.cwd). */
  cwd?: string;
  /** 'os/arch[/variant]' to pick from a multi-platform index; default: hostPlatform(). */
  platform?: string;
  /** Where the sniffed kind, warnings and debug lines go. */
  log?: Logger;
  /** registry: speak plain HTTP (loopback/test registries only; `--plain-http`). */
  plainHttp?: boolean;
  /** registry: extra CA certificates (PEM file) for TLS. */
  caFile?: string;
  /** Environment for credentials (REGISTRY_AUTH_FILE, DOCKER_CONFIG, HOME); the CLI passes io.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** registry: per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** Cancel reads (the CLI's Ctrl-C signal). */
  signal?: AbortSignal;
  /** Bytes of wanted files kept in memory before spilling to temp files (default 64 MiB; files handed to a stream sink do not count). */
  memoryBudgetBytes?: number;
  /**
   * Hash local layer blobs while streaming and fail on a digest mismatch (registry blobs are always
   * checked). Off by default for local layouts: it costs ~30% of the read time; gzip CRCs and tar
   * checksums still catch corruption.
   */
  verifyLayers?: boolean;
  /** Where temp files go (default os.tmpdir()). */
  tempDir?: string;
  /** registry: fetch to use (tests). */
  fetch?: typeof fetch;
}
