import { defineCataloger } from '../cataloger.js';
import { parseApkInstalled } from './apk-installed.js';

/** Installed Alpine packages: /lib/apk/db/installed, or /usr/lib/apk/db/installed (apk-tools 3, as trivy reads it). */
export const apkDbCataloger = defineCataloger({
  name: 'apk-db-cataloger',
  ecosystem: 'apk',
  tags: ['os', 'installed', 'image', 'directory', 'apk', 'alpine'],
  parsers: [{ globs: ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'], usesDistro: true, parse: parseApkInstalled }],
});
