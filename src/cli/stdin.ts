/** The first line of standard input (passwords are never taken from the command line, where `ps` shows them). */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new Error('expected a password on stdin, e.g.: echo -n "secret" | accord …');
  return line;
}
