import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** What the worker hands back: plain data, cheap to structured-clone. */
export interface WorkerMail {
  headerLines: { key: string; line: string }[];
  subject?: string;
  from?: { name: string; address: string };
  text: string;
  attachments: { contentType: string; filename?: string; content: Uint8Array }[];
}

export type WorkerResult = { ok: true; mail: WorkerMail } | { ok: false; error: string };

/*
 * mailparser is stream-based and only offers an async API, but the store must
 * parse inside one synchronous better-sqlite3 transaction. So the parse runs in
 * a worker thread and the caller blocks on Atomics.wait until it answers
 * (the synckit pattern). The wait has a timeout, which also bounds a
 * pathological mail; a worker that times out is thrown away.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { simpleParser } = require(workerData.mailparser);
const TEXTUAL = /^(text\\/|application\\/(x-)?(patch|diff)|message\\/rfc822)/i;
parentPort.on('message', async ({ raw, port, signal }) => {
  let out;
  try {
    const m = await simpleParser(Buffer.from(raw), {
      skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true,
    });
    const from = m.from && m.from.value && m.from.value[0];
    out = { ok: true, mail: {
      headerLines: m.headerLines,
      subject: m.subject,
      from: from ? { name: from.name || '', address: from.address || '' } : undefined,
      text: m.text || '',
      attachments: (m.attachments || []).map((a) => ({
        contentType: a.contentType || '',
        filename: a.filename,
        content: TEXTUAL.test(a.contentType || '') || /\\.(patch|diff)$/i.test(a.filename || '')
          ? new Uint8Array(a.content) : new Uint8Array(0),
      })),
    } };
  } catch (e) {
    out = { ok: false, error: String((e && e.message) || e) };
  }
  port.postMessage(out);
  const flag = new Int32Array(signal);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});`;

let worker: Worker | undefined;

function getWorker(): Worker {
  if (!worker) {
    const mailparser = createRequire(import.meta.url).resolve('mailparser');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { mailparser } });
    worker.unref();
    // A worker that died (out of memory on a hostile mail) is replaced on the next parse.
    const created = worker;
    const forget = () => {
      if (worker === created) worker = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
  }
  return worker;
}

/** Parses one raw message with mailparser, synchronously. Never throws for bad mail. */
export function parseWithMailparser(raw: Buffer, timeoutMs = 30_000): WorkerResult {
  const w = getWorker();
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  try {
    w.postMessage({ raw, port: port2, signal }, [port2]);
    const waited = Atomics.wait(new Int32Array(signal), 0, 0, timeoutMs);
    const reply = receiveMessageOnPort(port1);
    if (waited === 'timed-out' || !reply) {
      void w.terminate();
      worker = undefined;
      return { ok: false, error: `parser gave no answer within ${timeoutMs} ms` };
    }
    return reply.message as WorkerResult;
  } finally {
    port1.close();
  }
}
