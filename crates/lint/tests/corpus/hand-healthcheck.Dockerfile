FROM nginx:1.27
HEALTHCHECK --interval=10s --timeout=3s CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
HEALTHCHECK NONE

FROM nginx:1.27
HEALTHCHECK CMD ["true"]
STOPSIGNAL SIGQUIT
VOLUME ["/var/cache/nginx"]
VOLUME /data /logs
EXPOSE 80/tcp 443/udp 9000-9010 ${PORT}
USER nginx
