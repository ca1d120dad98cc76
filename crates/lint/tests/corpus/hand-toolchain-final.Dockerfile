FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends build-essential=12.10ubuntu1 cmake=3.28.3-1build7 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN make -C /src
USER 1000
CMD ["/src/app"]
