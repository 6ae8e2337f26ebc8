import { defineCataloger } from '../cataloger.js';
import { parseGguf } from './gguf.js';

/** GGUF model files (`*.gguf`): the model their header names, read without the tensors. */
export const ggufCataloger = defineCataloger({
  name: 'gguf-cataloger',
  ecosystem: 'generic',
  tags: ['directory', 'image', 'ai', 'model', 'gguf', 'ml'],
  // models are gigabytes: only the header is read (anySize: the per-file size limit does not apply)
  parsers: [{ globs: ['**/*.gguf'], randomAccess: true, anySize: true, parse: parseGguf }],
});
