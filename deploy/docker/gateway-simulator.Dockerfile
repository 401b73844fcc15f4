# syntax=docker/dockerfile:1
# The gateway simulator (Twilio, SendGrid and FCM HTTP APIs on one port) that the tests use, as a container for
# the compose `simulator` profile. Entry point: test/support/gateway-simulator-main.ts (settings from the
# environment, port GATEWAY_SIMULATOR_PORT, default 4010). Checked by test/deploy/dockerfiles.int.test.ts.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Not `npm ci`, for the reason in deploy/local/run.sh; the `node` devDependency's shim is not needed in an image.
RUN npm install --no-save --no-audit --no-fund --ignore-scripts && rm -f node_modules/.bin/node
COPY .swcrc ./
COPY test/support/gateway-simulator.ts test/support/gateway-simulator-main.ts ./test/support/
COPY test/support/gateway-simulator/ ./test/support/gateway-simulator/
RUN npx swc test/support/gateway-simulator.ts test/support/gateway-simulator-main.ts test/support/gateway-simulator -d dist --config-file .swcrc -q

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-save --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production GATEWAY_SIMULATOR_PORT=4010
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/test/support ./dist/test/support
COPY package.json ./
USER node
EXPOSE 4010
# Any HTTP answer (the simulator says 404 to GET /) means it is listening.
HEALTHCHECK --interval=5s --timeout=3s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.GATEWAY_SIMULATOR_PORT || 4010) + '/').then(() => process.exit(0), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/test/support/gateway-simulator-main.js"]
