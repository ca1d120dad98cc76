FROM redhat/ubi9:latest
LABEL org.opencontainers.image.title="ubi-app16" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN dnf install curl
WORKDIR /app
COPY app /app/
RUN sudo chmod -R 777 /app
COPY id_rsa /root/.ssh/id_rsa
RUN echo a | tee /tmp/a
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
