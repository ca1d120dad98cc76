# syntax=docker/dockerfile:1
FROM quay.io/centos/centos:stream9 AS build
RUN yum -y update && yum install -y wget && rm -rf /var/cache/yum/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM scratch
COPY --from=builder /out/app /app
LABEL Version=1.0
ADD https://example.com/tool.tar.gz /opt/
ARG GITHUB_TOKEN
ENTRYPOINT ["/app"]
