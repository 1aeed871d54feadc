/**
 * The Patchwork delegate of a series (netdevbpf delegates BPF work to "bpf", the rest
 * to "netdev"): routing.delegates reads it when the subject carries no tree tag.
 */
export default `
ALTER TABLE series ADD COLUMN patchwork_delegate TEXT;
`;
