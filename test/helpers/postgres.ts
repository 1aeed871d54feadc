// The lab servers live in src/lab so that `npm run bench` can use them too.
export * from '../../src/lab/postgres.js';
