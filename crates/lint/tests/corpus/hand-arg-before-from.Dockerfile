ARG REGISTRY=docker.io
ARG NODE_VERSION=20.11.1
ARG VARIANT=alpine3.19
FROM ${REGISTRY}/library/node:${NODE_VERSION}-${VARIANT} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM ${REGISTRY}/library/node:${NODE_VERSION}-${VARIANT}
ARG NODE_VERSION
ENV NODE_ENV=production APP_VERSION=${NODE_VERSION}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --chown=node:node . .
USER node
CMD ["node", "index.js"]
