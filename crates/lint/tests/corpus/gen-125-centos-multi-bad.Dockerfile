# syntax=docker/dockerfile:1
FROM centos:7 AS build
RUN yum install wget gcc
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM centos:7 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM alpine:3.20
COPY --from=build /out/app /app
ENV A=1 B=${A}
EXPOSE 22
ARG GITHUB_TOKEN
ENTRYPOINT ["/app"]
