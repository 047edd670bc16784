# syntax=docker/dockerfile:1
# The Hestia server as a container image: a build stage compiles it, a slim runtime stage runs it as the
# unprivileged `node` user. The build steps are scripts/docker/build.sh, which
# `node scripts/docker-build-check.mjs` also runs on a clean copy of the repository, without Docker.
#
#   docker build -t hestia .
#   docker run -p 4000:4000 -e JWT_SECRET=<32+ random characters> -v hestia-data:/data hestia
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary fits: a C++ toolchain and Python for node-gyp.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
RUN npm install --global pnpm@12.4.2
ENV npm_config_nodedir=/usr/local
WORKDIR /src
# Dependencies first, cached while the lockfile is unchanged; then the sources.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN sh scripts/docker/build.sh /app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root, read-only for the server; only /data is writable.
COPY --from=build /app ./
RUN mkdir -p /data/uploads && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server drains on SIGTERM (readiness 503, sockets told to reconnect elsewhere, requests finished).
STOPSIGNAL SIGTERM
CMD ["node", "--conditions=hestia-built", "dist/main.js"]
