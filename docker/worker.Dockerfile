# syntax=docker/dockerfile:1
# The BullMQ worker (apps/worker) and, as the `migrate` target, the one-shot migration and seed runner.
# Build context: the repository root.
#   docker build -f docker/worker.Dockerfile -t switchyard-worker .
#   docker build -f docker/worker.Dockerfile --target migrate -t switchyard-migrate .

# base, manifests and deps are the same as in web.Dockerfile, so one build of both images shares them.
FROM node:20-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo

# Only what `npm install` reads. This stage reruns on any change, but its output changes only with a
# manifest, so the install layers below are reused until a dependency really changes.
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
# turbo runs the Prisma client generation first (`^generate` in turbo.json); tsup bundles the workspace
# packages, generated client included, into dist/main.js and leaves npm packages external.
RUN npx turbo run build --filter=@switchyard/worker

# The npm packages dist/main.js loads at run time: production dependencies of the worker and of the
# workspace packages it uses, at the lockfile's versions. devDependencies are deleted from the manifests
# first because npm also keeps optional peers that the full tree holds (the Prisma CLI, with its own
# dependencies), even with --omit=dev. The workspace links would dangle without their sources, and nothing
# needs them.
FROM base AS production-deps
COPY --from=manifests /repo ./
RUN --mount=type=cache,target=/root/.npm \
    npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm install --ignore-scripts --omit=dev --workspace @switchyard/worker \
 && rm -rf node_modules/@switchyard

# Applies prisma/migrations with the project's runner, then seeds the demo organization; both are safe to
# run again. It needs TypeScript sources, tsx and the generated client, so it is the build stage as is.
FROM build AS migrate
ENV NODE_ENV=production \
    PATH=/repo/node_modules/.bin:$PATH
# Where the demo setup writes the gateways' tokens; a volume mounted here starts with this owner.
RUN mkdir -p /run/switchyard && chown node:node /run/switchyard
USER node
CMD ["sh", "-c", "tsx packages/db/src/migrate-cli.ts && tsx prisma/seed.ts"]

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /repo/node_modules ./node_modules
# package.json marks dist/main.js as an ES module.
COPY --from=build /repo/apps/worker/package.json ./apps/worker/
COPY --from=build /repo/apps/worker/dist ./apps/worker/dist
WORKDIR /app/apps/worker
USER node
CMD ["node", "dist/main.js"]
