import type { ServerResponse } from "node:http";

/**
 * A reply written over time (Server-Sent Events for `stream: true` queries) instead of one JSON body. The server
 * writes the status and headers, then hands the response to `write`, which ends it. An error thrown by `write` after
 * the headers went out can no longer become an error status: `write` reports such errors in its own stream format.
 */
export class StreamReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly write: (res: ServerResponse) => Promise<void>,
  ) {}

  async send(res: ServerResponse): Promise<void> {
    res.writeHead(this.status, this.headers);
    res.flushHeaders();
    await this.write(res);
    if (!res.writableEnded) res.end();
  }
}
