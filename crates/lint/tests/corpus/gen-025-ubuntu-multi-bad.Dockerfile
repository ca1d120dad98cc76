# syntax=docker/dockerfile:1
FROM docker.io/library/ubuntu:20.04 AS build
RUN apt-get update && \
    apt-get install -y --no-install-recommends libpq5 && \
    apt-get clean
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM docker.io/library/ubuntu:20.04 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
MAINTAINER ops@example.com
USER root
EXPOSE 80000

ENTRYPOINT /app
