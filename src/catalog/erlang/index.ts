import { defineCataloger } from '../cataloger.js';
import { parseRebarLock } from './rebar-lock.js';

/** Declared Erlang (Hex) packages from rebar3's rebar.lock. */
export const erlangRebarLockCataloger = defineCataloger({
  name: 'erlang-rebar-lock-cataloger',
  ecosystem: 'hex',
  tags: ['language', 'declared', 'directory', 'erlang', 'hex', 'rebar'],
  parsers: [{ globs: ['**/rebar.lock'], parse: parseRebarLock }],
});
