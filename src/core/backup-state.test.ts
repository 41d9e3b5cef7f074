import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { nodeExecutable } from '../tests/process.ts'
import { TestApp } from '../tests/test-app.ts'
import { activeBackup, BackupBusyError, BackupOperation } from './backup-state.ts'

let app: TestApp

beforeEach(async () => {
  app = await TestApp.create()
})
afterEach(async () => {
  await app.cleanup()
})

test('the backup lock is shared with other processes and dies with its holder', async () => {
  const lockModule = fileURLToPath(new URL('../tools/db/sqlite-file.ts', import.meta.url))
  const { backupLock, backupState } = app.dataDir
  BackupOperation.begin(app, 'backup', 'mine.zip').end() // creates pb_data/.satchel
  // another process (a worker) holds the lock and publishes its state, like BackupOperation
  const script = `
    import { writeFileSync } from 'node:fs'
    import { tryLockFile } from ${JSON.stringify(lockModule)}
    if (tryLockFile(${JSON.stringify(backupLock)}) === undefined) process.exit(3)
    writeFileSync(${JSON.stringify(backupState)}, JSON.stringify({ operation: 'restore', name: 'theirs.zip', progress: 7, started: new Date().toISOString(), pid: process.pid }))
    process.stdout.write('locked\\n')
    setInterval(() => {}, 1000)
  `
  const child = spawn(nodeExecutable(), ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && resolve())
      child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)))
    })
    expect(() => BackupOperation.begin(app, 'backup', 'x.zip')).toThrow(BackupBusyError)
    expect(activeBackup(app)).toMatchObject({
      operation: 'restore',
      name: 'theirs.zip',
      progress: 7,
    })
    const su = { Authorization: (await app.createSuperuser()).token }
    const res = await app.request('POST', '/api/backups', { headers: su })
    expect(res.status).toBe(400)
  } finally {
    child.kill('SIGKILL')
    await exited
  }
  // the holder died without cleaning up: its state is ignored and the lock is free
  expect(activeBackup(app)).toBeUndefined()
  const op = BackupOperation.begin(app, 'backup', 'x.zip')
  expect(activeBackup(app)?.name).toBe('x.zip')
  op.end()
  writeFileSync(backupState, JSON.stringify({ pid: 999_999_999, name: 'ghost.zip' }))
  expect(activeBackup(app)).toBeUndefined()
})
