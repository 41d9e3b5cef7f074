import type { CollectionModel } from 'pocketbase'
import { pb } from './pb.ts'

/** Every collection (superuser view), kept in memory and reloaded after schema changes. */
class Collections {
  list = $state<CollectionModel[]>([])
  loaded = $state(false)
  error = $state('')

  /** Loads every collection (a few hundred at most, so one full list is fine). */
  async load(): Promise<void> {
    try {
      this.list = await pb.collections.getFullList({ sort: 'name', requestKey: 'collections' })
      this.error = ''
    } catch (err) {
      this.error = (err as Error).message
    } finally {
      this.loaded = true
    }
  }

  /** The collection with this name or id, if any. */
  find(nameOrId: string): CollectionModel | undefined {
    return this.list.find((c) => c.name === nameOrId || c.id === nameOrId)
  }
}

/** The dashboard's collections. */
export const collections = new Collections()
