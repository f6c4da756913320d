import type { AddressInfo } from "node:net";
import type { SlackMessage } from "../slack";
import { createSlackReceiver, type AnswerMessage } from "../slack-receiver";

/** What the stand-in answers one message with; `hang` holds it open until `release()`. */
export type ReceiverReply =
  { status: number; body?: string; headers?: Record<string, string> } | { hang: true };

export interface ReceivedRequest {
  /** Date.now() when the whole body had arrived. */
  at: number;
  path: string;
  body: SlackMessage;
  /** The status answered; null while held open. */
  status: number | null;
}

/**
 * The demo's Slack receiver (`../slack-receiver`), scriptable for tests: records every message it accepts,
 * answers from a script of replies (then "200 ok", as Slack does), and can hold a request open to catch a
 * sender mid-send.
 */
export interface SlackReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Replies for the next messages, in order. */
  script(...replies: ReceiverReply[]): void;
  /** Resolves once at least `count` messages have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Answers every held request with 200. */
  release(): void;
  close(): Promise<void>;
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const requests: ReceivedRequest[] = [];
  const replies: ReceiverReply[] = [];
  const held: AnswerMessage[] = [];
  let waiters: Array<() => void> = [];

  const { server } = createSlackReceiver({
    onMessage(message, answer) {
      const record: ReceivedRequest = {
        at: Date.now(),
        path: message.path,
        body: message.payload as unknown as SlackMessage,
        status: null,
      };
      const answerAndRecord: AnswerMessage = (status, text, headers) => {
        record.status = status;
        answer(status, text, headers);
      };
      requests.push(record);
      const wake = waiters;
      waiters = [];
      for (const waiter of wake) waiter();
      const reply = replies.shift() ?? { status: 200 };
      if ("hang" in reply) held.push(answerAndRecord);
      else answerAndRecord(reply.status, reply.body, reply.headers);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/stand-in-webhook`,
    requests,
    script: (...next) => replies.push(...next),
    async waitForRequests(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`the receiver got ${requests.length} of ${count} requests within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
      return requests;
    },
    release() {
      for (const answer of held.splice(0)) answer(200);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
