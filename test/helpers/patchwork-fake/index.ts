// The lab servers live in src/lab so that `npm run demo` can use them too.
export * from '../../../src/lab/patchwork-fake/index.js';
