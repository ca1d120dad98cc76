FROM opensuse/tumbleweed
RUN zypper dup -y
RUN zypper --non-interactive install curl=8.6.0 && zypper clean -a
RUN zypper in -y git vim=9.1 && zypper cc
RUN --mount=type=cache,target=/var/cache/zypp zypper install -n make
RUN zypper rm curl
USER 1000
