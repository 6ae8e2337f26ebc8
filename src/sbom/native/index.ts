export { encodeNativeSbom, NATIVE_SBOM_VERSION, stableStringify, type NativeSbomDocument } from './encode.js';
export { decodeNativeSbom, isNativeSbom } from './decode.js';
