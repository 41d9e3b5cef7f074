/** One realtime message: the SSE event name and its data (JSON text, sent as is). */
export interface Message {
  /** The SSE `event:` value (for record events: the exact subscription string). */
  readonly name: string
  /** The SSE `data:` value, already serialised (JSON without line breaks). */
  readonly data: string
}

/**
 * Frames a message exactly as PocketBase writes it (§10.1, §20 item 1):
 * `id:<clientId>\nevent:<name>\ndata:<data>\n\n`. The SSE `id` is always the client id, which
 * both official SDKs read as their client id.
 */
export function sseFrame(clientId: string, message: Message): string {
  return `id:${clientId}\nevent:${message.name}\ndata:${message.data}\n\n`
}
