import { describe, expect, test } from 'vitest'
import { HookEvent } from './hook.ts'
import { taggableHook } from './tagged-hook.ts'

class TagEvent extends HookEvent {
  readonly tags: string[]
  log: string[] = []
  constructor(...tags: string[]) {
    super()
    this.tags = tags
  }
}

describe('taggableHook', () => {
  test('a tagged view runs only for matching events; the plain hook for all', async () => {
    const hook = taggableHook<TagEvent>((e) => e.tags)
    hook('posts').bind(async (e) => {
      e.log.push('posts')
      await e.next()
    })
    hook('a', 'b').bind(async (e) => {
      e.log.push('a|b')
      await e.next()
    })
    const id = hook.bind(
      async (e) => {
        e.log.push('all')
        await e.next()
      },
      { priority: -1 },
    )
    expect(hook.length).toBe(3)
    const run = async (...tags: string[]) => {
      const e = new TagEvent(...tags)
      await hook.trigger(e, async (ev) => {
        ev.log.push('final')
      })
      return e.log
    }
    expect(await run('id1', 'posts')).toEqual(['all', 'posts', 'final'])
    expect(await run('b')).toEqual(['all', 'a|b', 'final'])
    expect(await run('other')).toEqual(['all', 'final'])
    hook.unbind(id)
    expect(await run('other')).toEqual(['final'])
    expect(hook().canTriggerOn(new TagEvent('x'))).toBe(true)
  })
})
