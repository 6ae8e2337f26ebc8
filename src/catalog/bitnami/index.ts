import { defineCataloger } from '../cataloger.js';
import { parseBitnamiComponents, parseBitnamiSpdx } from './bitnami.js';

/** Software Bitnami images install under /opt/bitnami without a package manager, from the SBOMs they ship beside it. */
export const bitnamiCataloger = defineCataloger({
  name: 'bitnami-cataloger',
  ecosystem: 'bitnami',
  tags: ['installed', 'image', 'directory', 'bitnami'],
  parsers: [
    { globs: ['/opt/bitnami/**/.spdx-*.spdx'], parse: parseBitnamiSpdx },
    { globs: ['/opt/bitnami/.bitnami_components.json'], parse: parseBitnamiComponents },
  ],
});
