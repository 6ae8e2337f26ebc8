/**
 * Parsing files as their bytes stream past (issue 17, "Scale"). A streamed image (gzip layers, a
 * registry) hands each wanted file to the sink built here while its layer is read; the parsers that
 * match it run there and then, their results are recorded per (parser, path, layer), and the bytes
 * are dropped. Once the walk is done, `runCatalogers` goes over the squashed view exactly as before
 * and, for each file, replays the recorded result instead of reading the file: records of versions
 * that a later layer replaced or deleted are never looked at (their packages, warnings and parse
 * failures do not count), and with `--scope all-layers` every version is in the view and is replayed.
 * The answer is the one a parse of the squashed tree gives; only the bytes held differ.
 *
 * Not every parser can run before the walk ends: OS package databases need the distro (os-release
 * may come later in the stream, or from a later layer) and some parsers read other files
 * (`companions`: dpkg's copyright and .list files, go.sum beside go.mod, the JDK's bin/javac beside
 * `release`). Their files, their companions and the distro files stay kept by the source, as before.
 */
import { errorMessage } from '../core/errors.js';
import type { LinuxRelease, Location } from '../sbom/model.js';
import type { RandomAccessFile, StreamedFile, StreamSink } from '../source/types.js';
import { DEFAULT_LIMITS, type CatalogContext, type Cataloger, type CatalogLimits, type ParseResult, type ParserSpec } from './cataloger.js';
import { DISTRO_PATHS } from './os-release.js';
import { compilePathMatcher } from './path-match.js';

/** A `ctx.warn` or `ctx.incomplete` call, kept in order for the runner to replay. */
export type ParseNote = { kind: 'warn'; message: string; location?: Location } | { kind: 'incomplete'; reason: string; location?: Location };

/** What one parser made of one file: its result or the error it threw, and what it said meanwhile. */
export interface ParseRecord {
  result?: ParseResult;
  /** Set when the parser threw (or the bytes could not be read): the runner marks the file incomplete. */
  error?: unknown;
  notes: ParseNote[];
}

/** True when a parser can run on a file as it streams: it needs neither other files nor the distro. */
export function isStreamable(parser: ParserSpec): boolean {
  return parser.usesDistro !== true && parser.pathsOnly !== true && (parser.companions ?? []).length === 0;
}

/** The bytes of the file being parsed, read only as the parser needs them. */
export interface ParseInput {
  read(): Promise<Buffer>;
  open(): RandomAccessFile | Promise<RandomAccessFile>;
}

export interface ParseEnv {
  limits: CatalogLimits;
  distro?: LinuxRelease;
  read?: (path: string) => Promise<Buffer | undefined>;
  companionPaths?: () => readonly string[];
  signal?: AbortSignal;
}

/**
 * Run one parser on one file and record what happened. Never throws for the file's contents (a
 * parser that throws gives a record with `error`); throws only when `env.signal` aborts.
 */
export async function parseOne(parser: ParserSpec, location: Location, input: ParseInput, env: ParseEnv): Promise<ParseRecord> {
  const notes: ParseNote[] = [];
  const ctx: CatalogContext = {
    warn: (message, at) => void notes.push({ kind: 'warn', message, ...(at === undefined ? {} : { location: at }) }),
    incomplete: (reason, at) => void notes.push({ kind: 'incomplete', reason, ...(at === undefined ? {} : { location: at }) }),
    limits: env.limits,
    ...(env.read === undefined ? {} : { read: env.read }),
    ...(env.companionPaths === undefined ? {} : { companionPaths: env.companionPaths }),
    ...(env.distro === undefined ? {} : { distro: env.distro }),
  };
  try {
    if (parser.randomAccess === true) {
      const file = await input.open();
      try {
        return { result: await parser.parse({ location, file }, ctx), notes };
      } finally {
        file.close();
      }
    }
    return { result: await parser.parse({ location, contents: await input.read() }, ctx), notes };
  } catch (error) {
    env.signal?.throwIfAborted();
    return { error, notes };
  }
}

/** The reason a record's error gives. */
export function recordError(record: ParseRecord): string {
  return errorMessage(record.error);
}

const fileKey = (cataloger: string, location: Location): string => `${cataloger}\u0000${location.path}\u0000${location.layer ?? ''}`;

/**
 * Records made while the layers streamed, per parser and (cataloger, path, layer). They stay until the
 * run ends: `--scope all-layers` may list one (path, layer) twice when an image repeats a layer (the
 * same bytes, so the same record).
 */
export class StreamedParses {
  private readonly byParser = new Map<ParserSpec, Map<string, ParseRecord>>();

  put(cataloger: string, parser: ParserSpec, location: Location, record: ParseRecord): void {
    let m = this.byParser.get(parser);
    if (m === undefined) this.byParser.set(parser, (m = new Map()));
    // A path written twice by one layer: the later member is the one the layer leaves.
    m.set(fileKey(cataloger, location), record);
  }

  /** The record for this file, or undefined when it was not parsed while streaming. */
  get(cataloger: string, parser: ParserSpec, location: Location): ParseRecord | undefined {
    return this.byParser.get(parser)?.get(fileKey(cataloger, location));
  }

  /** How many (parser, file version) pairs were parsed while streaming. */
  get size(): number {
    let n = 0;
    for (const m of this.byParser.values()) n += m.size;
    return n;
  }
}

export interface StreamPlan {
  /** The source's `wants`: bytes it keeps for the parsers that run after the walk (and their companions, the distro files). */
  wants: (path: string) => boolean;
  /** The source's `stream` sink: every other parser's files, parsed as they pass. */
  sink: StreamSink;
  /** What the sink parsed, for `runCatalogers` (RunContext.streamed). */
  parses: StreamedParses;
}

export interface StreamPlanOptions {
  limits?: CatalogLimits;
  signal?: AbortSignal;
}

/**
 * Split the catalogers' files between the ones a source keeps (parsed after the walk) and the ones
 * parsed as they stream. Files over `limits.maxFileBytes` are not parsed here (the runner reports them).
 */
export function planStreaming(catalogers: readonly Cataloger[], o: StreamPlanOptions = {}): StreamPlan {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const keep = new Set<string>(DISTRO_PATHS);
  const jobs: { cataloger: Cataloger; parser: ParserSpec; isMatch: (p: string) => boolean }[] = [];
  for (const cataloger of catalogers) {
    for (const parser of cataloger.parsers) {
      for (const g of parser.companions ?? []) keep.add(g);
      // a pathsOnly parser needs no bytes: nothing of its files is kept
      if (!isStreamable(parser)) for (const g of parser.pathsOnly === true ? [] : parser.globs) keep.add(g);
      else jobs.push({ cataloger, parser, isMatch: compilePathMatcher(parser.globs) });
    }
  }
  const wants = compilePathMatcher([...keep]);
  const takes = compilePathMatcher(jobs.flatMap((j) => j.parser.globs));
  const parses = new StreamedParses();
  const env: ParseEnv = { limits, ...(o.signal === undefined ? {} : { signal: o.signal }) };
  const sink: StreamSink = {
    takes,
    async take(file: StreamedFile): Promise<void> {
      const location: Location = file.layer === '' ? { path: file.path } : { path: file.path, layer: file.layer };
      let bytes: Promise<Buffer> | undefined;
      const input: ParseInput = { read: () => (bytes ??= file.read()), open: () => file.open() };
      for (const job of jobs) {
        if (!job.isMatch(file.path) || (file.size > limits.maxFileBytes && !(job.parser.randomAccess === true && job.parser.anySize === true))) continue;
        o.signal?.throwIfAborted();
        parses.put(job.cataloger.name, job.parser, location, await parseOne(job.parser, location, input, env));
      }
    },
  };
  return { wants, sink, parses };
}
