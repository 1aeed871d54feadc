import { unquoted } from './body.js';

/**
 * The bot's mail commands in a reply, in the style of the `pw-bot:` lines maintainers
 * already write: a line of its own, `bpfci: <command>`. Quoted lines (`> bpfci: retest`
 * in a reply to a reply) are someone else's words and never count. Unknown words are
 * returned too, so the daemon can log them; they are answered with nothing.
 */
const COMMAND = /^[ \t]*bpfci:[ \t]*([A-Za-z][\w-]{0,30})[ \t]*$/gim;

export const KNOWN_COMMANDS = new Set(['retest']);

export function mailCommands(body: string): string[] {
  const words = [...unquoted(body).matchAll(COMMAND)].map((m) => (m[1] ?? '').toLowerCase());
  return [...new Set(words)];
}
