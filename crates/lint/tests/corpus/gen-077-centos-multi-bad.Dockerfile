FROM centos:7 AS build
RUN yum install gcc wget httpd
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM gcr.io/distroless/python3-debian12
COPY --from=build / /
ENV DB_PASSWORD=hunter2
ENTRYPOINT /app
