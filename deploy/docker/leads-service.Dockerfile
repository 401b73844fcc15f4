# syntax=docker/dockerfile:1
# leads-service: built with `npm run build` (the SWC build CI runs through `npm test`), run on Node 24 slim with
# production dependencies only, as the unprivileged `node` user. The same image runs the migrations as a
# one-shot job: `node dist/apps/leads-service/src/migrate.js`, the script `npm start` and `npm test` run.
# Checked by test/deploy/dockerfiles.int.test.ts. Build from the repository root:
#   docker build -f deploy/docker/leads-service.Dockerfile .
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Not `npm ci`, for the reason in deploy/local/run.sh; every version is pinned and --no-save keeps the lockfile.
# The `node` devDependency is how `npm start` gets Node 24 on a bare machine; the image has it, so drop its shim.
RUN npm install --no-save --no-audit --no-fund --ignore-scripts && rm -f node_modules/.bin/node
COPY .swcrc tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
COPY bench ./bench
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-save --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json: "type": "module" and the #contracts / #platform import maps of the built code.
COPY package.json ./
# Uploaded documents (DOCUMENTS_DIR): a directory the unprivileged user owns; compose mounts a volume here.
ENV DOCUMENTS_DIR=/var/lib/chargesol/documents
RUN mkdir -p /var/lib/chargesol/documents && chown node:node /var/lib/chargesol/documents
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LEADS_PORT || 3001) + '/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/leads-service/src/main.js"]
