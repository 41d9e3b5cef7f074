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

/**
 * Frames a message for the WebSocket transport (beyond PocketBase): one JSON text frame
 * `{"type":"event","topic":<name>,"data":<data>}`, the data embedded as the JSON value it is
 * (not re-serialised), so a record event costs one string concatenation per client.
 */
export function wsFrame(message: Message): string {
  return `{"type":"event","topic":${JSON.stringify(message.name)},"data":${message.data}}`
}
