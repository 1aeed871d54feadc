import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';

const MAX_BYTES = 2 * 1024 * 1024;

/** The end of a log file (the interesting part of a build or console log is its end). */
export function readTail(path: string, maxBytes = MAX_BYTES): { text: string; skipped: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return { text: buf.toString('utf8'), skipped: start };
  } finally {
    closeSync(fd);
  }
}

/** A log with numbered lines; test output is untrusted, so every line is escaped. */
export function logPage(title: string, jobId: number, text: string, skipped: number): Html {
  const lines = text.split('\n');
  return page(
    title,
    html`<h1>${title}</h1><p><a href="/runs/${jobId}">back to run ${jobId}</a>
    ${skipped ? html` · first ${skipped} bytes not shown` : ''}</p>
    <table class="log"><tbody>${lines.map(
      (l, i) => html`<tr id="L${i + 1}"><td class="n">${i + 1}</td><td>${l}</td></tr>`,
    )}</tbody></table>`,
  );
}
