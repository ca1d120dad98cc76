FROM node:20-alpine
RUN apk add ca-certificates tini git
WORKDIR /app
COPY . /app
RUN npm install -g pnpm
LABEL Version=1.0
EXPOSE 80000
CMD ["a"]
CMD ["b"]
