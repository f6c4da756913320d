# syntax=docker/dockerfile:1
# The control plane (apps/web) as Next.js's self-contained server. Build context: the repository root.
#   docker build -f docker/web.Dockerfile -t switchyard-web .

# base, manifests and deps are the same as in worker.Dockerfile, so one build of both images shares them.
FROM node:20-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo

# Only what `npm install` reads. This stage reruns on any change, but its output changes only with a
# manifest, so the install layer in `deps` is reused until a dependency really changes.
FROM base AS manifests
COPY . .
RUN find . -mindepth 1 -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -mindepth 1 -depth -type d -empty -delete

FROM base AS deps
COPY --from=manifests /repo ./
# `npm install` installs the versions pinned in package-lock.json. Not `npm ci`: the lockfile is written on
# machines whose registry serves no macOS or Windows builds, so it lacks those variants of optional native
# packages (turbo, next's swc, ...); `npm ci` reports them missing and stops, `npm install` adds them.
# No dependency needs an install script (native parts ship as per-platform optional packages), and the
# development machines install without them too; Prisma's would download engines that `generate` never runs.
RUN --mount=type=cache,target=/root/.npm npm install --ignore-scripts

FROM deps AS build
COPY . .
# turbo runs the Prisma client generation first (`^generate` in turbo.json). NEXT_OUTPUT switches
# next.config.ts to the standalone server; loose env mode hands it to `next build` whatever turbo.json's
# allowlist says.
RUN NEXT_OUTPUT=standalone npx turbo run build --filter=@switchyard/web --env-mode=loose \
 && mkdir -p apps/web/public

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
WORKDIR /app
# The standalone output carries the server, the compiled app and the node_modules it traced; static assets
# and public/ (created empty in `build` when the app has none) are served from beside it but not part of it.
COPY --from=build /repo/apps/web/.next/standalone ./
COPY --from=build /repo/apps/web/.next/static ./apps/web/.next/static
COPY --from=build /repo/apps/web/public ./apps/web/public
# The code stays owned by root; the server may write only its cache.
RUN mkdir -p apps/web/.next/cache && chown node:node apps/web/.next/cache
USER node
EXPOSE 3000
CMD ["node", "apps/web/server.js"]
