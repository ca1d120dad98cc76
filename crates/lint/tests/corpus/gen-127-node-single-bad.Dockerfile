FROM node:18
RUN apt update && apt install -y git tini
WORKDIR /app
COPY . /app
RUN yarn install
ARG GITHUB_TOKEN
RUN echo a | tee /tmp/a
RUN useradd -u 1000000 app
RUN service nginx restart
USER root
CMD ["sh"]
