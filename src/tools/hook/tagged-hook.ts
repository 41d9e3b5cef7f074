import { type BindOptions, Hook, type HookEvent, type HookHandler } from './hook.ts'

/**
 * TaggedHook<E> is a view of a `Hook` whose handlers run only for events carrying one of its
 * tags (PocketBase `hook.TaggedHook`): for record and collection hooks the tags are the
 * collection's id and name. A view without tags matches every event. Handlers of a view are
 * ordinary handlers of the underlying hook (same priorities, ids and `unbind`); for a
 * non-matching event they just continue the chain.
 *
 * @example
 * app.onRecordCreate('posts', 'comments').bind(async (e) => {
 *   e.record.set('status', 'draft')
 *   await e.next()
 * })
 */
export class TaggedHook<E extends HookEvent> {
  readonly #hook: Hook<E>
  readonly #tags: readonly string[]
  readonly #tagsOf: (e: E) => readonly string[]

  constructor(hook: Hook<E>, tags: readonly string[], tagsOf: (e: E) => readonly string[]) {
    this.#hook = hook
    this.#tags = tags
    this.#tagsOf = tagsOf
  }

  /** True when a handler of this view runs for `event`. */
  canTriggerOn(event: E): boolean {
    if (this.#tags.length === 0) return true
    return this.#tagsOf(event).some((t) => this.#tags.includes(t))
  }

  /** Registers a handler that runs for matching events only; returns its id. */
  bind(fn: HookHandler<E>, options: BindOptions = {}): string {
    if (this.#tags.length === 0) return this.#hook.bind(fn, options)
    return this.#hook.bind((e) => (this.canTriggerOn(e) ? fn(e) : e.next()), options)
  }

  /** Removes handlers by id (of this view or of the hook itself). */
  unbind(...ids: string[]): void {
    this.#hook.unbind(...ids)
  }
}

/**
 * A hook that is also a function returning a tagged view of itself, so both
 * `app.onRecordCreate.bind(fn)` (every collection) and `app.onRecordCreate('posts').bind(fn)`
 * (PocketBase's `app.OnRecordCreate("posts").BindFunc(fn)`) work.
 */
export type TaggableHook<E extends HookEvent> = ((...tags: string[]) => TaggedHook<E>) &
  Pick<Hook<E>, 'bind' | 'unbind' | 'unbindAll' | 'trigger' | 'length'>

/**
 * Creates a {@link TaggableHook}; `tagsOf` names the tags of an event (for record events the
 * record collection's id and name).
 */
export function taggableHook<E extends HookEvent>(
  tagsOf: (e: E) => readonly string[],
): TaggableHook<E> {
  const hook = new Hook<E>()
  const view = (...tags: string[]) => new TaggedHook(hook, tags, tagsOf)
  // NOTE: a function's own `length`/`name` are configurable, so they can be redefined here.
  Object.defineProperties(view, {
    bind: { value: hook.bind.bind(hook) },
    unbind: { value: hook.unbind.bind(hook) },
    unbindAll: { value: hook.unbindAll.bind(hook) },
    trigger: { value: hook.trigger.bind(hook) },
    length: { get: () => hook.length },
  })
  return view as TaggableHook<E>
}
