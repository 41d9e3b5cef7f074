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

/** The prefix of a client's SSE frames, `id:<clientId>\nevent:` (see {@link sseFrameBytes}). */
export function sseFramePrefix(clientId: string): Buffer {
  return Buffer.from(`id:${clientId}\nevent:`)
}

/**
 * {@link sseFrame} as bytes, from the client's {@link sseFramePrefix} and the rest of the frame,
 * which is encoded once for every client that gets the same message in a row (a fan-out sends
 * one name and data string to many clients): a copy per client instead of an encoding.
 */
export function sseFrameBytes(prefix: Buffer, message: Message): Buffer {
  return Buffer.concat([prefix, memo(sseTail, message)])
}

/**
 * Frames a message for the WebSocket transport (beyond PocketBase): one JSON text frame
 * `{"type":"event","topic":<name>,"data":<data>}` as UTF-8 bytes, the data embedded as the JSON
 * value it is (not re-serialised); shared by every client that gets the same message in a row.
 */
export function wsFrame(message: Message): Buffer {
  return memo(wsEvent, message)
}

const sseTail = (m: Message) => Buffer.from(`${m.name}\ndata:${m.data}\n\n`)
const wsEvent = (m: Message) =>
  Buffer.from(`{"type":"event","topic":${JSON.stringify(m.name)},"data":${m.data}}`)

/** The last encoding of each framing, by name and data (compared by value; usually one string). */
const last = new Map<(m: Message) => Buffer, { name: string; data: string; bytes: Buffer }>()

function memo(encode: (m: Message) => Buffer, message: Message): Buffer {
  const hit = last.get(encode)
  if (hit !== undefined && hit.data === message.data && hit.name === message.name) return hit.bytes
  const bytes = encode(message)
  last.set(encode, { name: message.name, data: message.data, bytes })
  return bytes
}
