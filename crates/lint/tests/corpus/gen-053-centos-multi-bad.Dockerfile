# syntax=docker/dockerfile:1
FROM centos:centos7.9.2009 AS build
RUN yum -y update && yum install -y httpd epel-release wget && rm -rf /var/cache/yum/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM centos:centos7.9.2009 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM scratch
COPY --from=build /out/app /app
ADD app.py /app/
ARG GITHUB_TOKEN
COPY . .
ENTRYPOINT /app
