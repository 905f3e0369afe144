/** The versions a publisher posted to one collection, for the read-back check. */

import { versionOf, type StixObject } from './generator';

export class ExpectedVersions {
  private readonly keys = new Set<string>();

  /** Records an object whose post succeeded. Objects without a version are matched by id alone. */
  add(obj: StixObject): void {
    this.keys.add(`${obj.id}|${versionOf(obj) ?? ''}`);
  }

  addAll(objects: Iterable<StixObject>): void {
    for (const obj of objects) this.add(obj);
  }

  /** The key of a stored record, or null when no such version was posted. */
  match(id: string, version: string): string | null {
    const versioned = `${id}|${version}`;
    if (this.keys.has(versioned)) return versioned;
    const versionless = `${id}|`;
    return this.keys.has(versionless) ? versionless : null;
  }

  get size(): number {
    return this.keys.size;
  }
}
