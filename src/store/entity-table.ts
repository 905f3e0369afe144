/**
 * Typed access to one kind of entity through the storage contract. A layout
 * says once how a document of that kind is stored: its id, the references that
 * find it (`org:<id>`, `partnership:<path>`) and its optional unique key. The
 * identity and partnership models declare their layouts; nothing else builds an
 * Entity by hand.
 */

import { NotFoundError } from '../errors';
import type { Entity, EntityKind, Store } from './contract';

export interface EntityLayout<T extends object> {
  kind: EntityKind;
  id(doc: T): string;
  refs?(doc: T): string[];
  /** Unique among entities of this kind when defined (a collection's alias within its partnership). */
  uniqueKey?(doc: T): string | undefined;
}

export class EntityTable<T extends object> {
  constructor(
    private readonly store: Store,
    private readonly layout: EntityLayout<T>,
  ) {}

  async get(id: string): Promise<T | null> {
    const found = await this.store.getEntity(this.layout.kind, id);
    return found === null ? null : (found.doc as T);
  }

  /** The document, or a 404 with `message`. */
  async require(id: string, message: string): Promise<T> {
    const found = await this.get(id);
    if (found === null) throw new NotFoundError(message);
    return found;
  }

  /** Every document of the kind, or those holding `ref`, sorted by id. */
  async list(ref?: string): Promise<T[]> {
    return (await this.store.listEntities(this.layout.kind, ref)).map((e) => e.doc as T);
  }

  /** ConflictError when the id or unique key is taken. */
  async create(doc: T): Promise<T> {
    await this.store.createEntity(this.entity(doc));
    return doc;
  }

  async replace(doc: T): Promise<T> {
    await this.store.replaceEntity(this.entity(doc));
    return doc;
  }

  /** True when it existed. */
  delete(id: string): Promise<boolean> {
    return this.store.deleteEntity(this.layout.kind, id);
  }

  private entity(doc: T): Entity {
    const entity: Entity = { kind: this.layout.kind, id: this.layout.id(doc), refs: this.layout.refs?.(doc) ?? [], doc: { ...doc } as Record<string, unknown> };
    const uniqueKey = this.layout.uniqueKey?.(doc);
    if (uniqueKey !== undefined) entity.uniqueKey = uniqueKey;
    return entity;
  }
}
