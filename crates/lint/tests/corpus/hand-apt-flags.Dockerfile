FROM debian:12
RUN apt-get -qq update && apt-get -qq install curl=7.88.1-10
RUN apt-get update && apt-get install -q -q -y -o Dpkg::Options::="--force-confnew" -t bookworm-backports git
RUN apt-get install -y --no-install-recommends ./local.deb /tmp/other.deb
RUN apt-get install -y -o APT::Install-Recommends=false vim=2:9.0.1378-2
RUN apt-get install --assume-yes --no-install-recommends nano=7.2-1
RUN aptitude update && aptitude install -y htop
RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
RUN DEBIAN_FRONTEND=noninteractive apt-get install -yq --no-install-recommends less=590-2
USER 1000
