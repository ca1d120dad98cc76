FROM opensuse/leap:15.6
RUN zypper refresh && zypper install -y curl && zypper clean -a
RUN zypper --non-interactive install git-2.43.0
USER 1000
