FROM centos:7 AS build
RUN yum install wget epel-release httpd
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM centos:7 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM debian:12-slim
COPY --from=build /out/app app
COPY .env /app/.env
ENTRYPOINT ["/app"]
