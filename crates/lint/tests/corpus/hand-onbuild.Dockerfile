FROM node:20-alpine
WORKDIR /app
ONBUILD COPY package.json package-lock.json ./
ONBUILD RUN npm install
ONBUILD RUN apt-get update && apt-get install -y git
ONBUILD ONBUILD RUN echo nested
ONBUILD RUN sudo make
USER node
CMD ["node", "server.js"]
