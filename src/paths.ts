/** Where the repository's own files are: the schemas, the demo configuration. */

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest ancestor holding package.json (works from src/ under ts-jest and from dist/). */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const DEMO_CONFIG_PATH = join(projectRoot(), 'config', 'demo.yaml');
