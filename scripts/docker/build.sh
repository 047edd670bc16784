#!/bin/sh
# The build stage of the Dockerfile, also run by scripts/docker-build-check.mjs on a clean copy of the
# repository: install with the frozen lockfile, generate the Prisma clients, build the server, and put the
# server with its production dependencies only into the folder given (the runtime image's /app).
#   sh scripts/docker/build.sh <output folder>      (PNPM: the pnpm command, default "pnpm")
set -eu
out=${1:?usage: build.sh <output folder>}
pnpm=${PNPM:-pnpm}

$pnpm install --frozen-lockfile --offline
node packages/db/scripts/generate.mjs
$pnpm --filter @hestia/db --filter @hestia/server run build
# A self-contained folder: apps/server with node_modules of its production dependencies, workspace
# packages (@hestia/db with its build and migrations) copied in rather than linked.
$pnpm --filter @hestia/server --prod --config.inject-workspace-packages=true deploy "$out"
