# syntax=docker/dockerfile:1.7
FROM debian:12
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1
RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \
    --mount=type=ssh \
    --mount=type=bind,source=.,target=/src,from=context \
    aws s3 cp s3://bucket/file /tmp/file
RUN --mount=type=tmpfs,target=/tmp --network=none echo isolated
RUN --security=insecure echo privileged
USER 10001
