/** The port the e2e stack's web app listens on; fixed per run so the Playwright config can know it. */
export const e2ePort = Number(process.env.E2E_PORT ?? 3210);
