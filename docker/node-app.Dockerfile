# syntax=docker/dockerfile:1
# A Node app that tsup bundles into apps/<APP>/dist (its npm dependencies stay external): the gateway agent
# (APP=gateway) and the demo shop, traffic generator and Slack receiver (APP=demo). Build context: the
# repository root.
#   docker build -f docker/node-app.Dockerfile --build-arg APP=gateway -t switchyard-gateway .
#   docker build -f docker/node-app.Dockerfile --build-arg APP=demo -t switchyard-demo .
#   docker run switchyard-demo dist/slack-receiver.js --host 0.0.0.0

# base, manifests and deps are the same as in web.Dockerfile and worker.Dockerfile, so one build shares them.
FROM node:20-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo

# Only what `npm install` reads, so the install layers below are reused until a dependency really changes.
FROM base AS manifests
COPY . .
RUN find . -mindepth 1 -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -mindepth 1 -depth -type d -empty -delete

FROM base AS deps
COPY --from=manifests /repo ./
# Not `npm ci`, and no install scripts: see worker.Dockerfile.
RUN --mount=type=cache,target=/root/.npm npm install --ignore-scripts

FROM deps AS build
ARG APP
RUN test -n "$APP" || (echo "build with --build-arg APP=gateway or APP=demo" && exit 1)
COPY . .
RUN npx turbo run build --filter=@switchyard/${APP}

# The npm packages the bundles load at run time, at the lockfile's versions (see worker.Dockerfile for why
# devDependencies are deleted from the manifests first).
FROM base AS production-deps
ARG APP
COPY --from=manifests /repo ./
RUN --mount=type=cache,target=/root/.npm \
    npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm install --ignore-scripts --omit=dev --workspace @switchyard/${APP} \
 && rm -rf node_modules/@switchyard

FROM node:20-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /repo/node_modules ./node_modules
# package.json marks the bundles as ES modules.
COPY --from=build /repo/apps/${APP}/package.json ./apps/${APP}/
COPY --from=build /repo/apps/${APP}/dist ./apps/${APP}/dist
WORKDIR /app/apps/${APP}
USER node
# The container's command names the entry point and its flags, e.g. `dist/cli.js --config gateway.yaml`
# (gateway) or `dist/shop.js --host 0.0.0.0` (demo); node runs as PID 1 and gets SIGTERM directly.
ENTRYPOINT ["node"]
