/** Test helper: an in-memory CliIo capturing stdout and stderr. */
import type { CliIo } from '@brightchain/cli';

export interface MemoryIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  readonly files: Map<string, string>;
  stdoutText(): string;
  stderrText(): string;
}

export function memoryIo(options: { tty?: boolean; files?: Record<string, string> } = {}): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}));
  let clock = 0;
  return {
    out,
    err,
    files,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    stderrIsTty: options.tty ?? false,
    columns: 80,
    readTextFile: (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    wallClockMs: () => (clock += 250),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}
