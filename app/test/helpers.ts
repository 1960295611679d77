import { type BuildAppOptions, buildApp } from "../src/app.js";

/** The real app, as server.ts builds it, minus the listening socket. */
export async function build(options: Partial<BuildAppOptions> = {}) {
  const app = await buildApp({ version: "1.2.3", ...options });
  await app.ready();
  return app;
}
