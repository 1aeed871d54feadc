// Shared with `npm run bench`, so it lives in src/lab.
export * from '../../src/lab/mail-builder.js';
