import { defineCataloger } from '../cataloger.js';
import { parseOtpApp } from './otp-app.js';
import { parseRebarLock } from './rebar-lock.js';

/** Declared Erlang (Hex) packages from rebar3's rebar.lock. */
export const erlangRebarLockCataloger = defineCataloger({
  name: 'erlang-rebar-lock-cataloger',
  ecosystem: 'hex',
  tags: ['language', 'declared', 'directory', 'erlang', 'hex', 'rebar'],
  parsers: [{ globs: ['**/rebar.lock'], parse: parseRebarLock }],
});

/** An Erlang/OTP application's resource file (`<app>.app`): the application itself, as the project. */
export const erlangOtpApplicationCataloger = defineCataloger({
  name: 'erlang-otp-application-cataloger',
  ecosystem: 'hex',
  tags: ['language', 'declared', 'directory', 'erlang', 'hex', 'otp'],
  parsers: [{ globs: ['**/*.app'], parse: parseOtpApp }],
});
