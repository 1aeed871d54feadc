/**
 * veristat (tools/testing/selftests/bpf/veristat.c, since 6.1) loads each program of each
 * object on its own and reports the verifier's statistics. In the guest's selftests dir:
 *
 *   ./veristat -o csv -e file,prog,verdict,duration,total_insns,total_states,peak_states <objects...>
 *
 * prints the header `file_name,prog_name,verdict,duration,total_insns,total_states,peak_states`
 * (a CSV header always uses each stat's first name, whichever alias -e was given), then one
 * row per program, sorted by file and program, verdict `success` or `failure`. -e is
 * spelled out because newer trees emit more columns by default; the parser keys on the
 * header anyway. Objects are listed one by one (the job script quotes every argument, no
 * glob), from one directory only: no_alu32/ holds objects with the same basenames.
 *
 * What 6.1 does not say, and bpfci has to allow for:
 * - Why a program failed: without -v libbpf is silenced, and -v puts verifier logs on
 *   stdout. Rerun `-v -f <file>/<prog>` for the log of one failure.
 * - That anything failed: the exit status is 0 when programs fail to verify.
 * - An object libbpf cannot open: `Failed to open '<path>': <-errno>` on stderr and no row;
 *   it reads as removed, not failed.
 * - Partial results: nothing is printed until every object is done, so a killed run has
 *   no rows at all.
 * - Whether the verifier ran: a load that fails before it (map or BTF setup) is `failure`
 *   with zeros.
 * - Program type, size and stack depth columns (later trees).
 * 6.1 has -C (two CSVs in, A/B/DIFF columns out), but it wants the same columns in the
 * same order on both sides and fills a program missing from one side with zeros, which
 * prints as verdict `failure`; bpfci compares the rows itself.
 */

export interface VeristatRow {
  /** The object's basename, as veristat prints it. */
  file: string;
  prog: string;
  verdict: 'success' | 'failure';
  durationUs?: number;
  insns?: number;
  states?: number;
  peakStates?: number;
}

export interface ParsedVeristat {
  rows: VeristatRow[];
  error?: string;
}

type Numeric = 'durationUs' | 'insns' | 'states' | 'peakStates';
const NUMERIC_COLUMNS: Record<string, Numeric> = {
  duration: 'durationUs',
  total_insns: 'insns',
  total_states: 'states',
  peak_states: 'peakStates',
};

export function veristatName(row: VeristatRow): string {
  return `${row.file}/${row.prog}`;
}

export function parseVeristatCsv(text: string): ParsedVeristat {
  const lines = text.split(/\r?\n/);
  // veristat ends every row with a newline: what follows the last one was cut off, and a
  // cut number would otherwise read as a smaller one.
  lines.pop();
  const at = lines.findIndex((line) => isHeader(splitCsvLine(line)));
  const header = at < 0 ? undefined : splitCsvLine(lines[at] ?? '');
  if (!header) return { rows: [], error: 'no veristat CSV header (file_name,prog_name,...)' };
  if (!header.includes('verdict')) {
    return { rows: [], error: `veristat CSV header has no verdict column: ${lines[at]}` };
  }
  const rows: VeristatRow[] = [];
  for (const line of lines.slice(at + 1)) {
    const row = rowOf(header, splitCsvLine(line));
    if (row) rows.push(row);
  }
  return { rows };
}

function isHeader(fields: string[] | undefined): boolean {
  return !!fields?.includes('file_name') && fields.includes('prog_name');
}

/**
 * Anything that is not a whole row (stderr between rows, a repeated header) is left out
 * rather than guessed at; a program lost that way shows up as removed from the base.
 */
function rowOf(header: string[], fields: string[] | undefined): VeristatRow | undefined {
  if (!fields || fields.length !== header.length) return undefined;
  const value = (column: string): string => fields[header.indexOf(column)] ?? '';
  const path = value('file_name');
  const file = path.slice(path.lastIndexOf('/') + 1);
  const prog = value('prog_name');
  const verdict = value('verdict');
  if (!file || !prog || (verdict !== 'success' && verdict !== 'failure')) return undefined;
  const row: VeristatRow = { file, prog, verdict };
  header.forEach((column, i) => {
    const key = NUMERIC_COLUMNS[column];
    const field = fields[i] ?? '';
    if (key && /^\d+$/.test(field)) row[key] = Number(field);
  });
  return row;
}

/**
 * RFC 4180 quoting within one line. veristat itself never quotes, but a file name with a
 * comma in it would need to be. Undefined when a quote is left open or text follows one.
 */
function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) return undefined;
        field += line.slice(i, close);
        i = close + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      field = line.slice(i, end);
      i = end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++;
  }
}
