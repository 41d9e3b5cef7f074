import type { RecordModel } from 'pocketbase'
import { pb, SUPERUSERS } from './pb.ts'

/** The signed-in superuser, mirrored from the SDK's auth store so components react to it. */
class Session {
  record = $state<RecordModel | null>(pb.authStore.record)
  valid = $state(pb.authStore.isValid)

  constructor() {
    pb.authStore.onChange(() => {
      this.record = pb.authStore.record
      this.valid = pb.authStore.isValid
    })
  }

  /** Whether a superuser (not some other auth record) is signed in with an unexpired token. */
  get signedIn(): boolean {
    return this.valid && this.record?.collectionName === SUPERUSERS
  }

  /** Forgets the token (the server keeps no session to end). */
  signOut(): void {
    pb.authStore.clear()
  }

  /**
   * Refreshes the token on start so a revoked or expired session lands on the sign-in page
   * rather than failing on the first request; a network failure keeps the stored token.
   */
  async refresh(): Promise<void> {
    if (!this.signedIn) return
    try {
      await pb.collection(SUPERUSERS).authRefresh()
    } catch (err) {
      if ((err as { status?: number }).status !== 0) pb.authStore.clear()
    }
  }
}

/** The dashboard's session. */
export const session = new Session()
