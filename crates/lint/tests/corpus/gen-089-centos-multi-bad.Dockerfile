# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM centos:centos7.9.2009 AS build
RUN yum install make wget epel-release
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
EXPOSE 22
COPY . .
ENTRYPOINT ["/app"]
