/**
 * Accord as a child process (`accord serve`), for tests that kill it. `npm test`
 * type-checks without emitting, so the sources are transpiled here once (no type
 * check) into a temporary tree that links to the repository's package.json,
 * node_modules, schemas and config, where `projectRoot()` finds them.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../src/paths';

export interface BuiltServer {
  /** The compiled `accord` command. */
  entry: string;
  remove(): void;
}

export function transpileServer(): BuiltServer {
  const root = projectRoot();
  const dir = mkdtempSync(join(tmpdir(), 'accord-build-'));
  for (const file of sourcesUnder(join(root, 'src'))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, isolatedModules: true },
    });
    const out = join(dir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  for (const name of ['package.json', 'node_modules', 'schemas', 'config']) symlinkSync(join(root, name), join(dir, name));
  return { entry: join(dir, 'src', 'cli', 'accord.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const READY = /Accord is serving TAXII 2\.1 at (\S+)\/taxii2\//;

/** One `accord serve` process, started and answering. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly log: string[],
    private readonly exited: Promise<number | null>,
  ) {}

  static async start(built: BuiltServer, configFile: string, timeoutMs = 60_000): Promise<ServerProcess> {
    const env: NodeJS.ProcessEnv = {};
    // The configuration file alone decides, whatever the test runner's environment says.
    for (const [name, value] of Object.entries(process.env)) if (!/^(ACCORD_|MONGODB_URI$|PORT$)/.test(name)) env[name] = value;
    const child = spawn(process.execPath, [built.entry, 'serve', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`accord serve did not start within ${timeoutMs} ms:\n${log.join('')}`)), timeoutMs);
      const collect = (chunk: Buffer) => {
        log.push(chunk.toString('utf8'));
        const ready = READY.exec(log.join(''));
        if (ready) {
          clearTimeout(timer);
          done(ready[1]!);
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`accord serve exited (${code}) before it was ready:\n${log.join('')}`));
      });
    });
    return new ServerProcess(child, url, log, exited);
  }

  /** What the process printed, for a failure message. */
  output(): string {
    return this.log.join('').slice(-4000);
  }

  /** kill -9: no shutdown, no flush, whatever it was doing. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, the graceful shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
