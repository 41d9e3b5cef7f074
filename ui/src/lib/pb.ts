import PocketBase, { LocalAuthStore } from 'pocketbase'

/**
 * The one SDK client of the dashboard. The server that serves /_/ is the API, so the base URL is
 * this page's origin; the superuser session is kept under its own storage key so an app served
 * from pb_public on the same origin does not share (or clobber) it.
 */
export const pb = new PocketBase(
  window.location.origin,
  new LocalAuthStore('__satchel_dashboard_auth__'),
)

// NOTE: the dashboard issues overlapping list requests on purpose (typing in a search box);
// callers cancel stale ones with their own requestKey instead of the SDK's per-path default.
pb.autoCancellation(false)

/** The superusers collection's name (PocketBase's system collection). */
export const SUPERUSERS = '_superusers'
