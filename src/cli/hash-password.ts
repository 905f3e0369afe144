import { hashPassword } from '../identity/passwords';
import { readStdinLine } from './stdin';

/** Reads one password (the first line of stdin) and prints its hash. */
export async function hashPasswordCommand(): Promise<void> {
  process.stdout.write(`${await hashPassword(await readStdinLine())}\n`);
}
