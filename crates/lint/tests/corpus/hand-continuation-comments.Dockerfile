FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update \
# install the tools
    && apt-get install -y --no-install-recommends \
        curl \

        git \
    && rm -rf /var/lib/apt/lists/*
# hadolint ignore=DL3059,DL3003
RUN cd /tmp
RUN echo trailing-space-continuation \   
    done
USER 1000
