import type { App } from '../../../src/index.ts'

// The create-scenario hook as a Satchel TypeScript hooks file (issue 9 item 6).
export function hooks(app: App): void {
  app.onRecordCreateRequest('posts').bind(async (e) => {
    e.record.set('body', `${e.record.getString('body')} (hooked)`)
    await e.next()
  })
}
