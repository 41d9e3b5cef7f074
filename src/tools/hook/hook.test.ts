import { describe, expect, test } from 'vitest'
import { Hook, HookEvent } from './hook.ts'

class TestEvent extends HookEvent {
  log: string[] = []
}

describe('Hook', () => {
  test('runs handlers by priority, wraps the final action, and can be unbound', async () => {
    const hook = new Hook<TestEvent>()
    hook.bind(async (e) => {
      e.log.push('b:before')
      await e.next()
      e.log.push('b:after')
    })
    const id = hook.bind(
      async (e) => {
        e.log.push('a')
        await e.next()
      },
      { priority: -1 },
    )
    const e = new TestEvent()
    await hook.trigger(e, async (ev) => {
      ev.log.push('final')
    })
    expect(e.log).toEqual(['a', 'b:before', 'final', 'b:after'])

    hook.unbind(id)
    const e2 = new TestEvent()
    await hook.trigger(e2, async (ev) => {
      ev.log.push('final')
    })
    expect(e2.log).toEqual(['b:before', 'final', 'b:after'])
  })

  test('a handler that does not call next stops the chain', async () => {
    const hook = new Hook<TestEvent>()
    hook.bind((e) => {
      e.log.push('veto')
    })
    const e = new TestEvent()
    await hook.trigger(e, (ev) => {
      ev.log.push('final')
    })
    expect(e.log).toEqual(['veto'])
  })

  test('errors propagate and an un-awaited next still completes', async () => {
    const hook = new Hook<TestEvent>()
    hook.bind((e) => {
      void e.next()
    })
    const e = new TestEvent()
    await hook.trigger(e, async (ev) => {
      await new Promise((r) => setTimeout(r, 5))
      ev.log.push('final')
    })
    expect(e.log).toEqual(['final'])
    const failing = new Hook<TestEvent>()
    failing.bind(() => {
      throw new Error('nope')
    })
    await expect(failing.trigger(new TestEvent())).rejects.toThrow('nope')
  })

  test('binding with an existing id replaces the handler', async () => {
    const hook = new Hook<TestEvent>()
    hook.bind((e) => void e.log.push('one'), { id: 'x' })
    hook.bind((e) => void e.log.push('two'), { id: 'x' })
    const e = new TestEvent()
    await hook.trigger(e)
    expect(e.log).toEqual(['two'])
    expect(hook.length).toBe(1)
  })
})
