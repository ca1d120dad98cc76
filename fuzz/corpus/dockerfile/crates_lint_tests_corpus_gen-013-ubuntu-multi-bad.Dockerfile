# syntax=docker/dockerfile:1
FROM ubuntu AS build
RUN apt-get update && apt-get install -y ca-certificates wget
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app app
ADD https://example.com/tool.tar.gz /opt/
ENTRYPOINT ["/app"]
