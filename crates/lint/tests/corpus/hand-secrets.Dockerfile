FROM node:20-alpine
ARG NPM_TOKEN
ARG GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
ENV API_KEY=abc123 SECRET_KEY_BASE=xyz
ENV CLIENT_ID=public-value
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci && rm ~/.npmrc
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
COPY .npmrc /root/.npmrc
COPY id_ed25519 /root/.ssh/
COPY credentials.json /app/
COPY .git /app/.git
COPY .env.example /app/
USER node
