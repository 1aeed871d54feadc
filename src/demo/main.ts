#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { openContext } from '../context.js';
import { startMailSink } from '../lab/mail-sink.js';
import { startPatchworkFake } from '../lab/patchwork-fake/index.js';
import { startPublicInbox } from '../lab/public-inbox.js';
import { cacheRoot, prepareKernelTree } from '../pipeline/build/base-tree.js';
import { startWebServer } from '../web/server.js';
import { condenseLogLine } from './log-lines.js';

/**
 * `npm run demo`: the whole bot on this machine, with no network. A real
 * public-inbox plays lore, a real SMTP server plays the list's mail server and a
 * loopback Patchwork replays recorded real behaviour. Two series written for
 * Debian's linux-source-6.1 are posted; `bpfci run --once` tests each one for real
 * (git am, sandboxed kernel build, QEMU, test_verifier, the judge) and replies.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'main.js');
const say = (text: string) => process.stdout.write(`${text}\n`);

say('bpfci demo: preparing the kernel tree (cached after the first time)');
const repo = await prepareKernelTree(cacheRoot());
const pi = await startPublicInbox({ indexLevel: 'basic' });
const pw = await startPatchworkFake({ seed: 'empty' });
const sink = await startMailSink();
say(
  `lore (public-inbox): ${pi.url}\npatchwork (fake):    ${pw.apiUrl}\nsmtp:                127.0.0.1:${sink.port}`,
);

const stateDir = join(root, 'state', `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(stateDir, { recursive: true });
const configFile = join(stateDir, 'config.yaml');
const webPort = Number(process.env.BPFCI_DEMO_PORT ?? 8080);
writeFileSync(
  configFile,
  stringify({
    version: 1,
    state: { dir: stateDir },
    // The demo's own context (the web page) stays quiet; the runs log at info.
    log: { level: 'warn' },
    sources: {
      lore: { url: pi.url, intervalSeconds: 60 },
      patchwork: { url: pw.apiUrl, project: 'netdevbpf', tokenEnv: 'PATCHWORK_TOKEN' },
    },
    trees: { 'bpf-next': { upstream: repo, branch: 'master' } },
    routing: { default: 'bpf-next', tags: { 'bpf-next': 'bpf-next' } },
    build: { profile: 'minimal', ccacheDir: join(cacheRoot(), 'ccache') },
    vm: { memoryMb: 2048 },
    suites: [{ name: 'test_verifier', kind: 'test_verifier' }],
    judge: { reruns: 1 },
    report: {
      baseUrl: `http://127.0.0.1:${webPort}`,
      dryRun: false,
      email: {
        from: 'bpfci <bpfci@localhost>',
        smtp: { host: '127.0.0.1', port: sink.port, tls: 'none' },
        policy: 'always',
      },
    },
    daemon: { minFreeDiskGb: 5 },
  }),
);

async function post(name: 'good' | 'bad'): Promise<void> {
  const dir = join(root, 'test', 'fixtures', 'kernel-series', name);
  const [cover, ...patches] = readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) =>
      Buffer.from(readFileSync(join(dir, f), 'utf8').replace(/^From [0-9a-f]{40} .*\n/, '')),
    );
  await pi.importMails([cover as Buffer, ...patches]);
  pw.addSeries({ cover, patches, delegate: 'ci-bot' });
  say(`\nposted the ${name} series (${patches.length} patches) to the list and to Patchwork`);
}

async function runOnce(): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, [main, '--config', configFile, 'run', '--once'], {
    env: { ...process.env, PATCHWORK_TOKEN: pw.token, BPFCI_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  createInterface({ input: child.stderr }).on('line', (l) => {
    const short = condenseLogLine(l);
    if (short) say(short);
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`bpfci run --once exited ${code}`);
  return (Date.now() - started) / 1000;
}

await post('good');
const cold = await runOnce();
await post('bad');
const warm = await runOnce();

say('\n──────── replies the list received ────────');
for (const mail of sink.mails) say(`${mail.toString('utf8').replace(/\r\n/g, '\n')}\n────────`);
say('\n──────── Patchwork checks posted ────────');
for (const p of pw.checkPosts) say(`patch ${p.patchId}: ${p.body}`);

const ctx = openContext({ config: configFile });
const web = await startWebServer(ctx, '127.0.0.1', webPort);
say(`\nfirst run (cold lane, good series): ${cold.toFixed(0)} s`);
say(`second run (warm lane, bad series): ${warm.toFixed(0)} s`);
say(`\nrun pages: ${web.url}/   (Ctrl-C to stop)`);
process.once('SIGINT', async () => {
  await web.close();
  await Promise.all([pi.stop(), pw.stop(), sink.close()]);
  ctx.db.close();
  process.exit(0);
});
