/**
 * What a runner measured per test, as JSON (veristat's insns and states): a baseline
 * loaded from the database must still carry them for the growth warning.
 */
export default `
ALTER TABLE test_results ADD COLUMN metrics TEXT;
`;
