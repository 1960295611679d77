# The Fastify service in app/, and nothing else of this repository (the Pulumi program, its SDKs and the
# dev tools stay out). Build from the repository root: docker build -t fastify-deploy .
#
# Base images are build arguments so that tests can substitute a locally made stand-in
# (test/image/run.sh). The defaults are the official Node.js image, Node 24 (an LTS line, maintained
# until April 2028) on Debian 13 "trixie" slim, the same image for building and running: glibc, so
# prebuilt native addons work; a shell and apt for debugging; Debian security updates; amd64 and arm64
# under one tag. They are pinned by the digest of the multi-platform index, so a rebuild is
# reproducible, and because the Dockerfile is part of the image tag (image.ts), a new digest means a new
# image: base image fixes arrive as a reviewed one-line change, never silently.
# Digest source: docker-library/repo-info repos/node/remote/24-trixie-slim.md (commit 2eade49d, Node
# 24.20.0, index digest published by Docker's official-images build of 27 Aug 2026).
# Bumping (README "Bump the base image"): Renovate proposes it (.github/renovate.json); by hand,
# `docker buildx imagetools inspect node:24-trixie-slim` prints the current index digest; set both
# defaults to it, and run `npm run test:image` and the CI image job.
ARG BUILD_IMAGE=node:24-trixie-slim@sha256:50c3b2f6988dfc307b86e5301d69611af31f4789bdf232863b07d3b02fe55ae0
ARG RUNTIME_IMAGE=node:24-trixie-slim@sha256:50c3b2f6988dfc307b86e5301d69611af31f4789bdf232863b07d3b02fe55ae0

# Root devDependencies that compiling the app needs; every other root dependency (the Pulumi SDKs,
# linters, test tools) is dropped before installing.
ARG BUILD_TOOLS="typescript @types/node"

# The lockfile describes the whole workspace. Dropping the root's own dependencies from package.json and
# letting npm prune the lockfile to match (no resolution happens: every kept entry stays at its locked
# version and integrity) leaves exactly the app's dependency tree, so `npm ci` can neither install a root
# package nor trip over root entries this platform does not need.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS manifests
ARG BUILD_TOOLS
WORKDIR /src
COPY package.json package-lock.json ./
COPY app/package.json app/
RUN node -e 'const fs = require("node:fs"); \
      const keep = process.argv.slice(1); \
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")); \
      const dev = pkg.devDependencies ?? {}; \
      const missing = keep.filter((name) => !dev[name]); \
      if (missing.length) throw new Error(`BUILD_TOOLS not in root devDependencies: ${missing}`); \
      delete pkg.dependencies; delete pkg.optionalDependencies; delete pkg.scripts; \
      pkg.devDependencies = Object.fromEntries(keep.map((name) => [name, dev[name]])); \
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));' ${BUILD_TOOLS} \
 && npm install --package-lock-only --ignore-scripts --no-audit --no-fund \
 && mkdir build prod \
 && cp package.json package-lock.json build/ \
 && npm pkg delete devDependencies \
 && npm install --package-lock-only --ignore-scripts --no-audit --no-fund \
 && cp package.json package-lock.json prod/

# Compiles app/ with its dev dependencies. Install scripts are off: no dependency of the app needs one,
# and a build should not run code from the registry. The output is plain JavaScript, so this stage (like
# the one above) runs on the builder's own CPU even when the image is for another one (--platform
# linux/arm64 on an amd64 host): no emulation for tsc.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /src/build/ ./
COPY app/package.json app/
RUN --mount=type=cache,id=fastify-deploy-npm,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
COPY app/tsconfig.json app/tsconfig.build.json app/
COPY app/src app/src
RUN npm run build --workspace app

# The app's production dependencies only, installed on the target platform so that any platform-specific
# optional dependency matches the image. npm hoists them to /src/node_modules; a version conflict would
# leave some in app/node_modules, which is kept (possibly empty) so the runtime layout mirrors this one.
FROM ${BUILD_IMAGE} AS prod-deps
WORKDIR /src
COPY --from=manifests /src/prod/ ./
COPY app/package.json app/
RUN --mount=type=cache,id=fastify-deploy-npm,target=/root/.npm,sharing=locked \
    npm ci --workspace app --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@fastify-deploy node_modules/.package-lock.json \
 && mkdir -p app/node_modules

FROM ${RUNTIME_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /srv/app
# Owned by root and not writable by the app's user: the app writes nothing, and the root filesystem can
# be mounted read-only.
COPY --from=prod-deps /src/node_modules /srv/node_modules
COPY --from=prod-deps /src/app/node_modules /srv/app/node_modules
COPY app/package.json /srv/app/package.json
COPY --from=build /src/app/dist /srv/app/dist
# Numeric, so Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 65532:65532
EXPOSE 3000
# Node is PID 1 and handles SIGTERM/SIGINT itself (close-with-grace): no npm, no shell in between.
CMD ["node", "dist/server.js"]
