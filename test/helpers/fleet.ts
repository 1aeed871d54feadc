// The lab fleet lives in src/lab so that `npm run bench` can use it too.
export * from '../../src/lab/fleet-lab.js';
