import { createLogger } from "@switchyard/observability";

export const logger = createLogger({ service: "switchyard-web" });
