import { defineCataloger } from '../cataloger.js';
import { parseRockspec } from './rockspec.js';

/** A Lua rock's `*.rockspec`: the rock itself, as the project. */
export const luaRockCataloger = defineCataloger({
  name: 'lua-rock-cataloger',
  ecosystem: 'luarocks',
  tags: ['language', 'declared', 'directory', 'lua', 'luarocks'],
  parsers: [{ globs: ['**/*.rockspec'], parse: parseRockspec }],
});
