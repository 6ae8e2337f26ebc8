/**
 * A Source over an image whose layers can be streamed (any transport): describe() is known at open
 * time; resolver() streams and squashes the layers.
 */
import { silentLogger } from '../../core/log.js';
import type { SourceDescription } from '../../sbom/model.js';
import type { OpenSourceOptions } from '../options.js';
import { TempSpace } from '../temp.js';
import { TreeResolver } from '../tree.js';
import type { FileResolver, ResolverOptions, Source } from '../types.js';
import { squashLayers, type LayerPlan } from './squash.js';

/**
 * Bytes of kept (wanted) files held in memory before spilling to temp files. With a stream sink only
 * the files parsed after the walk are kept (OS package databases, their companions, os-release):
 * tens of MB on big images, so this is a last resort against hostile ones.
 */
export const DEFAULT_MEMORY_BUDGET = 64 << 20;
/** A file handed to a stream sink is held in memory up to this size while it is parsed; a bigger one goes through a temp file. */
export const STREAM_FILE_BYTES = 16 << 20;
/** Bytes of copies of recently streamed small files kept for hard links to them (see squash.ts RecentSmallFiles). */
export const LINK_CACHE_BYTES = 4 << 20;

export interface ImagePlan {
  description: SourceDescription;
  layers: LayerPlan[];
  /** Always hash layers against their digests (registry blobs); otherwise only with options.verifyLayers. */
  verifyLayers: boolean;
}

export function imageSource(plan: ImagePlan, options: OpenSourceOptions, onDispose?: () => Promise<void>): Source {
  const temps: TempSpace[] = [];
  return {
    describe: () => plan.description,
    async resolver(ro: ResolverOptions = {}): Promise<FileResolver> {
      const temp = new TempSpace(options.tempDir);
      temps.push(temp);
      const signal = ro.signal ?? options.signal;
      const tree = await squashLayers(plan.layers, {
        label: plan.description.name,
        scope: ro.scope ?? 'squashed',
        wants: ro.wants ?? (() => false),
        ...(ro.stream === undefined ? {} : { sink: ro.stream }),
        streamFileBytes: STREAM_FILE_BYTES,
        linkCacheBytes: ro.stream === undefined ? 0 : LINK_CACHE_BYTES,
        ...(ro.onProgress === undefined ? {} : { onProgress: ro.onProgress }),
        ...(signal === undefined ? {} : { signal }),
        budgetBytes: options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET,
        verifyDigests: plan.verifyLayers || options.verifyLayers === true,
        temp,
        log: options.log ?? silentLogger,
      });
      return new TreeResolver(tree, {
        scope: ro.scope ?? 'squashed',
        sourceName: plan.description.name,
        notRetainedHint: 'streamed image sources keep only the files that ResolverOptions.wants accepts (files handed to ResolverOptions.stream are not kept); add the path to the wanted globs',
      });
    },
    async [Symbol.asyncDispose]() {
      for (const t of temps) t.dispose();
      temps.length = 0;
      await onDispose?.();
    },
  };
}
