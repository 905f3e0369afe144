import { hashPassword } from '../auth/passwords';

/** Reads one password (the first line of stdin) and prints its hash. */
export async function hashPasswordCommand(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new Error('no password on stdin; try: echo -n "secret" | accord hash-password');
  process.stdout.write(`${await hashPassword(password)}\n`);
}
