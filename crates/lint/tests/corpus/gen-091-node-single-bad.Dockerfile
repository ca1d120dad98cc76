FROM node:20-alpine
RUN apk update && apk add --no-cache openssl git tini
WORKDIR /app
COPY . /app
RUN npm install
COPY .env /app/.env
EXPOSE 22
ADD app.py /app/
WORKDIR app
USER root
CMD python app.py
