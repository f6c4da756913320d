/** Sent by a service replica to its supervisor (over the IPC channel, when there is one) once it listens. */
export interface ServiceReadyMessage {
  type: "listening";
  port: number;
}

export function isServiceReadyMessage(message: unknown): message is ServiceReadyMessage {
  return (
    typeof message === "object" && message !== null && (message as { type?: unknown }).type === "listening"
  );
}
