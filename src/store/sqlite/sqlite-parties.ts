/**
 * Owners and submitters in SQLite: each distinct text (an owner key, or a
 * submitter as JSON) is stored once in `parties` and records refer to it by its
 * integer key, so a record grows by two small integers rather than by a hundred
 * bytes of repeated text. Party 0 is the owner `` of records stored before
 * owners. A text is given its key outside any write transaction, so that a key
 * this process remembers was committed, and keys never change or go away.
 */

import type Database from 'better-sqlite3';
import type { Submitter } from '../contract';

type Prepare = (sql: string) => Database.Statement;

export class SqliteParties {
  private readonly keys = new Map<string, number>();
  private readonly texts = new Map<number, string>();

  constructor(private readonly prepare: Prepare) {}

  /** Keys for these texts, creating the missing ones; call outside a transaction. */
  remember(texts: Iterable<string>): void {
    for (const text of texts) {
      if (this.keys.has(text)) continue;
      this.prepare('INSERT OR IGNORE INTO parties (text) VALUES (?)').run(text);
      this.learn(text, this.prepare('SELECT pk FROM parties WHERE text = ?').pluck().get(text) as number);
    }
  }

  /** The key of a text given to remember() before. */
  keyOf(text: string): number {
    const key = this.keys.get(text);
    if (key === undefined) throw new Error(`party not remembered: ${text}`);
    return key;
  }

  textOf(key: number): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.prepare('SELECT text FROM parties WHERE pk = ?').pluck().get(key) as string;
      this.learn(text, key);
    }
    return text;
  }

  submitterOf(key: number | null): Submitter | null {
    return key === null ? null : (JSON.parse(this.textOf(key)) as Submitter);
  }

  private learn(text: string, key: number): void {
    this.keys.set(text, key);
    this.texts.set(key, text);
  }
}

/** A submitter as stored: its known fields only, in a fixed order. */
export function submitterText(submitter: Submitter): string {
  const { organisation, user, keyId } = submitter;
  return JSON.stringify({ organisation, ...(user !== undefined ? { user } : {}), ...(keyId !== undefined ? { keyId } : {}) });
}
