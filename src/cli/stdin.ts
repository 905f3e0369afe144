/** All of standard input, as bytes. */
export async function readStdinBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** All of standard input as UTF-8 text. */
export async function readStdinText(): Promise<string> {
  return (await readStdinBytes()).toString('utf8');
}

/** The first line of standard input (passwords are never taken from the command line, where `ps` shows them). */
export async function readStdinLine(): Promise<string> {
  const line = (await readStdinText()).split(/\r?\n/)[0] ?? '';
  if (line === '') throw new Error('expected a password on stdin, e.g.: echo -n "secret" | accord …');
  return line;
}
