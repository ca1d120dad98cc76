# syntax=docker/dockerfile:1
FROM docker.io/library/ubuntu:20.04 AS build
RUN apt update && apt install -y libpq5 ca-certificates
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM docker.io/library/ubuntu:20.04 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM debian:12-slim
COPY --from=build /out/app app
COPY id_rsa /root/.ssh/id_rsa
ENV A=1 B=${A}
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ENTRYPOINT /app
