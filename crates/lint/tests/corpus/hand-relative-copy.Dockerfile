FROM python:3.12-slim AS base
COPY requirements.txt .
WORKDIR /app

FROM base AS app
COPY . .

FROM python:3.12-slim
COPY --from=app /app /app
COPY entry.sh ./
USER 1000
ENTRYPOINT ["/app/entry.sh"]
