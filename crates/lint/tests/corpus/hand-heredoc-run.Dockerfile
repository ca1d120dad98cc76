# syntax=docker/dockerfile:1.7
FROM debian:12
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
RUN <<-EOT bash
	set -e
	cd /tmp && wget https://example.com/a.tgz
	EOT
COPY <<EOF /etc/app.conf
listen = 8080
EOF
USER 1000
