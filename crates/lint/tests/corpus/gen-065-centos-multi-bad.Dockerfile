# syntax=docker/dockerfile:1
FROM centos:7 AS build
RUN yum install make wget
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM debian:12-slim
COPY --from=build /out/app app
ADD https://example.com/tool.tar.gz /opt/
ENTRYPOINT /app
