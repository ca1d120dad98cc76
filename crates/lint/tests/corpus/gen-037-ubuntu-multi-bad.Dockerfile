FROM ubuntu AS build
RUN apt-get update && apt-get install -y build-essential libpq5
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM cgr.dev/chainguard/static:latest
COPY --from=build /out/app /app
WORKDIR app
ADD https://example.com/tool.tar.gz /opt/
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ENTRYPOINT /app
