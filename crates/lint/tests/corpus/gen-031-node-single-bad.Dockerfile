FROM node
RUN apt-get update
RUN apt-get install make curl tini
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN npm install
RUN wget -qO- https://example.com/setup | bash
ENV DB_PASSWORD=hunter2
RUN cd /app && make
CMD python app.py
