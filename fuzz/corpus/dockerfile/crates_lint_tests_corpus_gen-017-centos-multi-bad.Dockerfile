# syntax=docker/dockerfile:1
FROM centos:7 AS build
RUN yum install -y wget
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM debian:12-slim
COPY --from=builder /out/app /app
EXPOSE 9010-9000
ENTRYPOINT ["/app"]
