/** Minimal typings of the `s3rver` dev dependency (a local S3 server used by tests). */
declare module 's3rver' {
  interface S3rverOptions {
    port?: number
    address?: string
    silent?: boolean
    directory?: string
    resetOnClose?: boolean
    configureBuckets?: { name: string }[]
  }
  class S3rver {
    constructor(options: S3rverOptions)
    run(): Promise<{ address: string; port: number }>
    close(): Promise<void>
    reset(): void
  }
  // biome-ignore lint/style/noDefaultExport: the package's own (CommonJS) export
  export default S3rver
}
