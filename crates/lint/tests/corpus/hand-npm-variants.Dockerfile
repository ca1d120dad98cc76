FROM node:20
RUN npm install express@4.19.2 lodash@4.17.21
RUN npm install --save-dev @types/node
RUN npm install @scope/pkg@1.2.3
RUN npm install git+https://github.com/org/repo.git#v1.0.0
RUN npm install ./local-package
RUN npm install --loglevel verbose left-pad
RUN npm install -g npm@10.5.0 && npm cache clean --force
RUN npm i -g typescript
RUN yarn global add typescript@5.4.5
RUN yarn cache clean && yarn install
USER node
