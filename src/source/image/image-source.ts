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

export const DEFAULT_MEMORY_BUDGET = 512 << 20;

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
        notRetainedHint: 'streamed image sources keep only the files that ResolverOptions.wants accepts; add the path to the wanted globs',
      });
    },
    async [Symbol.asyncDispose]() {
      for (const t of temps) t.dispose();
      temps.length = 0;
      await onDispose?.();
    },
  };
}
