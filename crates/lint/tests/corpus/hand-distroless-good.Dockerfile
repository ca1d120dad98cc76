# syntax=docker/dockerfile:1
FROM golang:1.22.3-bookworm@sha256:1111111111111111111111111111111111111111111111111111111111111111 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot@sha256:2222222222222222222222222222222222222222222222222222222222222222
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
